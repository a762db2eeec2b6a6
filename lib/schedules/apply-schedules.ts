// The scheduler's round: each active class schedule whose unit group is RUNNING (or in ERROR, as a
// failed or cancelled change leaves it) is evaluated at `now` and, when its target changed since it
// last served one, the unit is changed towards it —
// one build at a time (a scale build, or a power build naming the nodes), made on behalf of
// whoever saved the schedule while they may still build in the organization. The clock is a
// parameter, so a test can walk through a week; one round runs at a time (an advisory lock), so
// two workers never change a unit twice.
import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { can, loadActor, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { nodes, unitGroups, units, unitSchedules, type Unit, type UnitGroup, type UnitSchedule } from '@/lib/db/schema';
import { AppError, safeErrorMessage } from '@/lib/errors';
import { requestPower } from '@/lib/nodes/power-many';
import { changeUnitNodes } from '@/lib/unit-groups/scale-unit';
import { planChange } from './plan';
import { sameTarget, targetAt, type Target } from './timetable';

/** Who the scheduler's changes are by, in build logs and the audit log. */
const SCHEDULE_LABEL = 'class schedule';

export type ScheduleStep =
  | { unitId: string; action: 'scale' | 'powerOn' | 'powerOff'; buildId: string; target: Target }
  | { unitId: string; action: 'applied'; target: Target }
  | { unitId: string; action: 'wait' | 'refused' | 'failed'; reason: string };

/** One round; returns what it did per schedule whose target had not been served yet (nothing while another round runs). */
export async function applySchedules(db: Database, now: Date = new Date()): Promise<ScheduleStep[]> {
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext('ocs.schedules')) as locked`).then((r) => r.rows);
    if (!lock?.locked) return [];
    const due = await db
      .select({ schedule: unitSchedules, unit: units, group: unitGroups })
      .from(unitSchedules)
      .innerJoin(units, eq(unitSchedules.unitId, units.id))
      .innerJoin(unitGroups, eq(units.unitGroupId, unitGroups.id))
      // An expired unit group was powered off for good by its end date: no class powers it on.
      .where(and(isNull(unitSchedules.pausedAt), inArray(unitGroups.state, ['RUNNING', 'ERROR']), isNull(unitGroups.expiredAt)));
    const steps: ScheduleStep[] = [];
    for (const { schedule, unit, group } of due) {
      // One unit's failure is its own: the other schedules are still applied.
      const step = await applyOne(db, schedule, unit, group, now).catch((e: unknown): ScheduleStep => ({ unitId: unit.id, action: 'failed', reason: safeErrorMessage(e) }));
      if (step) steps.push(step);
    }
    return steps;
  });
}

async function applyOne(db: Database, schedule: UnitSchedule, unit: Unit, group: UnitGroup, now: Date): Promise<ScheduleStep | null> {
  const target = targetAt(schedule, now);
  if (schedule.lastTarget && sameTarget(schedule.lastTarget, target)) return null;
  // Its own change towards this target ended in ERROR: tried again at the next change, not every round.
  if (group.state === 'ERROR' && schedule.startedTarget && sameTarget(schedule.startedTarget, target))
    return refuse(db, schedule, `the change towards this target ended without success (${group.stateReason ?? 'the unit group is in ERROR'}): the schedule changes the unit at its next change`);
  const live = await db
    .select()
    .from(nodes)
    .where(and(eq(nodes.unitId, unit.id), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')))
    .orderBy(asc(nodes.nodeNo));
  const plan = planChange(target, live, unit);
  // As recorded: a target that keeps whatever count there is names the count it kept.
  const recorded = { ...target, nodes: target.nodes ?? live.length };
  if (plan.kind === 'wait') return { unitId: unit.id, action: 'wait', reason: plan.reason };
  if (plan.kind === 'none') {
    // Served: a later target equal to the one a change failed towards (the next night's) is a new change.
    await record(db, schedule.id, { lastTarget: recorded, lastAppliedAt: now, lastError: null, startedTarget: null });
    return { unitId: unit.id, action: 'applied', target };
  }
  const owner = await loadActor(db, schedule.createdBy);
  if (!owner || !can(owner, 'build', group.organizationId)) return refuse(db, schedule, 'whoever saved the class schedule may no longer build in the organization: save it again');
  try {
    if (plan.kind === 'scale') {
      const { buildId } = await changeUnitNodes(db, { onBehalfOf: owner.userId, label: SCHEDULE_LABEL }, unit.id, { numNodes: plan.numNodes });
      await record(db, schedule.id, { lastError: null, startedTarget: recorded });
      return { unitId: unit.id, action: 'scale', buildId, target };
    }
    const { buildId } = await requestPower(db, onBehalfOf(owner), { unitId: unit.id, nodeIds: plan.nodes.map((n) => n.id) }, { action: plan.action });
    await record(db, schedule.id, { lastError: null, startedTarget: recorded });
    return { unitId: unit.id, action: plan.action === 'on' ? 'powerOn' : 'powerOff', buildId, target };
  } catch (e) {
    // Another change went first (tried again next round), no room in the quota, the owner's rights: said on the page.
    if (e instanceof AppError && (e.code === 'CONFLICT' || e.code === 'QUOTA_EXCEEDED' || e.code === 'FORBIDDEN')) return refuse(db, schedule, e.message);
    throw e;
  }
}

/** The schedule's owner as the power build's author, named as the schedule in its log and audit entry. */
function onBehalfOf(owner: Actor): Actor {
  return { ...owner, email: `${SCHEDULE_LABEL} (${owner.email})`, token: undefined };
}

async function refuse(db: Database, schedule: UnitSchedule, reason: string): Promise<ScheduleStep> {
  if (schedule.lastError !== reason) await record(db, schedule.id, { lastError: reason });
  return { unitId: schedule.unitId, action: 'refused', reason };
}

async function record(db: Database, scheduleId: string, values: Partial<Pick<UnitSchedule, 'lastTarget' | 'lastAppliedAt' | 'lastError' | 'startedTarget'>>): Promise<void> {
  await db.update(unitSchedules).set(values).where(eq(unitSchedules.id, scheduleId));
}
