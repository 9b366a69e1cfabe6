import type { WorkingCalendar } from './calendar.js';
import { addDays, addMonths, daysBetween, type LocalDate } from './local-date.js';
import type { PanelSchedule } from './partnership.js';

function panelDayIn(year: number, monthIndex: number, day: number): LocalDate {
  const first = `${String(year).padStart(4, '0')}-${String(monthIndex + 1).padStart(2, '0')}-01` as LocalDate;
  const last = addDays(addMonths(first, 1), -1);
  const clamped = Math.min(day, Number(last.slice(8, 10)));
  return addDays(first, clamped - 1);
}

/**
 * The panel a case is listed for, when its information requests go out on
 * `requestsSentOn`: the next panel at least `minDaysAfterRequests` calendar days later.
 *
 * A monthly rule (Suffolk: panels sit on the 25th; referrals after the 15th go to the
 * following month's panel) counts the cut-off on the day requests go out. A panel day
 * that is not a working day (25 December) moves to the next working day. A listed
 * schedule takes the first listed date far enough ahead, or none when the list has
 * run out (the administrator must add dates).
 */
export function panelDateFor(
  schedule: PanelSchedule,
  requestsSentOn: LocalDate,
  minDaysAfterRequests: number,
  calendar: WorkingCalendar,
): LocalDate | undefined {
  const farEnough = (d: LocalDate) => daysBetween(requestsSentOn, d) >= minDaysAfterRequests;
  if ('dates' in schedule) {
    return [...schedule.dates].sort().find(farEnough);
  }
  const year = Number(requestsSentOn.slice(0, 4));
  const month = Number(requestsSentOn.slice(5, 7)) - 1;
  const afterCutoff = Number(requestsSentOn.slice(8, 10)) > schedule.cutoffDay;
  // At most a couple of months ahead: the cut-off and the minimum gap are both under a month.
  for (let ahead = afterCutoff ? 1 : 0; ahead < 14; ahead++) {
    const sitting = calendar.onOrAfter(panelDayIn(year, month + ahead, schedule.day));
    if (farEnough(sitting)) return sitting;
  }
  return undefined;
}
