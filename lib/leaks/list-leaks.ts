// What the leak sweeper found, as NII staff (every organization) and an organization's members
// (their own accounts) see it; and an organization admin's "check now".
import { and, desc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, readableOrganizations, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { leakedResources, organizations, providerAccounts } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { parseOrThrow } from '@/lib/zod-fields';
import { sweepLeaks, type SweepReport } from './sweep-leaks';

/** Ended leaks stay listed this long, so people see what the sweeper removed. */
const ENDED_SHOWN_DAYS = 30;
const LIMIT = 500;

export interface LeakView {
  id: string;
  provider: string;
  accountId: string;
  accountName: string;
  organizationId: string;
  organizationName: string;
  resourceId: string;
  name: string;
  reason: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** When the sweeper removes it; null once ended, or while in dry-run mode. */
  removeAfter: string | null;
  lastError: string | null;
  endedAt: string | null;
  outcome: 'removed' | 'vanished' | 'claimed' | null;
}

export interface LeakList {
  leaks: LeakView[];
  graceMinutes: number;
  dryRun: boolean;
}

const ZLeakQuery = z.object({
  organizationId: z.uuid({ error: 'must be an organization id' }).optional(),
  state: z.enum(['open', 'all'], { error: 'must be "open" or "all"' }).default('all'),
});

export async function listLeaks(db: Database, actor: Actor, rawQuery: unknown): Promise<LeakList> {
  const query = parseOrThrow(ZLeakQuery, rawQuery);
  if (query.organizationId) authorize(actor, 'read', query.organizationId, 'organization');
  const readable = query.organizationId ? [query.organizationId] : readableOrganizations(actor);
  const { OCS_LEAK_GRACE_MINUTES: graceMinutes, OCS_LEAK_DRY_RUN: dryRun } = env();
  if (readable?.length === 0) return { leaks: [], graceMinutes, dryRun };
  const shownSince = new Date(Date.now() - ENDED_SHOWN_DAYS * 86_400_000);
  const rows = await db
    .select({ leak: leakedResources, accountName: providerAccounts.name, organizationName: organizations.name })
    .from(leakedResources)
    .innerJoin(providerAccounts, eq(leakedResources.accountId, providerAccounts.id))
    .innerJoin(organizations, eq(leakedResources.organizationId, organizations.id))
    .where(
      and(
        readable ? inArray(leakedResources.organizationId, readable) : undefined,
        query.state === 'open' ? isNull(leakedResources.endedAt) : or(isNull(leakedResources.endedAt), gte(leakedResources.endedAt, shownSince)),
      ),
    )
    .orderBy(sql`${leakedResources.endedAt} is not null`, desc(leakedResources.firstSeenAt))
    .limit(LIMIT);
  const leaks = rows.map(({ leak, accountName, organizationName }): LeakView => ({
    id: leak.id,
    provider: leak.provider,
    accountId: leak.accountId,
    accountName,
    organizationId: leak.organizationId,
    organizationName,
    resourceId: leak.resourceId,
    name: leak.name,
    reason: leak.reason,
    firstSeenAt: leak.firstSeenAt.toISOString(),
    lastSeenAt: leak.lastSeenAt.toISOString(),
    removeAfter: leak.endedAt || dryRun ? null : new Date(leak.firstSeenAt.getTime() + graceMinutes * 60_000).toISOString(),
    lastError: leak.lastError,
    endedAt: leak.endedAt?.toISOString() ?? null,
    outcome: leak.outcome,
  }));
  return { leaks, graceMinutes, dryRun };
}

/** Sweeps the organization's accounts now, under the same grace period and dry-run setting as the schedule. */
export async function checkLeaksNow(db: Database, actor: Actor, organizationId: string, meta: RequestMeta): Promise<SweepReport> {
  authorize(actor, 'manageAccounts', organizationId, 'organization');
  const { OCS_LEAK_GRACE_MINUTES, OCS_LEAK_DRY_RUN } = env();
  const report = await sweepLeaks(db, { graceMs: OCS_LEAK_GRACE_MINUTES * 60_000, dryRun: OCS_LEAK_DRY_RUN, organizationId });
  await recordAudit(db, {
    actor,
    organizationId,
    action: 'leak.check',
    targetType: 'organization',
    targetId: organizationId,
    ipAddress: meta.ip,
    outcome: report.failures.length ? 'failure' : 'success',
    details: { accounts: report.accounts, listed: report.listed, open: report.open, removed: report.removed, failures: report.failures },
  });
  return report;
}
