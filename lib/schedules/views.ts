// A unit's class schedule as the API shows it (GET /api/v1/units/:id/schedule and the answers of
// its changes): the timetable, who paused it, what it asks of the unit now and next. The
// scheduler's own bookkeeping (the target it last served) stays inside.
import { z } from 'zod';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { scheduleOutsideClass } from '@/lib/db/schema';

const ZDayPeriod = z.object({
  start: z.string().describe('"HH:MM" in the schedule\'s time zone.'),
  end: z.string().describe('"HH:MM" in the schedule\'s time zone.'),
  nodes: z.number().int().describe('Nodes the unit runs during the period.'),
});

export const ZSchedulePeriod = ZDayPeriod.extend({ weekday: z.number().int().describe('ISO weekday: 1 = Monday … 7 = Sunday.') }).meta({ id: 'SchedulePeriod' });

export const ZScheduleException = z
  .discriminatedUnion('kind', [
    z.object({ date: z.string().describe('"YYYY-MM-DD"'), kind: z.literal('noClass'), note: z.string().optional() }),
    z.object({ date: z.string().describe('"YYYY-MM-DD"'), kind: z.literal('extra'), periods: z.array(ZDayPeriod), note: z.string().optional() }),
  ])
  .meta({ id: 'ScheduleException', description: 'A date without classes, or a day with its own periods (a make-up class).' });

export const ZScheduleTarget = z
  .object({
    nodes: z.number().int().nullable().describe('Nodes the unit should have; null when it keeps those it has (outside class, with powerOff).'),
    running: z.number().int().describe('How many of them (the lowest-numbered) are on.'),
    period: z.string().nullable().describe('The period served ("2026-11-24 09:00–10:30"), or null outside class.'),
  })
  .meta({ id: 'ScheduleTarget' });

export const ZClassSchedule = z
  .object({
    id: z.uuid(),
    unitId: z.uuid(),
    timezone: z.string().describe('IANA time zone of the periods.'),
    startsOn: z.string().describe('First day of the term ("YYYY-MM-DD").'),
    endsOn: z.string().describe('Last day of the term ("YYYY-MM-DD").'),
    periods: z.array(ZSchedulePeriod),
    exceptions: z.array(ZScheduleException),
    skipHolidays: z.boolean().describe('No classes on Japanese national holidays.'),
    outsideClass: z.enum(scheduleOutsideClass.enumValues).describe('What the nodes beyond nodesOutsideClass do between classes.'),
    nodesOutsideClass: z.number().int(),
    warmUpMinutes: z.number().int().describe('Nodes start this long before a period.'),
    drainMinutes: z.number().int().describe('Nodes stay this long after a period.'),
    pausedAt: ZTimestamp.nullable().describe('A paused schedule changes nothing until resumed.'),
    pausedBy: z.uuid().nullable().describe('The member who paused it.'),
    pausedByName: z.string().nullable(),
    lastAppliedAt: ZTimestamp.nullable(),
    lastError: z.string().nullable().describe('Why its last change could not be made.'),
    createdBy: z.uuid().describe('The member who saved it last; the schedule acts for them.'),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
  })
  .meta({ id: 'ClassSchedule' });

export const ZNationalHoliday = z.object({ date: z.string(), name: z.string(), nameEn: z.string() }).meta({ id: 'NationalHoliday' });

export const ZUnitScheduleView = z
  .object({
    schedule: ZClassSchedule.nullable().describe('null: the unit has no class schedule.'),
    target: ZScheduleTarget.nullable().describe('What the schedule asks of the unit now.'),
    next: z.object({ at: ZTimestamp, target: ZScheduleTarget }).nullable().describe('Its next change.'),
    holidays: z.array(ZNationalHoliday).describe('National holidays in the term.'),
    canPowerOff: z.boolean().describe('Whether the unit\'s nodes can be powered off between classes (else only "delete").'),
  })
  .meta({ id: 'UnitSchedule' });

export type ClassScheduleView = z.input<typeof ZClassSchedule>;
export type UnitScheduleView = z.input<typeof ZUnitScheduleView>;
