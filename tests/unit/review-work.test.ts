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
import { actionsCard } from '../../cards/action-cards.js';
import { planCard } from '../../cards/plan-cards.js';
import { reportsCard } from '../../cards/report-cards.js';
import { ACTION_LIMITS } from '../../review/action-plan-actions.js';
import { REPORT_LIMITS, type StoredReport } from '../../review/agency-reports.js';
import { MAX_INVITEES, MEETING_LIMITS } from '../../review/meeting-actions.js';
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

/** Teams advises keeping a bot message to 80 KB of UTF-16: 40,000 characters of card JSON (see cards.test.ts). */
describe("the review's cards stay within Teams' size", () => {
  const TEAMS_LIMIT = 40_000;
  const long = (n: number) => 'w'.repeat(n);
  const people = Array.from({ length: 60 }, (_, i) => ({ title: `Person ${i} (${long(40)})`, value: `${i}`.padStart(36, '0') }));
  const recommendations = Array.from({ length: 25 }, (_, i) => ({
    id: `rec-${i}`,
    text: long(ACTION_LIMITS.recommendationText),
    class: 'competing' as const,
    actions: [{ ...action, id: `${i}`.padStart(36, '0'), text: long(ACTION_LIMITS.actionText), measure: long(ACTION_LIMITS.measure) }],
  }));

  it('the plan card, with every section, sixty people, twelve meetings and twenty-five recommendations at their longest', () => {
    const record = { ...planned, recommendations };
    const meetings = Array.from({ length: 12 }, (_, i) => ({
      id: `${i}`.padStart(36, '0'),
      kind: 'firstMeeting' as const,
      on: localDate('2027-02-01'),
      time: '10:00',
      place: long(MEETING_LIMITS.meetingPlace),
      invitees: people.slice(0, MAX_INVITEES).map((p) => p.value),
      asked: long(MEETING_LIMITS.asked),
      by: 'sam',
      at,
    }));
    const card = planCard({
      record: anonymise(record),
      steps: record.plan!.steps,
      today,
      agencies: people.slice(0, 12),
      reports: { proposed: { reportAgencies: '', reportsDue: '' } },
      meetings,
      people,
      recommendations,
      leads: people,
      submissionId: action.id,
    });
    expect(JSON.stringify(card).length).toBeLessThan(TEAMS_LIMIT);
  });

  it('the actions card, with a hundred actions at their longest', () => {
    const listed = Array.from({ length: 100 }, (_, i) => ({
      reference: 'REF-2026-0007',
      descriptor: 'Young Person G',
      recommendation: recommendations[0]!,
      action: {
        ...recommendations[0]!.actions[0]!,
        id: `${i}`.padStart(36, '0'),
        status: 'done' as const,
        evidence: long(ACTION_LIMITS.evidence),
      },
      agencyName: long(60),
    }));
    const card = actionsCard({ title: 'Review actions', actions: listed, today, canUpdate: true, canSignOff: true });
    expect(JSON.stringify(card).length).toBeLessThan(TEAMS_LIMIT);
  });

  it("the agency reports card, one agency's report at its longest, and eight agencies", () => {
    const report = Object.fromEntries(Object.entries(REPORT_LIMITS).map(([f, n]) => [f, long(n)])) as unknown as StoredReport;
    const agencies = Array.from({ length: 8 }, (_, i) => ({ agencyId: `a${i}`, name: long(60), returnedAt: at }));
    const card = reportsCard({
      reference: 'REF-2026-0007',
      descriptor: 'Young Person G',
      dueOn: today,
      agencies,
      shown: { name: long(60), report },
    });
    expect(JSON.stringify(card).length).toBeLessThan(TEAMS_LIMIT);
  });
});
