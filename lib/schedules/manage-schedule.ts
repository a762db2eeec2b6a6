// A unit's class schedule (授業スケジュール): read with what it asks of the unit now and next,
// set (replacing any), removed, paused and resumed. Each change is audited; the scheduler
// (apply-schedules.ts) makes the unit follow it.
import { and, eq, isNull, ne } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { nodes, unitGroups, units, unitSchedules, users, type Unit, type UnitGroup, type UnitSchedule } from '@/lib/db/schema';
import { AppError, invalidInput, type FieldErrors } from '@/lib/errors';
import { quotaUsage } from '@/lib/organizations/quota';
import { canPowerNodes } from '@/lib/providers/catalog';
import { parseOrThrow } from '@/lib/zod-fields';
import { MAX_UNIT_NODES, ZScheduleInput, type ScheduleInput } from './fields';
import { nationalHolidaysBetween } from './holidays';
import { nextChange, targetAt } from './timetable';
import type { ClassScheduleView, UnitScheduleView } from './views';

interface Row {
  unit: Unit;
  group: UnitGroup;
}

async function unitOf(db: Database, actor: Actor, unitId: string, permission: 'read' | 'build'): Promise<Row> {
  const [row] = await db.select({ unit: units, group: unitGroups }).from(units).innerJoin(unitGroups, eq(units.unitGroupId, unitGroups.id)).where(eq(units.id, unitId));
  if (!row || row.group.state === 'DELETED') throw new AppError('NOT_FOUND', 'No such unit');
  authorize(actor, permission, row.group.organizationId, 'unit');
  if (permission === 'build' && row.group.state === 'DELETING') throw new AppError('CONFLICT', 'The unit group is being deleted');
  return row;
}

async function scheduleOf(db: Database, unitId: string): Promise<UnitSchedule | null> {
  return (await db.query.unitSchedules.findFirst({ where: eq(unitSchedules.unitId, unitId) })) ?? null;
}

async function scheduleOrNotFound(db: Database, unitId: string): Promise<UnitSchedule> {
  const schedule = await scheduleOf(db, unitId);
  if (!schedule) throw new AppError('NOT_FOUND', 'The unit has no class schedule');
  return schedule;
}

export async function getUnitSchedule(db: Database, actor: Actor, unitId: string, now: Date = new Date()): Promise<UnitScheduleView> {
  const { unit } = await unitOf(db, actor, unitId, 'read');
  const schedule = await scheduleOf(db, unitId);
  const canPowerOff = canPowerNodes(unit.provider);
  if (!schedule) return { schedule: null, target: null, next: null, holidays: [], canPowerOff };
  const pausedBy = schedule.pausedBy ? await db.query.users.findFirst({ where: eq(users.id, schedule.pausedBy) }) : undefined;
  return {
    schedule: scheduleView(schedule, pausedBy ? (pausedBy.nameJa ?? pausedBy.name) : null),
    target: targetAt(schedule, now),
    next: nextChange(schedule, now),
    holidays: nationalHolidaysBetween(schedule.startsOn, schedule.endsOn),
    canPowerOff,
  };
}

/** The schedule's row as the API shows it, field by field. */
function scheduleView(s: UnitSchedule, pausedByName: string | null): ClassScheduleView {
  return {
    id: s.id,
    unitId: s.unitId,
    timezone: s.timezone,
    startsOn: s.startsOn,
    endsOn: s.endsOn,
    periods: s.periods.map(({ weekday, start, end, nodes }) => ({ weekday, start, end, nodes })),
    exceptions: s.exceptions.map((e) =>
      e.kind === 'noClass'
        ? { date: e.date, kind: e.kind, ...(e.note ? { note: e.note } : {}) }
        : { date: e.date, kind: e.kind, periods: e.periods.map(({ start, end, nodes }) => ({ start, end, nodes })), ...(e.note ? { note: e.note } : {}) },
    ),
    skipHolidays: s.skipHolidays,
    outsideClass: s.outsideClass,
    nodesOutsideClass: s.nodesOutsideClass,
    warmUpMinutes: s.warmUpMinutes,
    drainMinutes: s.drainMinutes,
    pausedAt: s.pausedAt,
    pausedBy: s.pausedBy,
    pausedByName,
    lastAppliedAt: s.lastAppliedAt,
    lastError: s.lastError,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/**
 * The most nodes the unit can have in the organization's quota, all and on its provider, the
 * unit's own nodes counted as free (a period asks for the unit's count, not for more).
 */
async function nodesThatFit(db: Database, row: Row): Promise<{ fit: number; why: string }> {
  const usage = await quotaUsage(db, row.group.organizationId);
  const mine = await db
    .select({ provider: nodes.provider })
    .from(nodes)
    .where(and(eq(nodes.unitId, row.unit.id), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')));
  const provider = row.unit.provider;
  const others = usage.inUse - mine.length;
  let fit = Math.min(MAX_UNIT_NODES, usage.maxNodes - others);
  let why = `your organization's quota is ${usage.maxNodes} node(s), ${others} of them used by other units`;
  const providerLimit = usage.maxNodesPerProvider[provider];
  if (providerLimit !== undefined) {
    const othersThere = (usage.inUseByProvider[provider] ?? 0) - mine.filter((n) => n.provider === provider).length;
    if (providerLimit - othersThere < fit) {
      fit = providerLimit - othersThere;
      why = `your organization's quota on ${provider} is ${providerLimit} node(s), ${othersThere} of them used by other units`;
    }
  }
  return { fit: Math.max(0, fit), why };
}

/** Each node count of the schedule within the quota, and power-off only where the provider can. */
async function checkAgainstUnit(db: Database, row: Row, input: ScheduleInput): Promise<void> {
  const problems: FieldErrors = {};
  const { fit, why } = await nodesThatFit(db, row);
  const check = (path: string, n: number) => {
    if (n > fit) problems[path] = `at most ${fit} node(s) fit: ${why}`;
  };
  input.periods.forEach((p, i) => check(`periods.${i}.nodes`, p.nodes));
  input.exceptions.forEach((e, i) => (e.kind === 'extra' ? e.periods : []).forEach((p, j) => check(`exceptions.${i}.periods.${j}.nodes`, p.nodes)));
  if (input.outsideClass === 'delete') check('nodesOutsideClass', input.nodesOutsideClass);
  if (input.outsideClass === 'powerOff' && !canPowerNodes(row.unit.provider)) problems.outsideClass = `nodes on ${row.unit.provider} cannot be powered off: choose "delete"`;
  if (Object.keys(problems).length) throw invalidInput(problems);
}

/**
 * Sets the unit's schedule, replacing any. It acts for whoever saved it last; a paused one stays
 * paused. The scheduler's next round applies it anew.
 */
export async function setUnitSchedule(db: Database, actor: Actor, unitId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<UnitScheduleView> {
  const row = await unitOf(db, actor, unitId, 'build');
  const input = parseOrThrow(ZScheduleInput, raw);
  await checkAgainstUnit(db, row, input);
  const values = { ...input, createdBy: actor.userId, lastTarget: null, lastAppliedAt: null, lastError: null, startedTarget: null, updatedAt: new Date() };
  await db
    .insert(unitSchedules)
    .values({ unitId, ...values })
    .onConflictDoUpdate({ target: unitSchedules.unitId, set: values });
  await audit(db, actor, row, 'unit.schedule', meta, { schedule: input });
  return getUnitSchedule(db, actor, unitId);
}

/** Removes the schedule: the unit stays as it is. */
export async function removeUnitSchedule(db: Database, actor: Actor, unitId: string, meta: RequestMeta = { ip: null }): Promise<void> {
  const row = await unitOf(db, actor, unitId, 'build');
  await scheduleOrNotFound(db, unitId);
  await db.delete(unitSchedules).where(eq(unitSchedules.unitId, unitId));
  await audit(db, actor, row, 'unit.scheduleRemove', meta);
}

/** Pauses the schedule: it changes nothing until resumed. Pausing a paused one leaves it as it is. */
export async function pauseUnitSchedule(db: Database, actor: Actor, unitId: string, meta: RequestMeta = { ip: null }): Promise<UnitScheduleView> {
  const row = await unitOf(db, actor, unitId, 'build');
  await scheduleOrNotFound(db, unitId);
  await pauseSchedules(db, actor, [row], meta);
  return getUnitSchedule(db, actor, unitId);
}

/** Resumes the schedule: the scheduler's next round makes the unit what the timetable says now. */
export async function resumeUnitSchedule(db: Database, actor: Actor, unitId: string, meta: RequestMeta = { ip: null }): Promise<UnitScheduleView> {
  const row = await unitOf(db, actor, unitId, 'build');
  await scheduleOrNotFound(db, unitId);
  const [resumed] = await db
    .update(unitSchedules)
    .set({ pausedAt: null, pausedBy: null, lastTarget: null, lastError: null, startedTarget: null, updatedAt: new Date() })
    .where(eq(unitSchedules.unitId, unitId))
    .returning({ id: unitSchedules.id });
  if (resumed) await audit(db, actor, row, 'unit.scheduleResume', meta);
  return getUnitSchedule(db, actor, unitId);
}

/** Pauses the active schedules of the units (the person's own choice, or their answer when changing a unit by hand). */
export async function pauseSchedules(db: Database, actor: Actor, rows: Row[], meta: RequestMeta, reason?: string): Promise<void> {
  for (const row of rows) {
    const [paused] = await db
      .update(unitSchedules)
      .set({ pausedAt: new Date(), pausedBy: actor.userId, updatedAt: new Date() })
      .where(and(eq(unitSchedules.unitId, row.unit.id), isNull(unitSchedules.pausedAt)))
      .returning({ id: unitSchedules.id });
    if (paused) await audit(db, actor, row, 'unit.schedulePause', meta, reason ? { reason } : {});
  }
}

async function audit(db: Database, actor: Actor, row: Row, action: string, meta: RequestMeta, details: Record<string, unknown> = {}): Promise<void> {
  await recordAudit(db, {
    actor,
    organizationId: row.group.organizationId,
    action,
    targetType: 'unit',
    targetId: row.unit.id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { unitGroup: row.group.name, unit: row.unit.name, ...details },
  });
}
