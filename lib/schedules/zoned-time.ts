// Wall-clock dates and times in an IANA time zone, with Intl alone: a timetable says "Monday
// 09:00 in Asia/Tokyo", the scheduler works in instants.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows the zone ("Asia/Tokyo", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function fields(at: number, timeZone: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts;
}

/** How far the zone's wall clock is ahead of UTC at the instant, in ms. */
function offsetMs(at: number, timeZone: string): number {
  const f = fields(at, timeZone);
  const wall = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!);
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/** The zone's wall clock at an instant: its date ("YYYY-MM-DD") and minutes since that midnight. */
export function wallClock(at: Date, timeZone: string): { date: string; minutes: number } {
  const f = fields(at.getTime(), timeZone);
  return { date: `${f.year}-${pad(f.month!)}-${pad(f.day!)}`, minutes: f.hour! * 60 + f.minute! };
}

/** The instant the zone's clocks show `minutes` past midnight of `date` (a time skipped by a clock change falls after it). */
export function instantOf(date: string, minutes: number, timeZone: string): number {
  const local = utcMidnight(date) + minutes * 60_000;
  const guess = local - offsetMs(local, timeZone);
  return local - offsetMs(guess, timeZone);
}

/** "HH:MM" as minutes since midnight. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

export function addDays(date: string, days: number): string {
  return new Date(utcMidnight(date) + days * 86_400_000).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return new Date(utcMidnight(date)).getUTCDay() || 7;
}

/** Whether the text is a real calendar date written "YYYY-MM-DD". */
export function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(utcMidnight(text)) && new Date(utcMidnight(text)).toISOString().startsWith(text);
}

const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`);
const pad = (n: number) => String(n).padStart(2, '0');
