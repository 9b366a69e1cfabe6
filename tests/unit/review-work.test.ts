import { describe, expect, it } from 'vitest';
import { actionsOf, withAction, withActionUpdate, withSignOff, type PlanAction } from '../../review/action-plan.js';
import { createWorkingCalendar } from '../../review/calendar.js';
import { anonymise } from '../../review/case.js';
import { reviewUnfinished } from '../../review/close-case.js';
import { effectsOf } from '../../review/effects.js';
import { localDate } from '../../review/local-date.js';
import { parsePartnership } from '../../review/partnership.js';
import { withNotPublished, withPublication } from '../../review/publication.js';
import { reviewThreadCard } from '../../cards/review-cards.js';
import { allStrings, caseRecord } from './fixtures.js';

const calendar = createWorkingCalendar('ENG');
// The default reminder plan: 3 and 1 working days before, and on the day.
const { reminders, timezone } = parsePartnership(
  'name: P\nnation: ENG\nagencies: [{ id: police, name: Police }]\npeople: []\npanel: { day: 25, cutoffDay: 15 }\n',
  'p.yaml',
);
const rules = { calendar, timezone, reminders };
const origin = { serviceUrl: 'https://smba.example/' };
const today = localDate('2027-01-20');
const at = '2027-01-20T10:00:00.000Z';
const planned = caseRecord({
  plan: {
    decision: 1,
    steps: [
      { kind: 'reviewer', dueOn: localDate('2027-01-04'), doneOn: localDate('2027-01-04') },
      { kind: 'signOff', dueOn: localDate('2027-03-25') },
    ],
  },
});
const action: PlanAction = {
  id: '0b8d3f4e-3c52-4f2a-9a1e-0e6f5e0c9a11',
  text: 'Train staff on the neglect thresholds.',
  agencyId: 'police',
  owner: '33333333-3333-4333-8333-333333333333',
  dueOn: localDate('2027-02-01'),
  measure: 'An audit shows thresholds applied.',
  status: 'notStarted',
};
const recommendation = { id: 'rec-1', text: 'Share concerns about neglect at the threshold.', class: 'local' as const };

describe("a review's action plan", () => {
  it('an action added owes its owner reminders before and on the day, and the escalation the working day after', () => {
    const { owed } = withAction(planned, { recommendation, action, at }, today, rules, origin);
    expect(owed.map((o) => `${o.kind} ${o.payload?.on}`)).toEqual([
      'actionReminder 2027-01-27',
      'actionReminder 2027-01-29',
      'actionReminder 2027-02-01',
      'actionOverdue 2027-02-02',
    ]);
  });

  it('the same action again is one action; done, its reminders stop; only a done action is signed off, once', () => {
    const first = withAction(planned, { recommendation, action, at }, today, rules, origin);
    const record = {
      ...first.record,
      effects: Object.fromEntries(first.owed.map((o) => [o.key, { ...o, status: 'pending' as const, attempts: 0 }])),
    };
    expect(withAction(record, { recommendation, action, at }, today, rules, origin).record).toBe(record);
    expect(withSignOff(record, action.id, 'lig', at)).toBe(record);
    const done = withActionUpdate(record, action.id, { status: 'done', evidence: 'Trained.', by: action.owner, at });
    expect(
      effectsOf(done)
        .filter((e) => e.payload?.action === action.id)
        .every((e) => e.status === 'skipped'),
    ).toBe(true);
    const signed = withSignOff(done, action.id, 'lig', at);
    expect(actionsOf(signed)[0]?.signedOff).toEqual({ by: 'lig', at });
    expect(withSignOff(signed, action.id, 'other', at)).toBe(signed);
  });
});

describe('closing a review', () => {
  it('says what is left: steps not done and actions not signed off; nothing for a case with no review', () => {
    const withOne = withAction(planned, { recommendation, action, at }, today, rules, origin).record;
    expect(reviewUnfinished(withOne)).toBe(
      '1 step of its plan not done, and 1 action not signed off by the Learning and Improvement Group',
    );
    expect(reviewUnfinished(caseRecord())).toBeUndefined();
  });
});

describe('a decision not to publish', () => {
  it('takes away the publication and its notice, and stops the notice reminders', () => {
    const published = withPublication(planned, { on: localDate('2027-02-26'), setBy: 'sam', setAt: at, checks: [] }, today, rules);
    const record = {
      ...published.record,
      effects: {
        ...published.record.effects,
        ...Object.fromEntries(published.owed.map((o) => [o.key, { ...o, status: 'pending' as const, attempts: 0 }])),
      },
    };
    const declined = withNotPublished(record, { reasons: 'The family asked.', told: ['nationalPanel', 'secretaryOfState'], by: 'sam', at });
    expect(declined.publication).toBeUndefined();
    expect(declined.clocks.publicationNoticeDue).toBeUndefined();
    expect(
      effectsOf(declined)
        .filter((e) => e.kind === 'dutyReminder')
        .every((e) => e.status === 'skipped'),
    ).toBe(true);
  });
});

describe("the review's card in the case's thread", () => {
  it('shows steps, actions and publication by dates and counts, never an action or recommendation in words', () => {
    const record = withAction(planned, { recommendation, action, at }, today, rules, origin).record;
    const shown = allStrings(reviewThreadCard(anonymise(record), localDate('2027-02-03'))).join('\n');
    expect(shown).toMatch(/Reviewer named, any conflict of interest declared/);
    expect(shown).toMatch(/1 action: 0 signed off, 1 overdue/);
    expect(shown).not.toContain(action.text);
    expect(shown).not.toContain(recommendation.text);
    expect(shown).not.toContain(action.measure);
  });
});
