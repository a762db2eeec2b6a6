import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import { nodesToRemove, placeNewNodes } from '@/lib/burst/placement';
import { appendBuildLog } from '@/lib/builds/log';
import { SCALE_STEPS } from '@/lib/builds/steps';
import type { Database, Transaction } from '@/lib/db/client';
import { builds, buildSteps, nodes, unitGroups, units, type Node, type Unit } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { enqueueAfterCommit, QUEUE_DELAYED } from '@/lib/jobs/queue';
import { reserveNodes } from '@/lib/organizations/quota';
import { parseOrThrow } from '@/lib/zod-fields';

export const ZScaleUnitInput = z.object({
  numNodes: z.coerce
    .number({ error: 'must be a whole number from 1 to 10' })
    .int('must be a whole number from 1 to 10')
    .min(1, 'must be at least 1')
    .max(10, 'must be at most 10'),
});

/** Who changes a unit: a person (or their token), or the portal on their behalf (the queue-driven burst of their policy). */
export type ScaleRequester = { actor: Actor } | { onBehalfOf: string; label: string };

/**
 * To a node count; by a number of nodes more, counted from the unit as it is when the change is
 * recorded (the queue-driven burst decides before it holds the unit group); or without these nodes.
 */
export type UnitChange = { numNodes: number } | { addNodes: number; ipAddresses?: string[] } | { removeNodeIds: string[] };

/**
 * Changes how many nodes a unit has ("20 students: 2 nodes; 100 students: 10 nodes"), as the
 * VCP SDK's add_nodes / delete_nodes did. The change runs as a build of kind "scale", with steps
 * and a log like any build.
 */
export async function requestUnitScale(db: Database, actor: Actor, unitId: string, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<{ buildId: string }> {
  const { numNodes } = parseOrThrow(ZScaleUnitInput, rawInput);
  return changeUnitNodes(db, { actor }, unitId, { numNodes }, meta);
}

/**
 * New nodes are counted against the quota in the same transaction that records them; with a burst
 * policy, those the lab's servers have no room for go to its cloud. Scaling in removes the
 * overflow nodes first, then the highest-numbered.
 */
export async function changeUnitNodes(db: Database, by: ScaleRequester, unitId: string, change: UnitChange, meta: RequestMeta = { ip: null }): Promise<{ buildId: string }> {
  const unit = await db.query.units.findFirst({ where: eq(units.id, unitId) });
  const group = unit && (await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unit.unitGroupId) }));
  if (!unit || unit.state === 'DELETED' || !group || group.state === 'DELETED') throw new AppError('NOT_FOUND', 'No such unit');
  if (unit.state === 'DELETING') throw new AppError('CONFLICT', 'The unit is being deleted');
  if ('actor' in by) authorize(by.actor, 'build', group.organizationId, 'unit');
  if (group.state !== 'RUNNING' && group.state !== 'ERROR')
    throw new AppError('CONFLICT', `The unit group is ${group.state}; wait until it is RUNNING before changing its node count`);

  const { buildId, from, to } = await db.transaction(async (tx) => {
    // One change at a time per unit group: a second request waits here and then sees APPLYING.
    const [locked] = await tx.select({ state: unitGroups.state }).from(unitGroups).where(eq(unitGroups.id, group.id)).for('update');
    if (locked?.state !== 'RUNNING' && locked?.state !== 'ERROR')
      throw new AppError('CONFLICT', `The unit group is ${locked?.state}; wait until it is RUNNING before changing its node count`);
    const live = await tx
      .select()
      .from(nodes)
      .where(and(eq(nodes.unitId, unitId), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')))
      .orderBy(asc(nodes.nodeNo));
    const numNodes = 'numNodes' in change ? change.numNodes : 'addNodes' in change ? live.length + change.addNodes : live.length - live.filter((n) => change.removeNodeIds.includes(n.id)).length;
    const leaving = 'removeNodeIds' in change ? live.filter((n) => change.removeNodeIds.includes(n.id)) : numNodes < live.length ? nodesToRemove(live, unit, live.length - numNodes) : [];
    const delta = numNodes - live.length;
    if (delta === 0) throw new AppError('CONFLICT', `The unit already has ${numNodes} node(s)`);
    if (delta > 0) await addNodes(tx, unit, group.organizationId, delta, live, 'ipAddresses' in change ? change.ipAddresses : undefined);
    for (const node of leaving) await tx.update(nodes).set({ state: 'DELETING', updatedAt: sql`now()` }).where(eq(nodes.id, node.id));
    await tx.update(units).set({ numNodes, state: delta > 0 ? 'BOOTING' : unit.state, updatedAt: sql`now()` }).where(eq(units.id, unitId));
    await tx.update(unitGroups).set({ state: 'APPLYING', stateReason: null, updatedAt: sql`now()` }).where(eq(unitGroups.id, group.id));
    const buildId = await recordChangeBuild(tx, group.id, group.organizationId, 'actor' in by ? by.actor.userId : by.onBehalfOf, { unit: unit.name, from: live.length, to: numNodes });
    return { buildId, from: live.length, to: numNodes };
  });

  const who = 'actor' in by ? by.actor.email : by.label;
  await recordAudit(db, {
    actor: 'actor' in by ? by.actor : null,
    actorLabel: 'actor' in by ? undefined : by.label,
    organizationId: group.organizationId,
    action: 'unit.scale',
    targetType: 'unit',
    targetId: unitId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { unitGroup: group.name, unit: unit.name, from, numNodes: to, buildId },
  });
  await appendBuildLog(db, buildId, `${who} changed unit ${unit.name} of ${group.name} from ${from} to ${to} node(s)`);
  if (!(await enqueueAfterCommit('build.run', { buildId }))) await appendBuildLog(db, buildId, QUEUE_DELAYED, { level: 'warn' });
  return { buildId };
}

/**
 * Records the scale build of a change to a unit group's units, with the template version of the
 * build that made the group (its values render the new nodes' applications).
 */
export async function recordChangeBuild(tx: Transaction, unitGroupId: string, organizationId: string, createdBy: string, parameters: Record<string, unknown>, steps: readonly string[] = SCALE_STEPS): Promise<string> {
  const [origin] = await tx.select().from(builds).where(eq(builds.unitGroupId, unitGroupId)).orderBy(asc(builds.createdAt)).limit(1);
  // Only records made by hand (tests, imports) lack one: every unit group the portal makes starts with its build.
  if (!origin) throw new AppError('CONFLICT', 'The unit group has no build that made it, so nothing tells how to run its nodes');
  const [build] = await tx.insert(builds).values({ kind: 'scale', organizationId, templateVersionId: origin.templateVersionId, createdBy, unitGroupId, parameters }).returning();
  await tx.insert(buildSteps).values(steps.map((key, position) => ({ buildId: build!.id, key, action: key, position })));
  return build!.id;
}

/**
 * Records `count` new nodes after the unit's highest number, placed and counted against the quota
 * per provider; with `ipAddresses`, each at its fixed address (the unit's address for the node's
 * number, which lib/builds/step-context specOf hands the provider).
 */
export async function addNodes(tx: Transaction, unit: Unit, organizationId: string, count: number, live: Node[], ipAddresses?: string[]): Promise<void> {
  const placements = await placeNewNodes(tx, unit, organizationId, count, live);
  for (const [provider, n] of countBy(placements.map((p) => p.provider))) await reserveNodes(tx, organizationId, provider, n);
  const [last] = await tx.select({ no: nodes.nodeNo }).from(nodes).where(eq(nodes.unitId, unit.id)).orderBy(desc(nodes.nodeNo)).limit(1);
  if (ipAddresses) {
    const byNumber = Array.from({ length: (last?.no ?? 0) + count }, (_, i) => unit.ipAddresses[i] ?? '');
    ipAddresses.forEach((ip, i) => (byNumber[(last?.no ?? 0) + i] = ip));
    await tx.update(units).set({ ipAddresses: byNumber }).where(eq(units.id, unit.id));
  }
  await tx.insert(nodes).values(
    placements.map((placement, i) => {
      const id = randomUUID();
      return { id, unitId: unit.id, unitGroupId: unit.unitGroupId, nodeNo: (last?.no ?? 0) + i + 1, name: `ocs-${id}`, ...placement };
    }),
  );
}

function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}
