import { describe, expect, it } from 'vitest';
import { channelDecisionCard, closeVoteCard, decisionCard, voterCard, type DecisionCardView } from '../../cards/decision-cards.js';
import { feedbackCard } from '../../cards/feedback-cards.js';
import { VERBS } from '../../cards/verbs.js';
import { createWorkingCalendar } from '../../review/calendar.js';
import { anonymise, type CaseRecord } from '../../review/case.js';
import {
  awaitsPanel,
  CLOSE_FORM_HOLD_MINUTES,
  closeFormOpen,
  noticesFor,
  outcomeName,
  outcomesFor,
  reviewDueOn,
  tally,
  withBallot,
  withClosing,
  withDecision,
  withVote,
  type DecisionRecord,
  type Outcome,
  type Vote,
} from '../../review/decision.js';
import { localDate } from '../../review/local-date.js';
import { REVIEW_KINDS } from '../../review/referral-model.js';
import { allStrings, caseRecord, CHILD_PERSONAL_VALUES, DEFAULT_CLOCKS, executeActions, TODAY } from './fixtures.js';

const calendar = createWorkingCalendar('ENG');
const AT = '2026-12-29T11:00:00.000Z';
const vote = (voter: string, choice: Vote['choice']): Vote => ({ voter, choice, at: AT });

function decision(record: CaseRecord, outcome: Outcome, extra: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    reference: record.reference,
    number: record.panel?.ballot?.number ?? 1,
    kind: record.kind,
    options: outcomesFor(record.kind),
    votes: record.panel?.ballot?.votes ?? [],
    quorum: 2,
    outcome,
    casting: false,
    rationale: 'Reasons, which may name people: Charlie Brook.',
    notices: [],
    closedBy: 'jo',
    closedAs: 'independentChair',
    closedAt: AT,
    ...extra,
  };
}

const collated = (): CaseRecord => caseRecord({ stage: 'collated' });
const opened = (): CaseRecord => withBallot(collated(), AT, localDate('2026-12-29'));

describe('the outcomes open to each kind, in its wording', () => {
  it('an LCSPR may end in no review, learning, a review of four kinds, on hold or another process; no DHR', () => {
    expect(outcomesFor('lcspr')).toEqual([
      'noReview',
      'actionLearning',
      'singleAgency',
      'partnership',
      'independent',
      'onHold',
      'otherProcess',
    ]);
    expect(outcomeName('lcspr', 'independent')).toMatch(/LCSPR\) with an independent reviewer/);
    expect(outcomeName('sar', 'independent')).toMatch(/Safeguarding adults review \(SAR\)/);
    expect(outcomeName('dhr', 'noReview')).toMatch(/the Home Office is told/);
  });

  it('a DHR is a DHR or not; every kind can be held or referred on', () => {
    expect(outcomesFor('dhr')).toEqual(['noReview', 'dhr', 'onHold', 'otherProcess']);
    for (const kind of REVIEW_KINDS) expect(outcomesFor(kind)).toEqual(expect.arrayContaining(['noReview', 'onHold', 'otherProcess']));
  });

  it('who is told: the National Panel and Ofsted of an LCSPR, the Home Office of a DHR', () => {
    expect(noticesFor('lcspr')).toEqual(['nationalPanel', 'ofsted']);
    expect(noticesFor('dhr')).toEqual(['homeOffice']);
    // Cheshire East: a reflective review may also recommend Ofsted or National Panel notification.
    expect(noticesFor('reflective')).toEqual(['nationalPanel', 'ofsted']);
    expect(noticesFor('sar')).toEqual([]);
  });

  it('a review is due 1, 3 or 6 months from the decision, on the working day before if that is a holiday', () => {
    expect(reviewDueOn('actionLearning', localDate('2026-11-25'), DEFAULT_CLOCKS, calendar)).toBe('2026-12-24');
    // 25 Dec + 3 months is Thursday 25 March; 25 Nov + 1 month is Christmas Day: the 24th.
    expect(reviewDueOn('partnership', localDate('2026-12-25'), DEFAULT_CLOCKS, calendar)).toBe('2027-03-25');
    expect(reviewDueOn('independent', localDate('2026-12-01'), DEFAULT_CLOCKS, calendar)).toBe('2027-06-01');
    expect(reviewDueOn('noReview', localDate('2026-12-01'), DEFAULT_CLOCKS, calendar)).toBeUndefined();
  });
});

describe('the tally', () => {
  it('a majority is more than half of the votes cast; conflicts of interest are not votes', () => {
    const t = tally([vote('a', 'partnership'), vote('b', 'partnership'), vote('c', 'noReview'), vote('d', 'conflict')]);
    expect(t).toEqual({
      counts: { partnership: 2, noReview: 1 },
      cast: 3,
      conflicts: 1,
      leaders: ['partnership'],
      majority: 'partnership',
    });
  });

  it('a tie, or a plurality short of half, has no majority', () => {
    expect(tally([vote('a', 'partnership'), vote('b', 'noReview')]).majority).toBeUndefined();
    expect(tally([vote('a', 'partnership'), vote('b', 'noReview')]).leaders).toEqual(['noReview', 'partnership']);
    const plurality = tally([vote('a', 'partnership'), vote('b', 'partnership'), vote('c', 'noReview'), vote('d', 'onHold')]);
    expect(plurality).toMatchObject({ leaders: ['partnership'], cast: 4 });
    expect(plurality.majority).toBeUndefined();
    expect(tally([])).toEqual({ counts: {}, cast: 0, conflicts: 0, leaders: [] });
  });
});

describe('ballots and decisions on a case', () => {
  it('a case awaits the panel once collated or listed, until decided other than on hold', () => {
    expect(awaitsPanel(caseRecord())).toBe(false);
    expect(awaitsPanel(collated())).toBe(true);
    expect(awaitsPanel(caseRecord({ panel: { decisions: [], listedBy: 'sam' } }))).toBe(true);
    const decided = withDecision(opened(), decision(opened(), 'partnership'), TODAY, calendar);
    expect(awaitsPanel(decided)).toBe(false);
    expect(awaitsPanel(withDecision(opened(), decision(opened(), 'onHold'), TODAY, calendar))).toBe(true);
  });

  it('a vote replaces only its voter’s own; a closed or other ballot takes none', () => {
    let r = withVote(opened(), 1, vote('a', 'noReview'));
    r = withVote(r, 1, vote('b', 'partnership'));
    r = withVote(r, 1, vote('a', 'partnership'));
    expect(r.panel?.ballot?.votes.map((v) => [v.voter, v.choice])).toEqual([
      ['b', 'partnership'],
      ['a', 'partnership'],
    ]);
    expect(withVote(r, 2, vote('c', 'noReview'))).toBe(r);
    const closed = withDecision(r, decision(r, 'partnership'), TODAY, calendar);
    expect(withVote(closed, 1, vote('c', 'noReview'))).toBe(closed);
  });

  it('an open ballot stays open; the next ballot after a decision is numbered on', () => {
    const r = opened();
    expect(withBallot(r, AT, undefined)).toBe(r);
    const decided = withDecision(r, decision(r, 'onHold'), TODAY, calendar);
    expect(withBallot(decided, AT, undefined).panel?.ballot).toMatchObject({ number: 2, votes: [] });
  });

  it('a decision is appended, never changed; a second close of the same ballot changes nothing', () => {
    const r = opened();
    const first = withDecision(r, decision(r, 'partnership', { reviewDue: localDate('2027-03-29') }), TODAY, calendar);
    expect(first).toMatchObject({ stage: 'decided', clocks: { reviewDue: '2027-03-29' } });
    expect(first.panel?.decisions).toHaveLength(1);
    expect(withDecision(first, decision(first, 'noReview'), TODAY, calendar)).toBe(first);
  });

  it("a closer's open form holds the shared card still for a while, and not past the close", () => {
    const at = Date.parse(AT);
    const closing = withClosing(opened(), 1, { by: 'jo', since: AT });
    expect(closing.panel?.ballot?.closing).toEqual({ by: 'jo', since: AT });
    expect(closeFormOpen(opened(), new Date(at))).toBe(false);
    expect(closeFormOpen(closing, new Date(at + (CLOSE_FORM_HOLD_MINUTES - 1) * 60_000))).toBe(true);
    expect(closeFormOpen(closing, new Date(at + CLOSE_FORM_HOLD_MINUTES * 60_000))).toBe(false);
    expect(closeFormOpen(withClosing(closing, 1, undefined), new Date(at))).toBe(false);
    expect(withClosing(closing, 2, undefined)).toBe(closing);
    const decided = withDecision(closing, decision(closing, 'partnership'), TODAY, calendar);
    expect(closeFormOpen(decided, new Date(at))).toBe(false);
  });

  it('on hold holds the case until the date set; the next decision ends the hold', () => {
    const r = opened();
    const held = withDecision(r, decision(r, 'onHold', { holdUntil: localDate('2027-02-01') }), TODAY, calendar);
    expect(held.hold).toMatchObject({ until: '2027-02-01', by: 'jo', sinceOn: TODAY });
    const again = withBallot(held, AT, undefined);
    const decided = withDecision(again, decision(again, 'noReview', { supersedes: 1 }), localDate('2027-01-26'), calendar);
    expect(decided.hold).toBeUndefined();
    expect(decided.panel?.decisions.map((d) => d.outcome)).toEqual(['onHold', 'noReview']);
  });
});

describe('the decision cards', () => {
  const view = (record: CaseRecord): DecisionCardView => ({
    record: anonymise(record),
    ballot: record.panel!.ballot!,
    ...(record.panel?.decisions.at(-1) && { decision: record.panel.decisions.at(-1)! }),
    agencyNames: new Map([['police', 'Police']]),
    voters: 9,
    quorum: 2,
    hiddenVotes: true,
  });
  const VOTERS = ['29:a', '29:b'];
  const voting = withVote(withVote(opened(), 1, vote('a', 'partnership')), 1, vote('b', 'noReview'));
  const decided = withDecision(voting, decision(voting, 'partnership'), TODAY, calendar);

  it('the shared card says how many have voted, never how; it refreshes for the voters only', () => {
    const card = channelDecisionCard(view(voting), VOTERS);
    const text = allStrings(card).join('\n');
    expect(text).toMatch(/2 of 9 have voted/);
    expect(text).not.toMatch(/Partnership review: 1/);
    expect(card.refresh).toMatchObject({ userIds: VOTERS });
    expect(decisionCard(view(voting)).refresh).toBeUndefined();
  });

  it('with votes not hidden, the counts show while the vote is open', () => {
    expect(allStrings(decisionCard({ ...view(voting), hiddenVotes: false })).join('\n')).toMatch(/Votes so far: |Partnership review: 1/);
  });

  it.each([
    ['the shared card, open', () => channelDecisionCard(view(voting), VOTERS)],
    ['the shared card, decided', () => channelDecisionCard(view(decided), VOTERS)],
    ['a voter’s view', () => voterCard(view(voting), { mayVote: true, mayClose: false, choice: 'partnership' })],
    [
      'the close form',
      () =>
        closeVoteCard(view(voting), {
          outcome: '',
          criteria: '',
          rationale: '',
          reviewer: '',
          notices: '',
          holdUntil: '',
          meetingOn: '',
          meetingChair: '',
        }),
    ],
  ])('%s shows nothing personal', (_name, card) => {
    const strings = allStrings(card()).join('\n');
    for (const value of CHILD_PERSONAL_VALUES) expect(strings).not.toContain(value);
    for (const action of executeActions(card())) expect(Object.values(VERBS)).toContain(action.verb);
  });

  it('the rationale is shown to a voter after the close, and to the referrer only for no review', () => {
    expect(allStrings(voterCard(view(decided), { mayVote: true, mayClose: true })).join('\n')).toContain('Charlie Brook');
    expect(allStrings(channelDecisionCard(view(decided), VOTERS)).join('\n')).not.toContain('Charlie Brook');
    expect(allStrings(feedbackCard(anonymise(decided), decided.panel!.decisions[0]!)).join('\n')).not.toContain('Reasons');
    const none = withDecision(voting, decision(voting, 'noReview'), TODAY, calendar);
    expect(allStrings(feedbackCard(anonymise(none), none.panel!.decisions[0]!)).join('\n')).toContain('Reasons');
  });
});
