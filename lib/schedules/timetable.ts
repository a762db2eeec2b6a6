// The pure evaluator of a class schedule: what a unit should be at an instant (how many nodes,
// how many of them on, for which period) and when that next changes. No database, no clock:
// the scheduler and the unit group page ask it with the instant they mean.
import type { SchedulePeriod, UnitSchedule } from '@/lib/db/schema';
import { nationalHoliday } from './holidays';
import { addDays, instantOf, isoWeekday, minutesOf, wallClock } from './zoned-time';

/** What the evaluator reads of a schedule. */
export type Timetable = Pick<UnitSchedule, 'timezone' | 'startsOn' | 'endsOn' | 'periods' | 'exceptions' | 'skipHolidays' | 'outsideClass' | 'nodesOutsideClass' | 'warmUpMinutes' | 'drainMinutes'>;

/**
 * The unit as the schedule wants it: `nodes` nodes of which the lowest-numbered `running` are on.
 * `nodes` is null when the unit keeps the nodes it has (outside class, with powerOff).
 */
export interface Target {
  nodes: number | null;
  running: number;
  /** The period served ("2026-11-24 09:00–10:30"), or null outside class. */
  period: string | null;
}

type DayPeriod = Omit<SchedulePeriod, 'weekday'>;

/** A period's window on a date: from warm-up before its start to the drain time after its end. */
interface Window {
  from: number;
  to: number;
  nodes: number;
  label: string;
}

/**
 * The periods of a date: none outside the term, on a noClass exception or (when the schedule
 * skips them) on a national holiday; an extra date adds its own.
 */
function periodsOn(t: Timetable, date: string): DayPeriod[] {
  if (date < t.startsOn || date > t.endsOn) return [];
  const exceptions = t.exceptions.filter((e) => e.date === date);
  if (exceptions.some((e) => e.kind === 'noClass')) return [];
  const extra = exceptions.flatMap((e) => (e.kind === 'extra' ? e.periods : []));
  // A make-up class is dated on purpose: it is held even on a holiday.
  const weekly = t.skipHolidays && nationalHoliday(date) ? [] : t.periods.filter((p) => p.weekday === isoWeekday(date));
  return [...weekly, ...extra];
}

function windowsOn(t: Timetable, date: string): Window[] {
  return periodsOn(t, date).map((p) => ({
    from: instantOf(date, minutesOf(p.start), t.timezone) - t.warmUpMinutes * 60_000,
    to: instantOf(date, minutesOf(p.end), t.timezone) + t.drainMinutes * 60_000,
    nodes: p.nodes,
    label: `${date} ${p.start}–${p.end}`,
  }));
}

/** Outside class: with delete, nodesOutsideClass nodes; with powerOff, the nodes it has with nodesOutsideClass of them on. */
function outsideClass(t: Timetable): Target {
  return { nodes: t.outsideClass === 'delete' ? t.nodesOutsideClass : null, running: t.nodesOutsideClass, period: null };
}

/**
 * The target at an instant: inside a period's window [start − warm-up, end + drain) of a class
 * day, the period's nodes, all running (where windows overlap, the largest); else outside class.
 */
export function targetAt(t: Timetable, at: Date): Target {
  const today = wallClock(at, t.timezone).date;
  const now = at.getTime();
  // Warm-up and drain are at most hours: only yesterday's and tomorrow's periods can reach today.
  const open = [addDays(today, -1), today, addDays(today, 1)].flatMap((d) => windowsOn(t, d)).filter((w) => w.from <= now && now < w.to);
  const serving = open.sort((a, b) => b.nodes - a.nodes || a.from - b.from)[0];
  return serving ? { nodes: serving.nodes, running: serving.nodes, period: serving.label } : outsideClass(t);
}

/** Whether two targets ask the same of the unit (a stored one records the count it had when it kept its nodes). */
export function sameTarget(a: Target, b: Target): boolean {
  return a.period === b.period && a.running === b.running && (a.nodes === null || b.nodes === null || a.nodes === b.nodes);
}

/** How far ahead the next change is looked for. */
const HORIZON_DAYS = 400;
const CHUNK_DAYS = 7;

/**
 * The first instant after `at` at which the target differs, and that target; null when nothing
 * changes within the horizon (the term is over). Targets change only at window edges, looked at
 * a week at a time.
 */
export function nextChange(t: Timetable, at: Date): { at: Date; target: Target } | null {
  const current = targetAt(t, at);
  const today = wallClock(at, t.timezone).date;
  for (let offset = 0; offset < HORIZON_DAYS; offset += CHUNK_DAYS) {
    const first = addDays(today, offset);
    const chunkStart = offset === 0 ? at.getTime() : instantOf(first, 0, t.timezone);
    const chunkEnd = instantOf(addDays(first, CHUNK_DAYS), 0, t.timezone);
    const edges = new Set<number>();
    // A day's windows may begin the evening before (warm-up) or end after midnight (drain).
    for (let d = -1; d <= CHUNK_DAYS; d++) for (const w of windowsOn(t, addDays(first, d))) edges.add(w.from).add(w.to);
    for (const edge of [...edges].filter((e) => e >= chunkStart && e < chunkEnd && e > at.getTime()).sort((a, b) => a - b)) {
      const target = targetAt(t, new Date(edge));
      if (!sameTarget(current, target)) return { at: new Date(edge), target };
    }
    if (first > t.endsOn) return null;
  }
  return null;
}
