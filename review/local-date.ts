/**
 * Calendar dates without a time of day ("2026-12-25"), as the partnership's staff
 * read them. Deadlines are days, not instants: an instant becomes a date only through
 * the partnership's timezone (see `localDateOf`).
 */
export type LocalDate = string & { readonly __brand: 'LocalDate' };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Parses `YYYY-MM-DD`, rejecting impossible dates such as 2026-02-30, and years before 100. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Date.UTC reads years 0-99 as 1900-1999, so those (never a real date here) fail the check below.
  const utc = new Date(Date.UTC(y, mo - 1, d));
  if (utc.getUTCFullYear() !== y || utc.getUTCMonth() !== mo - 1 || utc.getUTCDate() !== d) {
    return undefined;
  }
  return text as LocalDate;
}

export function localDate(text: string): LocalDate {
  const date = parseLocalDate(text);
  if (!date) throw new RangeError(`not a calendar date: ${text}`);
  return date;
}

function toUtcMs(date: LocalDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function fromUtcMs(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10) as LocalDate;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** Adds calendar months, clamping to the month's last day (31 Jan + 1 month = 28 Feb). */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return fromUtcMs(Date.UTC(y, m, Math.min(d, lastDay)));
}

export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

// Making an Intl.DateTimeFormat costs far more than using one: keep one per timezone.
const isoDateIn = new Map<string, Intl.DateTimeFormat>();

/** The date it is in `timeZone` at `instant`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  let format = isoDateIn.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    isoDateIn.set(timeZone, format);
  }
  return format.format(instant) as LocalDate;
}

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

// Cards show the same few dates over and over; formatting one is not cheap.
const longDates = new Map<LocalDate, string>();

/** "Fri 25 Dec 2026", for cards. */
export function formatLongDate(date: LocalDate): string {
  let text = longDates.get(date);
  if (text === undefined) {
    const parts = Object.fromEntries(LONG_DATE.formatToParts(new Date(toUtcMs(date))).map((p) => [p.type, p.value]));
    text = `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
    longDates.set(date, text);
  }
  return text;
}

/** Whole years from `birth` to `on` (an age). */
export function yearsBetween(birth: LocalDate, on: LocalDate): number {
  const years = yearOf(on) - yearOf(birth);
  return on.slice(5) < birth.slice(5) ? years - 1 : years;
}
