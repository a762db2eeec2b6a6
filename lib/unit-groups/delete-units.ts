// The VCP SDK's delete_units(name) and cleanup(): a unit's nodes (or every unit's) released by one
// build, after which the units are DELETED and their names free; the unit group stays, empty.
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import { appendBuildLog } from '@/lib/builds/log';
import type { Database } from '@/lib/db/client';
import { nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { enqueueAfterCommit, QUEUE_DELAYED } from '@/lib/jobs/queue';
import { recordChangeBuild } from './scale-unit';

/** A unit, or every unit of a unit group (cleanup). */
export type UnitsScope = { unitId: string } | { unitGroupId: string };

export async function requestUnitDeletion(db: Database, actor: Actor, scope: UnitsScope, meta: RequestMeta = { ip: null }): Promise<{ buildId: string }> {
  const unit = 'unitId' in scope ? await db.query.units.findFirst({ where: eq(units.id, scope.unitId) }) : undefined;
  const what = 'unitId' in scope ? 'unit' : 'unit group';
  if ('unitId' in scope && (!unit || unit.state === 'DELETED')) throw new AppError('NOT_FOUND', 'No such unit');
  const unitGroupId = unit?.unitGroupId ?? (scope as { unitGroupId: string }).unitGroupId;
  const group = await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
  if (!group || group.state === 'DELETED') throw new AppError('NOT_FOUND', `No such ${what}`);
  authorize(actor, 'build', group.organizationId, what);

  const { buildId, names } = await db.transaction(async (tx) => {
    const [locked] = await tx.select({ state: unitGroups.state }).from(unitGroups).where(eq(unitGroups.id, unitGroupId)).for('update');
    if (locked?.state !== 'RUNNING' && locked?.state !== 'ERROR') throw new AppError('CONFLICT', `The unit group is ${locked?.state}; wait until it is RUNNING before deleting units`);
    const going = await tx
      .select()
      .from(units)
      .where(and(eq(units.unitGroupId, unitGroupId), ne(units.state, 'DELETED'), unit ? eq(units.id, unit.id) : undefined));
    if (!going.length) throw new AppError('CONFLICT', 'The unit group has no units to delete');
    const ids = going.map((u) => u.id);
    await tx.update(nodes).set({ state: 'DELETING', updatedAt: sql`now()` }).where(and(inArray(nodes.unitId, ids), isNull(nodes.deletedAt)));
    await tx.update(units).set({ state: 'DELETING', numNodes: 0, updatedAt: sql`now()` }).where(inArray(units.id, ids));
    await tx.update(unitGroups).set({ state: 'APPLYING', stateReason: null, updatedAt: sql`now()` }).where(eq(unitGroups.id, unitGroupId));
    const names = going.map((u) => u.name);
    return { buildId: await recordChangeBuild(tx, unitGroupId, group.organizationId, actor.userId, { deleteUnits: names }, ['remove-nodes']), names };
  });

  await recordAudit(db, {
    actor,
    organizationId: group.organizationId,
    action: unit ? 'unit.delete' : 'unitGroup.cleanup',
    targetType: unit ? 'unit' : 'unitGroup',
    targetId: unit?.id ?? unitGroupId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { unitGroup: group.name, units: names, buildId },
  });
  await appendBuildLog(db, buildId, `${actor.email} ${unit ? 'deleted unit' : 'cleaned up, deleting units'} ${names.join(', ')} of ${group.name}`);
  if (!(await enqueueAfterCommit('build.run', { buildId }))) await appendBuildLog(db, buildId, QUEUE_DELAYED, { level: 'warn' });
  return { buildId };
}
