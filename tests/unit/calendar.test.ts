import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorkingCalendar, NATIONS, type Nation } from '../../review/calendar.js';
import {
  addDays,
  addMonths,
  dayOfWeek,
  daysBetween,
  formatLongDate,
  localDate,
  localDateOf,
  parseLocalDate,
  yearOf,
  yearsBetween,
  type LocalDate,
} from '../../review/local-date.js';

const d = localDate;
const eng = createWorkingCalendar('ENG');
const sct = createWorkingCalendar('SCT');
const wls = createWorkingCalendar('WLS');
const nir = createWorkingCalendar('NIR');

describe('local dates', () => {
  describe('parseLocalDate', () => {
    it.each(['2026-01-01', '2026-12-31', '2028-02-29'])('accepts the calendar date %s', (text) => {
      expect(parseLocalDate(text)).toBe(text);
    });

    it.each([
      ['2026-02-30', 'a day February does not have'],
      ['2027-02-29', '29 February in a year that is not a leap year'],
      ['2026-13-01', 'a thirteenth month'],
      ['2026-00-10', 'a month zero'],
      ['2026-04-31', 'the 31st of a 30-day month'],
      ['2026-1-1', 'month and day without leading zeros'],
      ['26-01-01', 'a two-digit year'],
      ['2026/01/01', 'slashes'],
      ['01/01/2026', 'a British-style date'],
      ['2026-01-01T00:00:00Z', 'an instant'],
      [' 2026-01-01', 'leading space'],
      ['', 'nothing'],
    ])('rejects %j (%s)', (text) => {
      expect(parseLocalDate(text)).toBeUndefined();
    });
  });

  it('localDate throws a RangeError naming what it was given', () => {
    expect(() => localDate('2026-02-30')).toThrow(RangeError);
    expect(() => localDate('2026-02-30')).toThrow(/2026-02-30/);
  });

  describe('addDays and daysBetween', () => {
    it('cross month and year ends', () => {
      expect(addDays(d('2026-12-31'), 1)).toBe('2027-01-01');
      expect(addDays(d('2027-03-01'), -1)).toBe('2027-02-28');
      expect(addDays(d('2028-02-28'), 1)).toBe('2028-02-29');
      expect(addDays(d('2026-12-25'), 0)).toBe('2026-12-25');
    });

    it('are not disturbed by the clocks changing', () => {
      // BST starts on 29 March 2026 and ends on 25 October 2026.
      expect(addDays(d('2026-03-28'), 2)).toBe('2026-03-30');
      expect(addDays(d('2026-10-24'), 2)).toBe('2026-10-26');
      expect(daysBetween(d('2026-03-28'), d('2026-03-30'))).toBe(2);
    });

    it('count whole days, negative when going back', () => {
      expect(daysBetween(d('2026-12-15'), d('2026-12-25'))).toBe(10);
      expect(daysBetween(d('2026-12-25'), d('2026-12-15'))).toBe(-10);
      expect(daysBetween(d('2026-01-01'), d('2027-01-01'))).toBe(365);
      expect(daysBetween(d('2028-01-01'), d('2029-01-01'))).toBe(366);
    });
  });

  describe('addMonths', () => {
    it.each([
      ['2027-01-31', 1, '2027-02-28', 'clamps to the end of February'],
      ['2028-01-31', 1, '2028-02-29', 'clamps to 29 February in a leap year'],
      ['2026-11-30', 3, '2027-02-28', 'clamps across a year end'],
      ['2027-03-31', -1, '2027-02-28', 'clamps going back'],
      ['2026-12-15', 1, '2027-01-15', 'crosses a year end'],
      ['2027-01-15', -1, '2026-12-15', 'goes back across a year end'],
      ['2026-08-31', 1, '2026-09-30', 'clamps to a 30-day month'],
      ['2026-05-10', 0, '2026-05-10', 'does nothing for 0'],
      ['2026-05-10', 12, '2027-05-10', 'adds a year as 12 months'],
    ])('%s + %i months = %s (%s)', (from, months, expected) => {
      expect(addMonths(d(from), months)).toBe(expected);
    });
  });

  it('dayOfWeek counts from Sunday = 0', () => {
    expect(dayOfWeek(d('2026-12-25'))).toBe(5); // Friday
    expect(dayOfWeek(d('2026-12-26'))).toBe(6); // Saturday
    expect(dayOfWeek(d('2026-12-27'))).toBe(0); // Sunday
    expect(dayOfWeek(d('2026-12-28'))).toBe(1); // Monday
    expect(yearOf(d('2026-12-28'))).toBe(2026);
  });

  it('formatLongDate writes a date as staff read it on a card', () => {
    expect(formatLongDate(d('2026-12-25'))).toBe('Fri 25 Dec 2026');
    expect(formatLongDate(d('2027-01-04'))).toBe('Mon 4 Jan 2027');
  });

  describe('localDateOf in Europe/London', () => {
    const london = (iso: string) => localDateOf(new Date(iso), 'Europe/London');

    it('is the UTC date in winter, before the clocks go forward', () => {
      // BST starts at 01:00 UTC on 29 March 2026: half past midnight UTC is still GMT.
      expect(london('2026-03-29T00:30:00Z')).toBe('2026-03-29');
      expect(london('2026-12-31T23:30:00Z')).toBe('2026-12-31');
    });

    it('is the next day late in the evening UTC during BST', () => {
      expect(london('2026-03-29T23:30:00Z')).toBe('2026-03-30');
      // BST ends at 01:00 UTC on 25 October 2026: 23:30 UTC on the 24th is 00:30 BST on the 25th.
      expect(london('2026-10-24T23:30:00Z')).toBe('2026-10-25');
    });

    it('crosses a month end at midnight London time', () => {
      expect(london('2026-06-30T23:30:00Z')).toBe('2026-07-01');
      expect(london('2026-06-30T22:59:59Z')).toBe('2026-06-30');
      expect(london('2026-06-30T23:00:00Z')).toBe('2026-07-01');
    });

    it('depends on the timezone given', () => {
      const instant = new Date('2026-06-30T23:30:00Z');
      expect(localDateOf(instant, 'UTC')).toBe('2026-06-30');
      expect(localDateOf(instant, 'America/New_York')).toBe('2026-06-30');
    });
  });

  describe('yearsBetween (an age)', () => {
    it.each([
      ['2010-06-15', '2026-06-14', 15, 'the day before a birthday'],
      ['2010-06-15', '2026-06-15', 16, 'on the birthday'],
      ['2010-06-15', '2026-12-31', 16, 'later in the year'],
      ['2026-01-10', '2026-11-02', 0, 'a baby'],
      ['2008-02-29', '2026-02-28', 17, 'a leap-day birthday, not yet reached'],
      ['2008-02-29', '2026-03-01', 18, 'a leap-day birthday, passed'],
      ['2026-05-01', '2026-05-01', 0, 'born that day'],
    ])('from %s to %s is %i (%s)', (birth, on, years) => {
      expect(yearsBetween(d(birth), d(on))).toBe(years);
    });
  });
});

describe('working calendar', () => {
  describe('bank holidays, as date-holidays gives them', () => {
    it('England: Christmas 2026 falls on a Friday, Boxing Day on a Saturday, substituted on Monday 28th', () => {
      expect(eng.bankHolidays(2026).filter((h) => h >= '2026-12-01')).toEqual(['2026-12-25', '2026-12-26', '2026-12-28']);
      expect(eng.isWorkingDay(d('2026-12-24'))).toBe(true);
      expect(eng.isWorkingDay(d('2026-12-25'))).toBe(false);
      expect(eng.isWorkingDay(d('2026-12-28'))).toBe(false);
      expect(eng.isWorkingDay(d('2026-12-29'))).toBe(true);
    });

    it('England 2027: New Year on Friday 1 January; Easter on 26 and 29 March', () => {
      expect(eng.bankHolidays(2027)).toEqual([
        '2027-01-01',
        '2027-03-26', // Good Friday
        '2027-03-29', // Easter Monday
        '2027-05-03',
        '2027-05-31',
        '2027-08-30',
        '2027-12-25',
        '2027-12-26',
        '2027-12-27', // Christmas Day (substitute day)
        '2027-12-28', // Boxing Day (substitute day)
      ]);
      expect(eng.isWorkingDay(d('2027-01-01'))).toBe(false);
      expect(eng.isWorkingDay(d('2027-01-04'))).toBe(true);
      expect(eng.isWorkingDay(d('2027-03-26'))).toBe(false);
      expect(eng.isWorkingDay(d('2027-03-29'))).toBe(false);
    });

    it('Scotland 2027: 2 January is a Saturday, substituted on Monday 4 January', () => {
      const scottish2027 = sct.bankHolidays(2027);
      expect(scottish2027.slice(0, 3)).toEqual(['2027-01-01', '2027-01-02', '2027-01-04']);
      expect(sct.isWorkingDay(d('2027-01-04'))).toBe(false);
      expect(sct.isWorkingDay(d('2027-01-05'))).toBe(true);
    });

    it('Scotland has Good Friday but no Easter Monday', () => {
      expect(sct.bankHolidays(2027)).toContain('2027-03-26');
      expect(sct.bankHolidays(2027)).not.toContain('2027-03-29');
      expect(sct.isWorkingDay(d('2027-03-26'))).toBe(false);
      expect(sct.isWorkingDay(d('2027-03-29'))).toBe(true);
    });

    it("Scotland has Christmas 2026 like England, and St Andrew's Day", () => {
      expect(sct.bankHolidays(2026)).toEqual(expect.arrayContaining(['2026-11-30', '2026-12-25', '2026-12-26', '2026-12-28']));
      expect(sct.isWorkingDay(d('2026-11-30'))).toBe(false);
      expect(eng.isWorkingDay(d('2026-11-30'))).toBe(true);
    });

    it("Wales follows England; Northern Ireland adds St Patrick's Day and the Twelfth", () => {
      expect(wls.bankHolidays(2027)).toEqual(eng.bankHolidays(2027));
      expect(nir.isWorkingDay(d('2027-03-17'))).toBe(false);
      expect(nir.isWorkingDay(d('2027-07-12'))).toBe(false);
      expect(eng.isWorkingDay(d('2027-03-17'))).toBe(true);
      expect(eng.isWorkingDay(d('2027-07-12'))).toBe(true);
    });

    it("observances such as Mother's Day are not bank holidays", () => {
      expect(eng.bankHolidays(2027)).not.toContain('2027-03-07');
      expect(eng.bankHolidays(2027)).not.toContain('2027-03-28'); // Easter Sunday
    });

    it('lists each year in date order and says which nation it is for', () => {
      for (const cal of [eng, sct, wls, nir]) {
        const list = cal.bankHolidays(2026);
        expect([...list].sort()).toEqual(list);
        expect(list.every((h) => yearOf(h) === 2026)).toBe(true);
      }
      expect(sct.nation).toBe('SCT');
    });

    it('weekends are never working days', () => {
      expect(eng.isWorkingDay(d('2026-12-05'))).toBe(false); // Saturday
      expect(eng.isWorkingDay(d('2026-12-06'))).toBe(false); // Sunday
      expect(eng.isWorkingDay(d('2026-12-07'))).toBe(true); // Monday
    });
  });

  describe('addWorkingDays across Christmas and New Year 2026-27', () => {
    it('England: from Wed 23 Dec, 3 working days is Wed 30 Dec (24, 29, 30)', () => {
      expect(eng.addWorkingDays(d('2026-12-23'), 1)).toBe('2026-12-24');
      expect(eng.addWorkingDays(d('2026-12-23'), 2)).toBe('2026-12-29');
      expect(eng.addWorkingDays(d('2026-12-23'), 3)).toBe('2026-12-30');
    });

    it('from Wed 23 Dec, 5 working days is Mon 4 Jan in England but Tue 5 Jan in Scotland', () => {
      // 24, 29, 30, 31, then 1 January is a holiday everywhere and 4 January in Scotland.
      expect(eng.addWorkingDays(d('2026-12-23'), 5)).toBe('2027-01-04');
      expect(sct.addWorkingDays(d('2026-12-23'), 5)).toBe('2027-01-05');
    });

    it('counting starts on the next working day: from a Saturday, 1 working day is the Monday', () => {
      expect(eng.addWorkingDays(d('2026-12-05'), 1)).toBe('2026-12-07');
      expect(eng.addWorkingDays(d('2026-12-06'), 1)).toBe('2026-12-07');
      // Saturday 26 December: Monday 28th is the Boxing Day substitute.
      expect(eng.addWorkingDays(d('2026-12-26'), 1)).toBe('2026-12-29');
    });

    it('0 working days is the date itself, even when it is not a working day', () => {
      expect(eng.addWorkingDays(d('2026-12-23'), 0)).toBe('2026-12-23');
      expect(eng.addWorkingDays(d('2026-12-25'), 0)).toBe('2026-12-25');
    });

    it('a negative n counts back', () => {
      expect(eng.addWorkingDays(d('2026-12-29'), -1)).toBe('2026-12-24');
      expect(eng.addWorkingDays(d('2027-01-04'), -1)).toBe('2026-12-31');
      expect(sct.addWorkingDays(d('2027-01-05'), -1)).toBe('2026-12-31');
      expect(eng.addWorkingDays(d('2027-01-04'), -5)).toBe('2026-12-23');
      // From a Sunday, 1 working day back is the Friday.
      expect(eng.addWorkingDays(d('2026-12-06'), -1)).toBe('2026-12-04');
    });
  });

  describe('addWorkingDays across Easter 2027', () => {
    it('England skips Good Friday and Easter Monday; Scotland only Good Friday', () => {
      expect(eng.addWorkingDays(d('2027-03-25'), 1)).toBe('2027-03-30');
      expect(sct.addWorkingDays(d('2027-03-25'), 1)).toBe('2027-03-29');
      expect(eng.addWorkingDays(d('2027-03-30'), -1)).toBe('2027-03-25');
      expect(sct.addWorkingDays(d('2027-03-30'), -1)).toBe('2027-03-29');
    });
  });

  describe('onOrAfter and onOrBefore', () => {
    it('leave a working day alone', () => {
      expect(eng.onOrAfter(d('2026-12-24'))).toBe('2026-12-24');
      expect(eng.onOrBefore(d('2026-12-24'))).toBe('2026-12-24');
    });

    it('move a holiday or weekend to the next or previous working day', () => {
      expect(eng.onOrAfter(d('2026-12-25'))).toBe('2026-12-29');
      expect(eng.onOrBefore(d('2026-12-28'))).toBe('2026-12-24');
      expect(eng.onOrAfter(d('2027-01-01'))).toBe('2027-01-04');
      expect(sct.onOrAfter(d('2027-01-01'))).toBe('2027-01-05');
      expect(sct.onOrBefore(d('2027-01-04'))).toBe('2026-12-31');
      expect(eng.onOrBefore(d('2027-03-29'))).toBe('2027-03-25');
      expect(sct.onOrBefore(d('2027-03-29'))).toBe('2027-03-29');
    });
  });
});

describe('working calendar properties, 2025-2030, every nation', () => {
  const FIRST = d('2025-01-01');
  const span = daysBetween(FIRST, d('2030-12-31'));
  const anyDate = fc.integer({ min: 0, max: span }).map((i) => addDays(FIRST, i));
  const anyN = fc.integer({ min: 0, max: 40 });

  /** An independent check, by the weekday and the published list: not Saturday or Sunday, not a bank holiday. */
  const holidayLists = new Map<string, Set<string>>();
  const isWeekendOrHoliday = (nation: Nation, date: LocalDate) => {
    const key = `${nation}:${yearOf(date)}`;
    let list = holidayLists.get(key);
    if (!list) {
      list = new Set(createWorkingCalendar(nation).bankHolidays(yearOf(date)));
      holidayLists.set(key, list);
    }
    const dow = new Date(`${date}T12:00:00Z`).getUTCDay();
    return dow === 0 || dow === 6 || list.has(date);
  };

  describe.each(NATIONS)('%s', (nation) => {
    const cal = createWorkingCalendar(nation);

    it('n >= 1 working days later is never a weekend or a bank holiday', () => {
      fc.assert(
        fc.property(anyDate, fc.integer({ min: 1, max: 40 }), (date, n) => {
          const result = cal.addWorkingDays(date, n);
          expect(isWeekendOrHoliday(nation, result)).toBe(false);
          expect(cal.isWorkingDay(result)).toBe(true);
          expect(result > date).toBe(true);
        }),
      );
    });

    it('n working days later is exactly n working days away', () => {
      fc.assert(
        fc.property(anyDate, anyN, (date, n) => {
          const result = cal.addWorkingDays(date, n);
          let count = 0;
          for (let day = addDays(date, 1); day <= result; day = addDays(day, 1)) {
            if (!isWeekendOrHoliday(nation, day)) count++;
          }
          expect(count).toBe(n);
        }),
      );
    });

    it('adding then subtracting n working days from a working day returns the start', () => {
      fc.assert(
        fc.property(
          anyDate.map((x) => cal.onOrAfter(x)),
          anyN,
          (start, n) => {
            expect(cal.addWorkingDays(cal.addWorkingDays(start, n), -n)).toBe(start);
          },
        ),
      );
    });

    it('is monotonic in n, and strictly so', () => {
      fc.assert(
        fc.property(anyDate, anyN, anyN, (date, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const early = cal.addWorkingDays(date, lo);
          const late = cal.addWorkingDays(date, hi);
          expect(early <= late).toBe(true);
          if (lo < hi) expect(early < late).toBe(true);
        }),
      );
    });

    it('onOrAfter and onOrBefore give the nearest working day on their side', () => {
      fc.assert(
        fc.property(anyDate, (date) => {
          const after = cal.onOrAfter(date);
          const before = cal.onOrBefore(date);
          expect(cal.isWorkingDay(after) && cal.isWorkingDay(before)).toBe(true);
          expect(before <= date && date <= after).toBe(true);
          for (let day = addDays(date, 1); day < after; day = addDays(day, 1)) expect(cal.isWorkingDay(day)).toBe(false);
          for (let day = addDays(before, 1); day < date; day = addDays(day, 1)) expect(cal.isWorkingDay(day)).toBe(false);
          if (cal.isWorkingDay(date)) expect([before, after]).toEqual([date, date]);
        }),
      );
    });
  });
});
