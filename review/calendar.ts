import Holidays from 'date-holidays';
import { addDays, dayOfWeek, type LocalDate, yearOf } from './local-date.js';

/** The four UK nations; each has its own bank holidays. */
export const NATIONS = ['ENG', 'WLS', 'SCT', 'NIR'] as const;
export type Nation = (typeof NATIONS)[number];

/**
 * Working days: Monday to Friday, less the bank holidays of one UK nation
 * (date-holidays' `public` days, substitute days included).
 */
export interface WorkingCalendar {
  readonly nation: Nation;
  isWorkingDay(date: LocalDate): boolean;
  /** The bank holidays of a year, in date order. */
  bankHolidays(year: number): readonly LocalDate[];
  /**
   * `n` working days after `date` (before it, when `n` is negative). Counting starts
   * on the next working day, so from a Saturday, 1 working day is the Monday.
   */
  addWorkingDays(date: LocalDate, n: number): LocalDate;
  /** `date` if it is a working day, otherwise the next one. */
  onOrAfter(date: LocalDate): LocalDate;
  /** `date` if it is a working day, otherwise the one before. */
  onOrBefore(date: LocalDate): LocalDate;
}

export function createWorkingCalendar(nation: Nation): WorkingCalendar {
  const holidays = new Holidays('GB', nation);
  const byYear = new Map<number, Set<string>>();

  function holidaySet(year: number): Set<string> {
    let set = byYear.get(year);
    if (!set) {
      const found = holidays.getHolidays(year) || [];
      set = new Set(found.filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
      byYear.set(year, set);
    }
    return set;
  }

  function isWorkingDay(date: LocalDate): boolean {
    const dow = dayOfWeek(date);
    return dow !== 0 && dow !== 6 && !holidaySet(yearOf(date)).has(date);
  }

  function step(date: LocalDate, direction: 1 | -1): LocalDate {
    let d = addDays(date, direction);
    while (!isWorkingDay(d)) d = addDays(d, direction);
    return d;
  }

  return {
    nation,
    isWorkingDay,
    bankHolidays: (year) => [...holidaySet(year)].sort() as LocalDate[],
    addWorkingDays(date, n) {
      const direction = n < 0 ? -1 : 1;
      let d = date;
      for (let i = 0; i < Math.abs(n); i++) d = step(d, direction);
      return d;
    },
    onOrAfter: (date) => (isWorkingDay(date) ? date : step(date, 1)),
    onOrBefore: (date) => (isWorkingDay(date) ? date : step(date, -1)),
  };
}
