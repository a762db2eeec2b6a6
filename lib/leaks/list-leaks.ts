// What the leak sweeper found, as NII staff (every organization) and an organization's members
// (their own accounts) see it; and an organization admin's "check now".
import { and, eq, gte, inArray, isNull, or } from 'drizzle-orm';
import { afterCursor, cursorColumn, pageOf, pageOrder } from '@/lib/api/pagination';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, readableOrganizations, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { leakedResources, organizations, providerAccounts } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { parseOrThrow } from '@/lib/zod-fields';
import { sweepLeaks } from './sweep-leaks';
import { ZLeakQuery, type LeakList, type LeakSweepReport, type LeakView } from './views';

export type { LeakList, LeakView } from './views';

/** Ended leaks stay listed this long, so people see what the sweeper removed. */
const ENDED_SHOWN_DAYS = 30;

/** The leaks the caller may see, newest first (by when the sweeper first saw them), a page at a time. */
export async function listLeaks(db: Database, actor: Actor, rawQuery: unknown): Promise<LeakList> {
  const query = parseOrThrow(ZLeakQuery, rawQuery);
  if (query.organizationId) authorize(actor, 'read', query.organizationId, 'organization');
  const readable = query.organizationId ? [query.organizationId] : readableOrganizations(actor);
  const { OCS_LEAK_GRACE_MINUTES: graceMinutes, OCS_LEAK_DRY_RUN: dryRun } = env();
  if (readable?.length === 0) return { leaks: [], graceMinutes, dryRun, nextCursor: null };
  const shownSince = new Date(Date.now() - ENDED_SHOWN_DAYS * 86_400_000);
  const keyset = { sort: leakedResources.firstSeenAt, id: leakedResources.id };
  const rows = await db
    .select({ leak: leakedResources, id: leakedResources.id, cursor: cursorColumn(keyset), accountName: providerAccounts.name, organizationName: organizations.name })
    .from(leakedResources)
    .innerJoin(providerAccounts, eq(leakedResources.accountId, providerAccounts.id))
    .innerJoin(organizations, eq(leakedResources.organizationId, organizations.id))
    .where(
      and(
        readable ? inArray(leakedResources.organizationId, readable) : undefined,
        query.state === 'open' ? isNull(leakedResources.endedAt) : or(isNull(leakedResources.endedAt), gte(leakedResources.endedAt, shownSince)),
        afterCursor(keyset, query.cursor),
      ),
    )
    .orderBy(...pageOrder(keyset))
    .limit(query.limit + 1);
  const { items, nextCursor } = pageOf(rows, query.limit);
  const leaks = items.map(({ leak, accountName, organizationName }): LeakView => ({
    id: leak.id,
    provider: leak.provider,
    accountId: leak.accountId,
    accountName,
    organizationId: leak.organizationId,
    organizationName,
    resourceId: leak.resourceId,
    name: leak.name,
    reason: leak.reason,
    firstSeenAt: leak.firstSeenAt,
    lastSeenAt: leak.lastSeenAt,
    removeAfter: leak.endedAt || dryRun ? null : new Date(leak.firstSeenAt.getTime() + graceMinutes * 60_000),
    lastError: leak.lastError,
    endedAt: leak.endedAt,
    outcome: leak.outcome,
  }));
  return { leaks, graceMinutes, dryRun, nextCursor };
}

/** Sweeps the organization's accounts now, under the same grace period and dry-run setting as the schedule. */
export async function checkLeaksNow(db: Database, actor: Actor, organizationId: string, meta: RequestMeta): Promise<LeakSweepReport> {
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
