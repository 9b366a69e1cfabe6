import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../review/calendar.js';
import { intakeClocks, type ClockRules } from '../../review/clocks.js';
import { localDate } from '../../review/local-date.js';
import { panelDateFor } from '../../review/panel-listing.js';
import type { PanelSchedule } from '../../review/partnership.js';
import type { AgeGroup, Referral, ReviewKind } from '../../review/referral.js';
import { DEFAULT_CLOCKS } from './fixtures.js';

const d = localDate;
const eng = createWorkingCalendar('ENG');
const sct = createWorkingCalendar('SCT');
const SUFFOLK: PanelSchedule = { day: 25, cutoffDay: 15 };

const rules = (overrides: Partial<ClockRules> = {}): ClockRules => ({
  calendar: eng,
  settings: DEFAULT_CLOCKS,
  panel: SUFFOLK,
  ...overrides,
});

/** The parts of a referral the clocks read. */
function referral(kind: ReviewKind, ageGroup: AgeGroup, awareDate: string): Pick<Referral, 'kind' | 'subject' | 'incident'> {
  return {
    kind,
    subject: { name: 'Test Person', ageGroup },
    incident: {
      date: d(awareDate),
      awareDate: d(awareDate),
      harm: kind === 'dhr' ? 'died' : 'seriouslyHarmed',
      abuseOrNeglect: 'suspected',
      agencyConcern: true,
      immediateSafety: false,
    },
  };
}

describe('intakeClocks', () => {
  describe('a child case', () => {
    it('runs the National Panel clocks from the day the agency became aware, skipping Christmas', () => {
      // Aware Fri 18 Dec 2026. Working days: 21, 22, 23, 24, 29 (5); 30, 31, 4, 5, 6, 7, 8, 11, 12, 13 Jan (15).
      const clocks = intakeClocks(referral('lcspr', 'youngPerson', '2026-12-18'), d('2026-12-21'), rules());
      expect(clocks.nationalPanelNotificationDue).toBe('2026-12-29');
      expect(clocks.rapidReviewDue).toBe('2027-01-13');
      expect(clocks.dhrDecisionDue).toBeUndefined();
    });

    it('in Scotland also skips 4 January, the substitute for 2 January', () => {
      const clocks = intakeClocks(referral('lcspr', 'youngPerson', '2026-12-18'), d('2026-12-21'), rules({ calendar: sct }));
      expect(clocks.nationalPanelNotificationDue).toBe('2026-12-29');
      expect(clocks.rapidReviewDue).toBe('2027-01-14');
    });

    it.each([
      ['significant harm below the threshold', { harm: 'significantHarm' }],
      ['abuse or neglect not suspected', { abuseOrNeglect: 'notSuspected' }],
    ] as const)('starts no National Panel clock for %s', (_what, incident) => {
      const base = referral('reflective', 'youngPerson', '2026-11-23');
      const clocks = intakeClocks({ ...base, incident: { ...base.incident, ...incident } }, d('2026-12-01'), rules());
      expect(clocks.nationalPanelNotificationDue).toBeUndefined();
      expect(clocks.rapidReviewDue).toBeUndefined();
      expect(clocks.panelDate).toBe('2026-12-29');
    });

    it('counts from the aware date, not the day the referral arrived', () => {
      const clocks = intakeClocks(referral('lcspr', 'baby', '2026-11-23'), d('2026-12-01'), rules());
      expect(clocks.nationalPanelNotificationDue).toBe('2026-11-30');
      expect(clocks.rapidReviewDue).toBe('2026-12-14');
    });

    it.each<[ReviewKind, AgeGroup]>([
      ['lcspr', 'baby'],
      ['reflective', 'youngPerson'],
      ['notSure', 'youngPerson'],
    ])('applies to a %s referral about a %s', (kind, ageGroup) => {
      const clocks = intakeClocks(referral(kind, ageGroup, '2026-12-18'), d('2026-12-21'), rules());
      expect(clocks.nationalPanelNotificationDue).toBe('2026-12-29');
      expect(clocks.rapidReviewDue).toBe('2027-01-13');
    });
  });

  describe('an adult case', () => {
    it('a SAR has neither National Panel clock nor a DHR decision, only the panel', () => {
      const clocks = intakeClocks(referral('sar', 'adult', '2026-12-18'), d('2026-12-21'), rules());
      expect(clocks).toEqual({ panelDate: '2027-01-25' });
    });

    it('"not sure" about an adult has no National Panel clocks either', () => {
      const clocks = intakeClocks(referral('notSure', 'adult', '2026-12-18'), d('2026-12-21'), rules());
      expect(clocks).toEqual({ panelDate: '2027-01-25' });
    });
  });

  describe('a DHR', () => {
    it('is due for decision one month after it was received', () => {
      const clocks = intakeClocks(referral('dhr', 'adult', '2026-09-14'), d('2026-09-15'), rules());
      // Received on the 15th, the cut-off day: that month's panel, 10 days later.
      expect(clocks).toEqual({ dhrDecisionDue: '2026-10-15', panelDate: '2026-09-25' });
    });

    it.each([
      ['2026-12-01', '2026-12-31', "1 January 2027 is New Year's Day"],
      ['2026-11-28', '2026-12-24', '28 December 2026 is the Boxing Day substitute'],
      ['2027-01-28', '2027-02-26', '28 February 2027 is a Sunday'],
      ['2027-01-31', '2027-02-26', '31 January + 1 month clamps to Sunday 28 February'],
    ])('received %s: due %s, the working day before (%s)', (received, due) => {
      const clocks = intakeClocks(referral('dhr', 'adult', '2026-09-14'), d(received), rules());
      expect(clocks.dhrDecisionDue).toBe(due);
    });

    it('moves back over Easter: received 27 Feb 2027, the month ends Saturday 27 Mar; Good Friday 26th is skipped too', () => {
      const clocks = intakeClocks(referral('dhr', 'adult', '2027-02-01'), d('2027-02-27'), rules());
      expect(clocks.dhrDecisionDue).toBe('2027-03-25');
    });

    it("uses the nation's holidays: 4 January 2027 is a working day in England, not in Scotland", () => {
      const received = d('2026-12-04');
      const referred = referral('dhr', 'adult', '2026-11-30');
      expect(intakeClocks(referred, received, rules()).dhrDecisionDue).toBe('2027-01-04');
      expect(intakeClocks(referred, received, rules({ calendar: sct })).dhrDecisionDue).toBe('2026-12-31');
    });
  });

  describe('clock settings from the partnership', () => {
    it('change the length of every clock', () => {
      const settings = {
        ...DEFAULT_CLOCKS,
        nationalPanelNotificationWorkingDays: 1,
        rapidReviewWorkingDays: 10,
        dhrDecisionMonths: 2,
        panelMinDaysAfterRequests: 20,
      };
      // Aware Wed 23 Dec: 1 working day is Thu 24th; 10 is 24, 29, 30, 31, 4, 5, 6, 7, 8, 11 Jan.
      const child = intakeClocks(referral('lcspr', 'youngPerson', '2026-12-23'), d('2026-12-07'), rules({ settings }));
      expect(child.nationalPanelNotificationDue).toBe('2026-12-24');
      expect(child.rapidReviewDue).toBe('2027-01-11');
      // Received 7 Dec: the 25 Dec panel (sitting 29 Dec) is 22 days away, far enough for 20.
      expect(child.panelDate).toBe('2026-12-29');

      // Received 10 Dec: 29 Dec is only 19 days away, so the January panel.
      const dhr = intakeClocks(referral('dhr', 'adult', '2026-12-01'), d('2026-12-10'), rules({ settings }));
      expect(dhr.dhrDecisionDue).toBe('2027-02-10');
      expect(dhr.panelDate).toBe('2027-01-25');
    });
  });

  describe('the panel listing', () => {
    it('is omitted when a listed schedule has run out', () => {
      const panel: PanelSchedule = { dates: [d('2026-11-12')] };
      const clocks = intakeClocks(referral('lcspr', 'youngPerson', '2026-12-18'), d('2026-12-21'), rules({ panel }));
      expect(clocks).not.toHaveProperty('panelDate');
      expect(clocks.rapidReviewDue).toBe('2027-01-13');
    });

    it('is the first listed date far enough ahead', () => {
      const panel: PanelSchedule = { dates: [d('2027-01-14'), d('2026-12-10')] };
      const clocks = intakeClocks(referral('sar', 'adult', '2026-11-20'), d('2026-11-30'), rules({ panel }));
      expect(clocks).toEqual({ panelDate: '2026-12-10' });
    });
  });
});

describe('panelDateFor', () => {
  const monthly = (received: string, schedule: PanelSchedule = SUFFOLK, minDays = 10, calendar = eng) =>
    panelDateFor(schedule, d(received), minDays, calendar);

  describe('a monthly rule: panels on the 25th, cut-off on the 15th', () => {
    it("received on the 15th: that month's panel, 10 days later", () => {
      expect(monthly('2026-11-15')).toBe('2026-11-25');
      expect(monthly('2027-01-15')).toBe('2027-01-25');
    });

    it("received on the 16th: the following month's panel", () => {
      expect(monthly('2026-10-16')).toBe('2026-11-25');
      expect(monthly('2027-01-16')).toBe('2027-02-25');
    });

    it("received on the 1st: that month's panel", () => {
      expect(monthly('2027-02-01')).toBe('2027-02-25');
    });

    it('the 25 December 2026 panel sits on the next working day, Tue 29 December', () => {
      expect(monthly('2026-11-16')).toBe('2026-12-29');
      expect(monthly('2026-12-01')).toBe('2026-12-29');
      expect(monthly('2026-12-15')).toBe('2026-12-29');
    });

    it('after the December cut-off, the January panel of the next year', () => {
      expect(monthly('2026-12-16')).toBe('2027-01-25');
      expect(monthly('2026-12-31')).toBe('2027-01-25');
    });

    it('a panel day on a weekend moves to the Monday', () => {
      // 25 April 2026 is a Saturday.
      expect(monthly('2026-04-01')).toBe('2026-04-27');
    });

    it('goes to the next month when the minimum gap is not met before the cut-off', () => {
      // Received 14 Nov with a 14-day minimum: 25 Nov is 11 days away.
      expect(monthly('2026-11-14', SUFFOLK, 14)).toBe('2026-12-29');
      expect(monthly('2026-11-11', SUFFOLK, 14)).toBe('2026-11-25');
    });

    it('clamps a panel day to the end of a short month, then to a working day', () => {
      // 31 → 28 February 2027, a Sunday → Monday 1 March.
      expect(monthly('2027-02-01', { day: 31, cutoffDay: 15 })).toBe('2027-03-01');
      expect(monthly('2027-04-01', { day: 31, cutoffDay: 15 })).toBe('2027-04-30');
    });
  });

  describe('a listed schedule', () => {
    const listed: PanelSchedule = { dates: [d('2027-01-14'), d('2026-11-20'), d('2026-12-10')] };
    const at = (received: string) => panelDateFor(listed, d(received), 10, eng);

    it('picks the first date at least 10 days after receipt, whatever the order listed', () => {
      expect(at('2026-11-05')).toBe('2026-11-20');
      expect(at('2026-11-10')).toBe('2026-11-20');
      expect(at('2026-11-11')).toBe('2026-12-10');
      expect(at('2026-11-30')).toBe('2026-12-10');
      expect(at('2026-12-01')).toBe('2027-01-14');
      expect(at('2027-01-04')).toBe('2027-01-14');
    });

    it('gives undefined when the list has run out', () => {
      expect(at('2027-01-05')).toBeUndefined();
      expect(at('2027-06-01')).toBeUndefined();
    });

    it('does not move listed dates: the partnership chose them', () => {
      const christmas: PanelSchedule = { dates: [d('2026-12-25')] };
      expect(panelDateFor(christmas, d('2026-12-01'), 10, eng)).toBe('2026-12-25');
    });
  });
});
