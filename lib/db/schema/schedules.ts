import { boolean, date, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './tenancy';
import { units } from './unit-groups';

/** What the unit's nodes beyond `nodesOutsideClass` do between classes. */
export const scheduleOutsideClass = pgEnum('schedule_outside_class', ['powerOff', 'delete']);

/** A class period on a weekday (ISO: 1 = Monday … 7 = Sunday), in the schedule's time zone. */
export interface SchedulePeriod {
  weekday: number;
  /** "HH:MM" */
  start: string;
  end: string;
  /** Nodes the unit runs during the period. */
  nodes: number;
}

/** A date without classes (a university holiday, a cancelled class), or a day with its own periods (a make-up class). */
export type ScheduleException = { date: string; kind: 'noClass'; note?: string } | { date: string; kind: 'extra'; periods: Omit<SchedulePeriod, 'weekday'>[]; note?: string };

/** What the scheduler last made the unit do, so that it acts only when the target changes. */
export interface ScheduleTarget {
  nodes: number;
  running: number;
  /** The period it serves, or null outside class. */
  period: string | null;
}

/**
 * OCS CoursewareHub's node-count scheduling: a unit's node count follows a weekly timetable of
 * class periods for a term (lib/schedules). Nodes start `warmUpMinutes` before a period and stay
 * `drainMinutes` after it; outside class the unit keeps `nodesOutsideClass` running and powers
 * off or deletes the rest. Japanese national holidays have no classes unless `skipHolidays` is off.
 */
export const unitSchedules = pgTable('unit_schedules', {
  id: uuid().primaryKey().defaultRandom(),
  unitId: uuid()
    .notNull()
    .unique()
    .references(() => units.id, { onDelete: 'cascade' }),
  timezone: text().notNull().default('Asia/Tokyo'),
  /** The term, both days included. */
  startsOn: date({ mode: 'string' }).notNull(),
  endsOn: date({ mode: 'string' }).notNull(),
  periods: jsonb().$type<SchedulePeriod[]>().notNull(),
  exceptions: jsonb().$type<ScheduleException[]>().notNull().default([]),
  skipHolidays: boolean().notNull().default(true),
  outsideClass: scheduleOutsideClass().notNull().default('powerOff'),
  nodesOutsideClass: integer().notNull().default(1),
  warmUpMinutes: integer().notNull().default(15),
  drainMinutes: integer().notNull().default(10),
  /** A paused schedule changes nothing (set when someone changes the unit by hand and chooses to pause it). */
  pausedAt: timestamp({ withTimezone: true }),
  pausedBy: uuid().references(() => users.id),
  lastTarget: jsonb().$type<ScheduleTarget>(),
  /**
   * The target of the last change the schedule started. A unit group left in ERROR by it (failed or
   * cancelled) is not changed towards the same target again, only towards the next one.
   */
  startedTarget: jsonb().$type<ScheduleTarget>(),
  lastAppliedAt: timestamp({ withTimezone: true }),
  /** Why the last change could not be made (over quota, a build under way …), shown on the unit group page. */
  lastError: text(),
  createdBy: uuid()
    .notNull()
    .references(() => users.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type UnitSchedule = typeof unitSchedules.$inferSelect;
