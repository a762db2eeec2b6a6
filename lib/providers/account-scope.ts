import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { nodes, providerAccounts } from '@/lib/db/schema';
import { accountProviderOf } from './catalog';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The accounts that may hold `provider`'s machines with these tags: a node's or a unit group's
 * account (as the node recorded it), else every live account nodes of the provider are made in
 * (aws_spot: aws's). Scoped so one organization's broken credentials never stop another's teardown.
 */
export async function accountsHolding(db: Database, provider: string, tags: Record<string, string>): Promise<string[]> {
  const nodeId = tags['ocs.nodeId'];
  const unitGroupId = tags['ocs.unitGroupId'];
  if (!nodeId && !unitGroupId) {
    const rows = await db.select({ id: providerAccounts.id }).from(providerAccounts).where(and(eq(providerAccounts.provider, accountProviderOf(provider)), isNull(providerAccounts.removedAt)));
    return rows.map((r) => r.id);
  }
  // Ids the portal never gave out name nothing it holds.
  if (![nodeId, unitGroupId].every((v) => v === undefined || UUID.test(v))) return [];
  const rows = await db
    .selectDistinct({ id: nodes.providerAccountId })
    .from(nodes)
    .where(and(eq(nodes.provider, provider), nodeId ? eq(nodes.id, nodeId) : eq(nodes.unitGroupId, unitGroupId!)));
  return rows.flatMap((r) => (r.id ? [r.id] : []));
}
