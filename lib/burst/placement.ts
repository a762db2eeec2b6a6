// Where a unit's new nodes go and which of its nodes go first when it shrinks: the lab's servers are
// filled first and the unit's burst policy takes the overflow; scaling in removes overflow nodes first.
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Transaction } from '@/lib/db/client';
import { nodes, unitGroups, type Node, type Unit } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { canOverflow } from '@/lib/providers/catalog';
import { lockPlacement, serverCapacity } from '@/lib/hosts/placement';

/** A node's provider, account and flavor, as recorded on it. */
export type NodePlacement = Pick<Node, 'provider' | 'providerAccountId' | 'flavor'>;

export const homePlacement = (unit: Pick<Unit, 'provider' | 'providerAccountId' | 'flavor'>): NodePlacement => ({ provider: unit.provider, providerAccountId: unit.providerAccountId, flavor: unit.flavor });

/** Whether the node overflowed from its unit's provider (a burst node). */
export const isOverflow = (node: Pick<Node, 'provider'>, unit: Pick<Unit, 'provider'>): boolean => node.provider !== unit.provider;

/** Whether the node is on its unit's burst policy's provider: what the policy's maxNodes counts and its queue may remove. */
export const onPolicyProvider = (node: Pick<Node, 'provider'>, unit: Pick<Unit, 'burst'>): boolean => node.provider === unit.burst?.provider;

/**
 * The lab's servers' free places not yet promised to a node: a node is placed on its server only
 * when it is created, so nodes recorded but not yet placed count as taken. Under the
 * organization's placement lock, so two requests never promise one place twice.
 */
async function unpromisedServerRoom(tx: Transaction, organizationId: string): Promise<number> {
  await lockPlacement(tx, organizationId);
  const { freeNodes } = await serverCapacity(tx, organizationId);
  const [waiting] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(nodes)
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(eq(unitGroups.organizationId, organizationId), eq(nodes.provider, 'onpremises'), isNull(nodes.hostId), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')));
  return Math.max(0, freeNodes - (waiting?.n ?? 0));
}

/**
 * Where `count` new nodes of the unit go, in node-number order. Without a burst policy, all on the
 * unit's provider; with one, as many as the servers have room for (a unit on the lab's servers),
 * the rest on the policy's cloud up to its maxNodes there (beyond that the request is refused,
 * naming both limits). A unit on a cloud has no servers' room: its policy (queue-driven growth on
 * its own cloud) takes every new node.
 */
export async function placeNewNodes(tx: Transaction, unit: Unit, organizationId: string, count: number, existing: Pick<Node, 'provider'>[]): Promise<NodePlacement[]> {
  const home = homePlacement(unit);
  if (!unit.burst) return Array.from({ length: count }, () => home);
  const room = canOverflow(unit.provider) ? await unpromisedServerRoom(tx, organizationId) : 0;
  const onServers = Math.min(count, room);
  const overflow = count - onServers;
  const burstNow = existing.filter((n) => onPolicyProvider(n, unit)).length;
  if (burstNow + overflow > unit.burst.maxNodes)
    throw new AppError('QUOTA_EXCEEDED', `The servers have room for ${room} more node(s) and the unit's burst policy allows ${unit.burst.maxNodes} node(s) on ${unit.burst.provider} (${burstNow} there now)`, {
      fields: { numNodes: `at most ${room + unit.burst.maxNodes - burstNow} more node(s): ${room} on the servers, ${unit.burst.maxNodes - burstNow} on ${unit.burst.provider}` },
    });
  const cloud: NodePlacement = { provider: unit.burst.provider, providerAccountId: unit.burst.providerAccountId, flavor: unit.burst.flavor };
  return [...Array.from({ length: onServers }, () => home), ...Array.from({ length: overflow }, () => cloud)];
}

/** The `count` nodes a scale-in removes: overflow nodes first, then the highest-numbered. */
export function nodesToRemove<N extends Pick<Node, 'provider' | 'nodeNo'>>(live: N[], unit: Pick<Unit, 'provider'>, count: number): N[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`cannot remove ${count} nodes`);
  const order = [...live].sort((a, b) => Number(isOverflow(b, unit)) - Number(isOverflow(a, unit)) || b.nodeNo - a.nodeNo);
  return order.slice(0, count);
}
