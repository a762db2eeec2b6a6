import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Database, Transaction } from '@/lib/db/client';
import { nodes, organizations, unitGroups } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { QuotaUsage } from '@/lib/templates/plan';

/**
 * Reserves `add` more nodes of `provider` for an organization, or throws QUOTA_EXCEEDED.
 * Call inside the transaction that inserts the nodes: the organization row stays locked until
 * it commits, so concurrent builds and scale-outs are counted one after another and can never
 * together pass the limit.
 */
export async function reserveNodes(tx: Transaction, organizationId: string, provider: string, add: number): Promise<void> {
  const [org] = await tx.select().from(organizations).where(eq(organizations.id, organizationId)).for('update');
  if (!org) throw new AppError('NOT_FOUND', 'No such organization');
  if (org.state !== 'active') throw new AppError('FORBIDDEN', 'This organization is suspended');
  const live = await liveNodesByProvider(tx, organizationId);
  const total = Object.values(live).reduce((n, c) => n + c, 0);
  const onProvider = live[provider] ?? 0;
  if (total + add > org.maxNodes)
    throw new AppError('QUOTA_EXCEEDED', `This would make ${total + add} nodes; your organization may have ${org.maxNodes} (${total} in use).`, {
      fields: { nodes: `at most ${Math.max(0, org.maxNodes - total)} more node(s) fit in your organization's quota of ${org.maxNodes}` },
      quota: { maxNodes: org.maxNodes, inUse: total },
    });
  const providerLimit = org.maxNodesPerProvider[provider];
  if (providerLimit !== undefined && onProvider + add > providerLimit)
    throw new AppError('QUOTA_EXCEEDED', `This would make ${onProvider + add} nodes on ${provider}; your organization may have ${providerLimit} there (${onProvider} in use).`, {
      fields: { nodes: `at most ${Math.max(0, providerLimit - onProvider)} more node(s) fit in your quota of ${providerLimit} on ${provider}` },
      quota: { provider, maxNodes: providerLimit, inUse: onProvider },
    });
}

/** Nodes alive in an organization, by provider (a node being removed no longer counts). */
async function liveNodesByProvider(db: Database | Transaction, organizationId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ provider: nodes.provider, count: sql<number>`count(*)::int` })
    .from(nodes)
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(eq(unitGroups.organizationId, organizationId), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')))
    .groupBy(nodes.provider);
  return Object.fromEntries(rows.map((r) => [r.provider, r.count]));
}

/** An organization's quota and what it uses now, for plan previews (reserveNodes stays the authority). */
export async function quotaUsage(db: Database, organizationId: string): Promise<QuotaUsage> {
  const org = await db.query.organizations.findFirst({ where: eq(organizations.id, organizationId) });
  if (!org) throw new AppError('NOT_FOUND', 'No such organization');
  const inUseByProvider = await liveNodesByProvider(db, organizationId);
  return { maxNodes: org.maxNodes, maxNodesPerProvider: org.maxNodesPerProvider, inUse: Object.values(inUseByProvider).reduce((n, c) => n + c, 0), inUseByProvider };
}
