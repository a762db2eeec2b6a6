// What PUT /units/:id/schedule refuses, each field named: bad times, an end not after its start,
// a weekday out of range, an unknown time zone, a term that ends before it starts.
import { describe, expect, it } from 'vitest';
import { fieldErrorsOf } from '@/lib/zod-fields';
import { ZScheduleInput } from './fields';

const GOOD = { startsOn: '2026-10-01', endsOn: '2027-01-31', periods: [{ weekday: 1, start: '09:00', end: '10:30', nodes: 3 }] };

const problems = (input: unknown) => {
  const parsed = ZScheduleInput.safeParse(input);
  return parsed.success ? {} : fieldErrorsOf(parsed.error);
};

describe('a class schedule as given', () => {
  it('takes a timetable and fills in the defaults', () => {
    expect(ZScheduleInput.parse(GOOD)).toEqual({
      ...GOOD,
      timezone: 'Asia/Tokyo',
      exceptions: [],
      skipHolidays: true,
      outsideClass: 'powerOff',
      nodesOutsideClass: 1,
      warmUpMinutes: 15,
      drainMinutes: 10,
    });
  });

  it('names each field at fault', () => {
    expect(problems({ ...GOOD, periods: [{ weekday: 8, start: '9:00', end: '25:00', nodes: 11 }] })).toEqual({
      'periods.0.weekday': 'must be a whole number (1 = Monday … 7 = Sunday) from 1 to 7',
      'periods.0.start': 'must be a time "HH:MM" from 00:00 to 23:59',
      'periods.0.end': 'must be a time "HH:MM" from 00:00 to 23:59',
      'periods.0.nodes': 'must be a whole number of nodes from 1 to 10',
    });
    expect(problems({ ...GOOD, periods: [{ weekday: 2, start: '10:30', end: '10:30', nodes: 1 }] })).toEqual({ 'periods.0.end': 'must be after the start (10:30)' });
    expect(problems({ ...GOOD, endsOn: '2026-09-30' })).toEqual({ endsOn: "must be on or after the term's start (2026-10-01)" });
    expect(problems({ ...GOOD, startsOn: '2026-02-30' })).toEqual({ startsOn: 'must be a date "YYYY-MM-DD"' });
    expect(problems({ ...GOOD, timezone: 'Asia/Osaka' })).toEqual({ timezone: 'is not a time zone this server knows: give an IANA name such as Asia/Tokyo' });
    expect(problems({ ...GOOD, outsideClass: 'delete', nodesOutsideClass: 0 })).toEqual({ nodesOutsideClass: 'a unit keeps at least 1 node: with "delete", give 1 or more' });
    expect(problems({ ...GOOD, warmUpMinutes: 241 })).toEqual({ warmUpMinutes: 'must be a whole number of minutes from 0 to 240' });
    expect(problems({ ...GOOD, periods: [] })).toEqual({ periods: 'give at least one class period' });
    expect(problems({ ...GOOD, color: 'red' })).toHaveProperty('body');
  });

  it('checks the exceptions', () => {
    expect(
      problems({
        ...GOOD,
        exceptions: [
          { date: '2026-11-26', kind: 'noClass' },
          { date: '2026-11-26', kind: 'extra', periods: [{ start: '10:00', end: '09:00', nodes: 2 }] },
          { date: '2026-11-28', kind: 'extra' },
          { date: '2026-11-29', kind: 'holiday' },
        ],
      }),
    ).toEqual({
      'exceptions.3.kind': 'must be "noClass" or "extra"',
    });
    expect(
      problems({
        ...GOOD,
        exceptions: [
          { date: '2026-11-26', kind: 'noClass' },
          { date: '2026-11-26', kind: 'extra', periods: [{ start: '10:00', end: '09:00', nodes: 2 }] },
          { date: '2026-11-28', kind: 'extra' },
        ],
      }),
    ).toEqual({
      'exceptions.1.date': '2026-11-26 is listed twice',
      'exceptions.1.periods.0.end': 'must be after the start (10:00)',
      'exceptions.2.periods': 'an extra day needs at least one period',
    });
  });
});
