// End dates are picked as days in the browser: a day ends at 23:59 of the reader's own time zone.

/** The end of the picked day (YYYY-MM-DD, local) as an ISO time with its zone, as the API takes it. */
export function endOfDay(day: string): string {
  return new Date(`${day}T23:59:00`).toISOString();
}

/** The local day (YYYY-MM-DD) of an ISO time, for a date field. */
export function dayOf(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
