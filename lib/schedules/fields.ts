// What PUT /units/:id/schedule takes: each field checked and named in a 400 (a time that is not
// "HH:MM", an end not after its start, a weekday out of range, an unknown time zone, a term that
// ends before it starts). The organization's quota is checked against the database in manage-schedule.ts.
import { z } from 'zod';
import type { ScheduleException, SchedulePeriod } from '@/lib/db/schema';
import { isCalendarDate, isTimeZone, minutesOf } from './zoned-time';

/** As many nodes as a unit may have (lib/unit-groups/scale-unit.ts). */
export const MAX_UNIT_NODES = 10;
const MAX_MINUTES = 240;

const whole = (min: number, max: number, what: string) =>
  z
    .int({ error: `must be a whole number ${what}from ${min} to ${max}` })
    .min(min, `must be a whole number ${what}from ${min} to ${max}`)
    .max(max, `must be a whole number ${what}from ${min} to ${max}`);

const ZTime = z.string({ error: 'must be a time "HH:MM"' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time "HH:MM" from 00:00 to 23:59');
const ZDate = z.string({ error: 'must be a date "YYYY-MM-DD"' }).refine(isCalendarDate, 'must be a date "YYYY-MM-DD"');
const ZNodes = whole(1, MAX_UNIT_NODES, 'of nodes ');
const ZNote = z.string({ error: 'must be text' }).trim().max(200, 'must be at most 200 characters').optional();

const ZDayPeriod = z.strictObject({ start: ZTime, end: ZTime, nodes: ZNodes });
const ZPeriod = ZDayPeriod.extend({ weekday: whole(1, 7, '(1 = Monday … 7 = Sunday) ') });

const ZException = z.strictObject({
  date: ZDate,
  kind: z.enum(['noClass', 'extra'], { error: 'must be "noClass" or "extra"' }),
  periods: z.array(ZDayPeriod).max(10, 'at most 10 periods on a day').optional(),
  note: ZNote,
});

export const ZScheduleInput = z
  .strictObject({
    timezone: z
      .string({ error: 'must be an IANA time zone such as Asia/Tokyo' })
      .refine(isTimeZone, 'is not a time zone this server knows: give an IANA name such as Asia/Tokyo')
      .default('Asia/Tokyo'),
    startsOn: ZDate,
    endsOn: ZDate,
    periods: z.array(ZPeriod, { error: 'must be a list of periods' }).max(50, 'at most 50 periods a week'),
    exceptions: z.array(ZException, { error: 'must be a list of dates' }).max(200, 'at most 200 dates').default([]),
    skipHolidays: z.boolean({ error: 'must be true or false' }).default(true),
    outsideClass: z.enum(['powerOff', 'delete'], { error: 'must be "powerOff" or "delete"' }).default('powerOff'),
    nodesOutsideClass: whole(0, MAX_UNIT_NODES, '').default(1),
    warmUpMinutes: whole(0, MAX_MINUTES, 'of minutes ').default(15),
    drainMinutes: whole(0, MAX_MINUTES, 'of minutes ').default(10),
  })
  .superRefine((s, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (s.endsOn < s.startsOn) issue(['endsOn'], `must be on or after the term's start (${s.startsOn})`);
    const endAfterStart = (p: { start: string; end: string }, path: (string | number)[]) => {
      if (minutesOf(p.end) <= minutesOf(p.start)) issue([...path, 'end'], `must be after the start (${p.start})`);
    };
    s.periods.forEach((p, i) => endAfterStart(p, ['periods', i]));
    const seen = new Set<string>();
    s.exceptions.forEach((e, i) => {
      if (seen.has(e.date)) issue(['exceptions', i, 'date'], `${e.date} is listed twice`);
      seen.add(e.date);
      if (e.kind === 'extra' && !e.periods?.length) issue(['exceptions', i, 'periods'], 'an extra day needs at least one period');
      if (e.kind === 'noClass' && e.periods?.length) issue(['exceptions', i, 'periods'], 'a day without class has no periods');
      e.periods?.forEach((p, j) => endAfterStart(p, ['exceptions', i, 'periods', j]));
    });
    if (!s.periods.length && !s.exceptions.some((e) => e.kind === 'extra')) issue(['periods'], 'give at least one class period');
    if (s.outsideClass === 'delete' && s.nodesOutsideClass < 1) issue(['nodesOutsideClass'], 'a unit keeps at least 1 node: with "delete", give 1 or more');
  })
  .transform((s) => ({
    ...s,
    periods: s.periods.map(({ weekday, start, end, nodes }): SchedulePeriod => ({ weekday, start, end, nodes })),
    exceptions: s.exceptions.map(({ date, kind, periods, note }): ScheduleException => (kind === 'noClass' ? { date, kind, ...(note ? { note } : {}) } : { date, kind, periods: periods!, ...(note ? { note } : {}) })),
  }));

export type ScheduleInput = z.infer<typeof ZScheduleInput>;
