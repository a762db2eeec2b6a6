// A change by hand (node count, nodes added or deleted, power) of a unit that follows an active
// class schedule asks first whether to pause the schedule: without `pauseSchedule` the request is
// refused with a 409 naming the choice; with true the schedule is paused and the change made; with
// false the change is made once and the schedule applies its own target at its next change.
import { and, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { nodes, unitGroups, units, unitSchedules } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { pauseSchedules } from './manage-schedule';
import { targetAt } from './timetable';

const PAUSE_SCHEDULE_CHOICE =
  'the unit follows a class schedule: send pauseSchedule true to pause the schedule and make this change, or false to make this change once (the schedule applies its own target at its next change)';

/** The answer to a schedule's question, as a field of the change's body. */
export const ZPauseSchedule = z.object({ pauseSchedule: z.boolean({ error: 'must be true (pause the class schedule) or false (change once)' }).optional() });

/** What a change by hand touches: a unit, every unit of a unit group, or a node's unit. */
export type ManualScope = { unitId: string } | { unitGroupId: string } | { nodeId: string };

async function activeSchedules(db: Database, scope: ManualScope) {
  const where = 'unitId' in scope ? eq(units.id, scope.unitId) : 'unitGroupId' in scope ? eq(units.unitGroupId, scope.unitGroupId) : eq(nodes.id, scope.nodeId);
  const query = db
    .selectDistinct({ schedule: unitSchedules, unit: units, group: unitGroups })
    .from(unitSchedules)
    .innerJoin(units, eq(unitSchedules.unitId, units.id))
    .innerJoin(unitGroups, eq(units.unitGroupId, unitGroups.id));
  return ('nodeId' in scope ? query.innerJoin(nodes, eq(nodes.unitId, units.id)) : query).where(and(where, isNull(unitSchedules.pausedAt)));
}

const isObject = (raw: unknown): raw is Record<string, unknown> => typeof raw === 'object' && raw !== null && !Array.isArray(raw);

/** The request body without the answer, for the domain's own (strict) input schemas. */
export function withoutAnswer(raw: unknown): unknown {
  return isObject(raw) ? Object.fromEntries(Object.entries(raw).filter(([key]) => key !== 'pauseSchedule')) : raw;
}

/**
 * Makes `change` (the request body without `pauseSchedule`) as the person asked, after the
 * question a unit's active schedule raises is answered.
 */
export async function changeByHand<T>(db: Database, actor: Actor, scope: ManualScope, raw: unknown, change: (input: unknown) => Promise<T>, meta: RequestMeta = { ip: null }): Promise<T> {
  const { pauseSchedule } = isObject(raw) ? parseOrThrow(ZPauseSchedule, raw) : {};
  const input = withoutAnswer(raw);
  const active = await activeSchedules(db, scope);
  if (!active.length) return change(input);
  // Only someone who may make the change learns that a schedule is in the way.
  authorize(actor, 'build', active[0]!.group.organizationId, 'nodeId' in scope ? 'node' : 'unitGroupId' in scope ? 'unit group' : 'unit');
  if (pauseSchedule === undefined)
    throw new AppError('CONFLICT', `Unit ${active.map((a) => a.unit.name).join(', ')} of ${active[0]!.group.name} follows a class schedule: pause it, or make this change once`, {
      fields: { pauseSchedule: PAUSE_SCHEDULE_CHOICE },
      schedules: active.map((a) => ({ unitId: a.unit.id, unit: a.unit.name })),
    });
  const result = await change(input);
  if (pauseSchedule) await pauseSchedules(db, actor, active, meta, 'changed by hand');
  else for (const { schedule } of active) await skipToNextChange(db, schedule.id, schedule.unitId, targetAt(schedule, new Date()));
  return result;
}

/** Records the schedule's current target as served, so the scheduler acts again only when its target changes. */
async function skipToNextChange(db: Database, scheduleId: string, unitId: string, target: ReturnType<typeof targetAt>): Promise<void> {
  const live = await db
    .select({ id: nodes.id })
    .from(nodes)
    .where(and(eq(nodes.unitId, unitId), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')));
  await db
    .update(unitSchedules)
    .set({ lastTarget: { ...target, nodes: target.nodes ?? live.length }, lastError: null, updatedAt: new Date() })
    .where(eq(unitSchedules.id, scheduleId));
}
