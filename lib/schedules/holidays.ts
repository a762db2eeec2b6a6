// Japanese national holidays (国民の祝日, with substitute and citizens' holidays), from the
// maintained holiday_jp data set: no classes on them when a schedule skips holidays.
import holidayJp from '@holiday-jp/holiday_jp';

export interface NationalHoliday {
  date: string;
  name: string;
  nameEn: string;
}

// Keyed by "YYYY-MM-DD": looked up by the timetable's own calendar date, whatever the machine's zone.
const HOLIDAYS = holidayJp.holidays as Record<string, { name: string; name_en: string } | undefined>;

/** The holiday on the date, or null. */
export function nationalHoliday(date: string): NationalHoliday | null {
  const h = Object.hasOwn(HOLIDAYS, date) ? HOLIDAYS[date] : undefined;
  return h ? { date, name: h.name, nameEn: h.name_en } : null;
}

/** The holidays from one date to another, both included, in order. */
export function nationalHolidaysBetween(from: string, to: string): NationalHoliday[] {
  return Object.keys(HOLIDAYS)
    .filter((date) => date >= from && date <= to)
    .sort()
    .map((date) => nationalHoliday(date)!);
}
