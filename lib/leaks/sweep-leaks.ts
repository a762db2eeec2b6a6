// The leak sweeper: lists each cloud account's machines carrying this installation's tag, finds
// those no live node accounts for, records them (shown to NII staff and the account's
// organization), and removes each once it has been a leak for the grace period — unless in dry-run
// mode. Each removal is in the audit log. Run on a schedule by the workers (job `leaks.sweep`).
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import type { Database } from '@/lib/db/client';
import { leakedResources, nodes, providerAccounts, type LeakedResource, type ProviderAccount } from '@/lib/db/schema';
import { eachLimited } from '@/lib/each-limited';
import { safeErrorMessage } from '@/lib/errors';
import { INSTALL_TAG, installationId } from '@/lib/providers/installation';
import { getProvider, hasDriver } from '@/lib/providers/registry';
import { isAccountProvider, type AccountProvider, type NodeResource } from '@/lib/providers/types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SWEEPER = 'leak sweeper';

export interface SweepOptions {
  /** A leak older than this is removed. */
  graceMs: number;
  /** Find and record only. */
  dryRun: boolean;
  /** The sweep's clock (tests move it). */
  now?: Date;
  /** Only this organization's accounts (its admins' "check now"); else every organization's. */
  organizationId?: string;
}

export interface SweepReport {
  accounts: number;
  /** Machines carrying the installation's tag, in all accounts listed. */
  listed: number;
  /** Leaks open after the sweep. */
  open: number;
  removed: string[];
  /** Past their grace period, kept because of dry-run mode. */
  wouldRemove: string[];
  /** Accounts that could not be listed, and removals that failed. */
  failures: { accountId: string; resourceId?: string; error: string }[];
}

/**
 * The machine a resource id names, without the portal account it was listed through
 * ("<account id>/<the cloud's id>"): two accounts with the same cloud credentials list one machine.
 */
function machineOf(resourceId: string): string {
  const slash = resourceId.indexOf('/');
  return slash === 36 && UUID.test(resourceId.slice(0, 36)) ? resourceId.slice(37) : resourceId;
}

/** Why each machine is a leak (by resource id); machines a live node accounts for are absent. */
async function judge(db: Database, resources: NodeResource[]): Promise<Map<string, string>> {
  const ids = [...new Set(resources.map((r) => r.tags['ocs.nodeId']).filter((id): id is string => !!id && UUID.test(id)))];
  const rows = ids.length ? await db.select({ id: nodes.id, name: nodes.name, deletedAt: nodes.deletedAt, resourceId: nodes.providerResourceId }).from(nodes).where(inArray(nodes.id, ids)) : [];
  const byId = new Map(rows.map((n) => [n.id, n]));
  const reasons = new Map<string, string>();
  for (const r of resources) {
    const nodeId = r.tags['ocs.nodeId'];
    const node = nodeId ? byId.get(nodeId) : undefined;
    if (!nodeId) reasons.set(r.resourceId, 'it carries this installation\'s tag but names no node');
    else if (!node) reasons.set(r.resourceId, `its node ${nodeId} is not in the portal's database`);
    else if (node.deletedAt) reasons.set(r.resourceId, `its node ${node.name} was deleted at ${node.deletedAt.toISOString()}`);
    // A node being created has no resource id yet: the machine is its own, not a leak.
    else if (node.resourceId && machineOf(node.resourceId) !== machineOf(r.resourceId)) reasons.set(r.resourceId, `its node ${node.name} is ${node.resourceId}: this is a second machine for it`);
  }
  return reasons;
}

/** Records what was found in one account, closes what is no longer a leak, and returns the open leaks. */
async function record(db: Database, account: ProviderAccount, resources: NodeResource[], reasons: Map<string, string>, now: Date): Promise<LeakedResource[]> {
  for (const r of resources) {
    const reason = reasons.get(r.resourceId);
    if (!reason) continue;
    await db
      .insert(leakedResources)
      .values({ provider: account.provider, accountId: account.id, organizationId: account.organizationId, resourceId: r.resourceId, name: r.name, tags: r.tags, reason, firstSeenAt: now, lastSeenAt: now })
      .onConflictDoUpdate({
        target: [leakedResources.provider, leakedResources.resourceId],
        // A leak that had ended and is back starts its grace period again.
        set: {
          name: r.name,
          tags: r.tags,
          reason,
          lastSeenAt: now,
          firstSeenAt: sql`case when ${leakedResources.endedAt} is null then ${leakedResources.firstSeenAt} else ${now.toISOString()}::timestamptz end`,
          endedAt: null,
          outcome: null,
          lastError: sql`case when ${leakedResources.endedAt} is null then ${leakedResources.lastError} else null end`,
        },
      });
  }
  const listed = new Set(resources.map((r) => r.resourceId));
  const open = await db.select().from(leakedResources).where(and(eq(leakedResources.accountId, account.id), isNull(leakedResources.endedAt)));
  for (const leak of open.filter((l) => !reasons.has(l.resourceId)))
    await db
      .update(leakedResources)
      .set({ endedAt: now, outcome: listed.has(leak.resourceId) ? 'claimed' : 'vanished' })
      .where(eq(leakedResources.id, leak.id));
  return open.filter((l) => reasons.has(l.resourceId));
}

async function remove(db: Database, provider: AccountProvider, leak: LeakedResource, now: Date): Promise<string | null> {
  const details = { provider: leak.provider, accountId: leak.accountId, resourceId: leak.resourceId, name: leak.name, reason: leak.reason, firstSeenAt: leak.firstSeenAt.toISOString() };
  try {
    await provider.deleteNode(leak.resourceId);
  } catch (e) {
    const error = safeErrorMessage(e);
    await db.update(leakedResources).set({ lastError: error }).where(eq(leakedResources.id, leak.id));
    await recordAudit(db, { actor: null, actorLabel: SWEEPER, organizationId: leak.organizationId, action: 'leak.remove', targetType: 'leaked_resource', targetId: leak.id, outcome: 'failure', details: { ...details, error } });
    return error;
  }
  await db.update(leakedResources).set({ endedAt: now, outcome: 'removed', lastError: null }).where(eq(leakedResources.id, leak.id));
  await recordAudit(db, { actor: null, actorLabel: SWEEPER, organizationId: leak.organizationId, action: 'leak.remove', targetType: 'leaked_resource', targetId: leak.id, outcome: 'success', details });
  return null;
}

/** One sweep over every live account of every cloud with a driver; one account's failure never stops the others. */
export async function sweepLeaks(db: Database, options: SweepOptions): Promise<SweepReport> {
  const now = options.now ?? new Date();
  const install = await installationId(db);
  const scope = options.organizationId ? eq(providerAccounts.organizationId, options.organizationId) : undefined;
  const accounts = (await db.select().from(providerAccounts).where(and(isNull(providerAccounts.removedAt), scope)).orderBy(asc(providerAccounts.createdAt), asc(providerAccounts.id))).filter((a) => hasDriver(a.provider));
  const report: SweepReport = { accounts: 0, listed: 0, open: 0, removed: [], wouldRemove: [], failures: [] };

  // Every account is listed first (a few at a time), then judged in the order above: a machine two
  // accounts with the same cloud credentials list is judged once, through the oldest, every sweep.
  const listings = new Map<string, NodeResource[]>();
  await eachLimited(accounts, 4, async (account) => {
    const provider = await getProvider(account.provider);
    if (!isAccountProvider(provider)) return;
    try {
      listings.set(account.id, await provider.listAccountResources(account.id, { [INSTALL_TAG]: install }));
    } catch (e) {
      // Unlisted is not vanished: its open leaks stay as they are until a sweep can see the account.
      report.failures.push({ accountId: account.id, error: safeErrorMessage(e) });
    }
  });
  const seen = new Set<string>();
  for (const account of accounts) {
    const listed = listings.get(account.id);
    if (!listed) continue;
    const resources = listed.filter((r) => {
      const key = `${account.provider}:${machineOf(r.resourceId)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    report.accounts++;
    report.listed += resources.length;
    const open = await record(db, account, resources, await judge(db, resources), now);
    for (const leak of open) {
      if (now.getTime() - leak.firstSeenAt.getTime() < options.graceMs) {
        report.open++;
      } else if (options.dryRun) {
        report.open++;
        report.wouldRemove.push(leak.resourceId);
      } else {
        const error = await remove(db, (await getProvider(account.provider)) as AccountProvider, leak, now);
        if (error) {
          report.open++;
          report.failures.push({ accountId: account.id, resourceId: leak.resourceId, error });
        } else report.removed.push(leak.resourceId);
      }
    }
  }
  return report;
}
