import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../review/calendar.js';
import { localDate } from '../../review/local-date.js';
import { planFor } from '../../review/plan.js';
import { withoutHold } from '../../review/hold.js';
import { caseRecord } from './fixtures.js';

const calendar = createWorkingCalendar('ENG');
const decided = localDate('2026-12-29');
const due = localDate('2027-03-25');

describe("a review's plan", () => {
  it("lays out Suffolk's steps for a single agency review, on working days between the decision and the due date", () => {
    expect(planFor('singleAgency', decided, due, { calendar })).toEqual([
      { kind: 'reviewer', dueOn: '2027-01-04' },
      { kind: 'termsOfReference', dueOn: '2027-01-07' },
      { kind: 'agencyReports', dueOn: '2027-01-25' },
      { kind: 'draftReport', dueOn: '2027-03-09' },
      { kind: 'accuracyCheck', dueOn: '2027-03-15' },
      { kind: 'signOff', dueOn: '2027-03-25' },
    ]);
  });

  it('no step before the day after the decision, and none after the due date', () => {
    const plan = planFor('singleAgency', decided, localDate('2026-12-31'), { calendar });
    expect(new Set(plan.map((s) => s.dueOn))).toEqual(new Set(['2026-12-30', '2026-12-31']));
  });

  it("takes the partnership's own steps and shares for an outcome, in its order", () => {
    const plans = {
      singleAgency: [
        { step: 'termsOfReference' as const, at: 0 },
        { step: 'signOff' as const, at: 0.5 },
      ],
    };
    expect(planFor('singleAgency', decided, due, { calendar, plans })).toEqual([
      { kind: 'termsOfReference', dueOn: '2026-12-30' },
      { kind: 'signOff', dueOn: '2027-02-11' },
    ]);
  });

  it('no plan for an outcome that starts no review', () => {
    expect(planFor('noReview', decided, due, { calendar })).toEqual([]);
    expect(planFor('onHold', decided, due, { calendar })).toEqual([]);
  });
});

describe('a hold and the plan', () => {
  it('coming off hold moves every step not yet done by the working days held, as the review is', () => {
    const record = caseRecord({
      clocks: { reviewDue: localDate('2027-03-25') },
      plan: {
        decision: 1,
        steps: [
          { kind: 'reviewer', dueOn: localDate('2027-01-04'), doneOn: localDate('2027-01-04') },
          { kind: 'termsOfReference', dueOn: localDate('2027-01-07') },
        ],
      },
      hold: { since: '2027-01-05T10:00:00.000Z', sinceOn: localDate('2027-01-05'), reason: 'Police asked to pause', by: 'sam' },
    });
    const { record: released, heldWorkingDays } = withoutHold(record, localDate('2027-01-12'), calendar);
    expect(heldWorkingDays).toBe(5);
    expect(released.plan?.steps).toEqual([
      { kind: 'reviewer', dueOn: '2027-01-04', doneOn: '2027-01-04' },
      { kind: 'termsOfReference', dueOn: '2027-01-14' },
    ]);
    // Good Friday and Easter Monday are not working days.
    expect(released.clocks.reviewDue).toBe('2027-04-05');
  });
});
