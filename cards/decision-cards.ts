/**
 * The decision card in the panel's channel. Everyone in the channel sees the shared
 * card: the reference, descriptor, kind, dates, a summary of the returns (agencies and
 * their views, nothing personal), the outcomes open, and how many have voted. Each
 * voter sees their own view (Teams asks Panel for it through `refresh`, for at most 60
 * people): their vote, to change until the vote closes; the chair also sees "Close the
 * vote".
 */
import type { AnonymousCase } from '../review/case.js';
import { CRITERIA, CRITERION_NAMES, CRITERION_SHORT } from '../review/criteria.js';
import {
  NOTICE_NAMES,
  noticesFor,
  outcomeName,
  outcomesFor,
  reviewerFor,
  tally,
  type Ballot,
  type Choice,
  type DecisionRecord,
  type Outcome,
} from '../review/decision.js';
import { RATIONALE_MAX, type CloseErrors, type CloseForm } from '../review/close-vote.js';
import type { LocalDate } from '../review/local-date.js';
import type { ReviewProgress } from '../review/rapid-review.js';
import { documentCard, type DocumentAction } from './case-cards.js';
import { formCard, problemsBanner, type FormAction, type SectionSpec } from './form.js';
import { anonymousFacts, date, type Fact } from './labels.js';
import { CRITERIA_NAMES } from './return-cards.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

/** What every view of a case's decision card is made from: nothing personal. */
export interface DecisionCardView {
  record: AnonymousCase;
  ballot: Ballot;
  /** The decision this ballot closed with, once it has (or, awaiting approval, its recommendation). */
  decision?: DecisionRecord;
  /** The ballot's decision is a recommendation, waiting for the approver of the case's kind. */
  awaitingApproval?: boolean;
  /** A fast-track vote: the subgroup's name, whose members vote instead of the panel. */
  subgroup?: string;
  /** The case's kind has a panel of its own: its name. */
  panelName?: string;
  agencyNames: ReadonlyMap<string, string>;
  /** How many may vote, and how many votes close it. */
  voters: number;
  quorum: number;
  hiddenVotes: boolean;
}

/** Who is looking, for their own view. */
export interface Viewer {
  mayVote: boolean;
  mayClose: boolean;
  /** Their vote on this ballot. */
  choice?: Choice;
  /** A problem with what they sent, beside the field. */
  error?: string;
  /** Said at the top: a refusal, or that a vote was recorded. */
  banner?: { text: string; style: 'attention' | 'good' };
}

const CLOSED_AS = {
  independentChair: 'the independent chair',
  panelChair: "the panel's chair",
  businessUnit: 'the business unit',
} as const;
const CONFLICT = 'I have a conflict of interest: I abstain';

const choiceName = (view: DecisionCardView, choice: Choice) =>
  choice === 'conflict' ? 'Conflict of interest declared: abstained' : outcomeName(view.record.kind, choice);

/** Each agency asked, and its return: involved or not, and its view on the criteria. */
export function returnsSummary(review: ReviewProgress | undefined, agencyNames: ReadonlyMap<string, string>): Fact[] {
  if (!review) return [{ title: 'Rapid review', value: 'None: listed by the business unit' }];
  return review.requests.map((r) => {
    const c = r.current;
    const supports = c?.criteria?.length ? `; supports: ${c.criteria.map((k) => CRITERION_SHORT[k]).join(', ')}` : '';
    const value = !c
      ? 'No return'
      : c.involved
        ? `Involved${c.criteriaView ? `; ${CRITERIA_NAMES[c.criteriaView].toLowerCase()}` : ''}${supports}`
        : 'Nil return: not involved';
    return { title: `${agencyNames.get(r.agencyId) ?? r.agencyId} return`, value };
  });
}

/** "Partnership review: 3 · No review: 1" */
function counts(view: DecisionCardView, votes: Ballot['votes']): string {
  const t = tally(votes);
  const parts = outcomesFor(view.record.kind)
    .filter((o) => t.counts[o])
    .sort((x, y) => (t.counts[y] ?? 0) - (t.counts[x] ?? 0))
    .map((o) => `${outcomeName(view.record.kind, o)}: ${t.counts[o]}`);
  return parts.length ? parts.join(' · ') : 'none yet';
}

function statusLine(view: DecisionCardView): string {
  const line = statusOf(view);
  if (view.subgroup) return `Fast track: the ${view.subgroup} decides, and the next panel notes it. ${line}`;
  return view.panelName ? `The ${view.panelName} decides. ${line}` : line;
}

function statusOf(view: DecisionCardView): string {
  if (view.decision && view.awaitingApproval) {
    return `Recommended: ${outcomeName(view.record.kind, view.decision.outcome)}. Awaiting approval: the referrer is told once it is approved.`;
  }
  if (view.decision) return `Decided: ${outcomeName(view.record.kind, view.decision.outcome)}.`;
  const voted = view.ballot.votes.length;
  const hidden = view.hiddenVotes ? ' Votes stay hidden until the vote closes.' : '';
  return `Voting is open: ${voted} of ${view.voters} have voted.${hidden} ${view.quorum} votes are needed to close it.`;
}

function resultFacts(view: DecisionCardView): Fact[] {
  const d = view.decision;
  if (!d) return view.hiddenVotes ? [] : [{ title: 'Votes so far', value: counts(view, view.ballot.votes) }];
  const t = tally(d.votes);
  return [
    { title: view.awaitingApproval ? 'Recommendation' : 'Decision', value: outcomeName(d.kind, d.outcome) },
    { title: 'Votes', value: counts(view, d.votes) },
    ...(t.conflicts ? [{ title: 'Conflicts of interest', value: `${t.conflicts} abstained` }] : []),
    ...(d.casting ? [{ title: 'Casting decision', value: 'By the independent chair: there was no majority' }] : []),
    ...(d.criteria?.length ? [{ title: 'Criteria found met', value: d.criteria.map((c) => CRITERION_SHORT[c]).join(', ') }] : []),
    ...(d.reviewer ? [{ title: 'Reviewer', value: d.reviewer === 'independent' ? 'Independent' : 'Local' }] : []),
    ...(d.notices.length ? [{ title: 'To notify', value: d.notices.map((n) => NOTICE_NAMES[n]).join(', ') }] : []),
    ...(d.outcome === 'onHold' ? [{ title: 'On hold', value: d.holdUntil ? `until ${date(d.holdUntil)}` : 'until further notice' }] : []),
    ...(d.reviewDue ? [{ title: 'Review due', value: date(d.reviewDue) }] : []),
    ...(d.meeting
      ? [
          { title: 'Reflective review meeting', value: date(d.meeting.on) },
          { title: "Agencies' reports due", value: date(d.meeting.reportsDue) },
        ]
      : []),
    { title: 'Closed', value: `${date(d.closedAt.slice(0, 10) as LocalDate)}, by ${CLOSED_AS[d.closedAs]}` },
    ...(view.awaitingApproval ? [{ title: 'Approval', value: 'Awaiting the approver' }] : []),
    ...(d.approvedAt ? [{ title: 'Approved', value: date(d.approvedAt.slice(0, 10) as LocalDate) }] : []),
    ...(d.supersedes ? [{ title: 'Supersedes', value: `Decision ${d.supersedes}` }] : []),
  ];
}

const heading = (view: DecisionCardView) => `Panel decision: ${view.record.reference} (${view.record.descriptor})`;

/**
 * Teams asks Panel for each listed person's own view when they see the card. Only the
 * card Panel posts or updates in the channel carries it: a card given back to one person
 * must not, because teams-ai then replaces the message for everyone with it.
 */
function withRefresh(card: AdaptiveCardJson, view: DecisionCardView, userIds: readonly string[]): AdaptiveCardJson {
  return {
    ...card,
    refresh: {
      action: { type: 'Action.Execute', title: 'Refresh', verb: VERBS.showDecision, data: { reference: view.record.reference } },
      userIds: userIds.slice(0, 60),
    },
  };
}

/** The collation; or, for a case listed before any return was collated, the referral's own account. */
const collationAction = (view: DecisionCardView): DocumentAction[] =>
  view.record.rapidReview?.closed
    ? [{ title: 'View full collation', verb: VERBS.viewCollation, data: { reference: view.record.reference, from: 'panel' } }]
    : [
        {
          title: 'Read the referral',
          verb: VERBS.viewCollation,
          data: { reference: view.record.reference, agencyId: 'referral', from: 'panel' },
        },
      ];

/**
 * The card everyone in the panel's channel sees, as Panel posts and updates it. Teams
 * asks Panel for the own view of each of `refreshFor` (Teams user ids, "29:…"): the
 * voters, and those who may close.
 */
export const channelDecisionCard = (view: DecisionCardView, refreshFor: readonly string[]): AdaptiveCardJson =>
  withRefresh(decisionCard(view), view, refreshFor);

/** The card everyone sees, without the refresh: for someone who may not vote or close, with what to tell them. */
export function decisionCard(view: DecisionCardView, note = ''): AdaptiveCardJson {
  const outcomes = outcomesFor(view.record.kind)
    .map((o) => `• ${outcomeName(view.record.kind, o)}`)
    .join('\n');
  return documentCard({
    heading: heading(view),
    notice: note ? `${note} ${statusLine(view)}` : statusLine(view),
    immediateSafety: view.record.immediateSafety,
    facts: anonymousFacts(view.record),
    groups: [
      { title: 'Rapid review returns', facts: returnsSummary(view.record.rapidReview, view.agencyNames), text: '' },
      ...(view.decision ? [] : [{ title: 'Outcomes open to the panel', facts: [], text: outcomes }]),
      { title: view.decision ? 'Result' : 'The vote', facts: resultFacts(view), text: '' },
    ],
    // Teams shows each voter their own view by itself; the button is for a client that does not.
    actions: [
      ...(view.decision ? [] : [{ title: 'Open my vote', verb: VERBS.showDecision, data: { reference: view.record.reference } }]),
      ...collationAction(view),
    ],
  });
}

/**
 * A voter's own view while the vote is open: their vote, to cast or change; for the
 * chair, the button that closes it. After the close: the result, their vote and the
 * rationale.
 */
export function voterCard(view: DecisionCardView, viewer: Viewer): AdaptiveCardJson {
  const reference = view.record.reference;
  const ballot = String(view.ballot.number);
  const yours: Fact[] = viewer.choice ? [{ title: 'Your vote', value: choiceName(view, viewer.choice) }] : [];
  if (view.decision) {
    const mayReconsider = viewer.mayClose && view.record.stage !== 'closed' && view.record.decision?.number === view.decision.number;
    return documentCard({
      heading: heading(view),
      notice: `${viewer.banner ? `${viewer.banner.text} ` : ''}${statusLine(view)} Shown to you only: the rationale goes to the referrer.`,
      facts: [...anonymousFacts(view.record), ...yours],
      groups: [
        { title: 'Result', facts: resultFacts(view), text: '' },
        { title: 'Rationale', facts: [], text: view.decision.rationale },
      ],
      actions: [
        ...collationAction(view),
        ...(mayReconsider ? [{ title: 'Reconsider: open a new vote', verb: VERBS.reopenVote, data: { reference } }] : []),
      ],
    });
  }
  const actions: FormAction[] = [];
  if (viewer.mayVote) {
    actions.push({
      title: viewer.choice ? 'Change my vote' : 'Vote',
      verb: VERBS.castVote,
      data: { reference, ballot },
      style: 'positive',
    });
  }
  if (viewer.mayClose) actions.push({ title: 'Close the vote', verb: VERBS.closeVoteForm, data: { reference, ballot }, inputs: 'none' });
  actions.push(...collationAction(view).map((a) => ({ ...a, inputs: 'none' as const })));
  const choices = [
    ...outcomesFor(view.record.kind).map((o) => ({ title: outcomeName(view.record.kind, o), value: o })),
    { title: CONFLICT, value: 'conflict' },
  ];
  return formCard<'choice'>({
    heading: heading(view),
    subtitle: statusLine(view),
    facts: [...anonymousFacts(view.record), ...returnsSummary(view.record.rapidReview, view.agencyNames), ...resultFacts(view), ...yours],
    sections: viewer.mayVote
      ? [
          {
            key: 'vote',
            title: 'Your vote',
            intro: viewer.choice
              ? 'You can change your vote until the chair closes it.'
              : 'Choose the outcome you support. If you have a conflict of interest, declare it and abstain.',
            fields: [{ id: 'choice', label: 'Outcome', type: 'choice', choiceStyle: 'expanded', required: true, choices }],
          },
        ]
      : [],
    values: viewer.choice ? { choice: viewer.choice } : {},
    errors: viewer.error ? { choice: viewer.error } : {},
    limits: {},
    ...(viewer.banner && { banner: viewer.banner }),
    actions,
  });
}

/**
 * The chair's form to close the vote: the result so far; the casting decision where
 * there is no majority; the rationale; the reviewer and notifications the outcome needs;
 * for on hold, the date it ends. Shown to the chair only, with what they typed kept.
 */
export function closeVoteCard(view: DecisionCardView, form: CloseForm, errors: CloseErrors = {}): AdaptiveCardJson {
  const kind = view.record.kind;
  const reference = view.record.reference;
  const t = tally(view.ballot.votes);
  const options = outcomesFor(kind);
  const majority = t.majority;
  const open = (o: Outcome) => majority === o || (!majority && options.includes(o));
  const needsReviewer = options.some((o) => open(o) && reviewerFor(o) === 'choose');
  const notices = noticesFor(kind);
  const castingChoices = (t.leaders.length > 1 ? t.leaders : options).map((o) => ({ title: outcomeName(kind, o), value: o }));
  const sections: SectionSpec<keyof CloseForm>[] = [
    majority
      ? { key: 'outcome', title: 'The decision', intro: `The majority chose: ${outcomeName(kind, majority)}.`, fields: [] }
      : {
          key: 'outcome',
          title: 'Your casting decision',
          intro:
            t.leaders.length > 1
              ? 'The vote is tied: choose between the outcomes with most votes.'
              : 'No outcome has a majority: choose the outcome.',
          fields: [
            { id: 'outcome', label: 'Casting decision', type: 'choice', choiceStyle: 'expanded', required: true, choices: castingChoices },
          ],
        },
    {
      key: 'criteria',
      title: 'The criteria for a review',
      intro: 'Which the panel found the case highlights, or may (not all need be met). Each return says which it supports.',
      fields: [
        {
          id: 'criteria',
          label: 'Criteria found met',
          type: 'multichoice',
          choices: CRITERIA.map((c) => ({ title: CRITERION_NAMES[c], value: c })),
        },
      ],
    },
    {
      key: 'rationale',
      title: 'Rationale',
      intro: 'Recorded with the decision and sent to the referrer. Do not name the person or family.',
      fields: [{ id: 'rationale', label: 'Reasons for the decision', type: 'multiline', required: true }],
    },
    ...(needsReviewer
      ? [
          {
            key: 'reviewer',
            title: 'Reviewer',
            intro: majority ? '' : 'For a partnership or single agency review.',
            fields: [
              {
                id: 'reviewer' as const,
                label: 'Who reviews',
                type: 'choice' as const,
                choiceStyle: 'expanded' as const,
                choices: [
                  { title: 'A local reviewer', value: 'local' },
                  { title: 'An independent reviewer', value: 'independent' },
                ],
              },
            ],
          },
        ]
      : []),
    ...(notices.length
      ? [
          {
            key: 'notices',
            title: 'Notifications due',
            intro: 'Who the business unit must tell of this decision.',
            fields: [
              {
                id: 'notices' as const,
                label: 'Notify',
                type: 'multichoice' as const,
                choices: notices.map((n) => ({ title: NOTICE_NAMES[n], value: n })),
              },
            ],
          },
        ]
      : []),
    ...(open('reflective')
      ? [
          {
            key: 'meeting',
            title: 'The reflective review meeting',
            intro: majority
              ? "Its date, and the chair nominated to lead it: the agencies' reports fall due before it."
              : 'If your decision is a reflective review: its date, and the chair nominated to lead it.',
            fields: [
              { id: 'meetingOn' as const, label: 'Meeting date', type: 'date' as const },
              { id: 'meetingChair' as const, label: 'Chair of the reflective review', type: 'text' as const },
            ],
          },
        ]
      : []),
    ...(open('onHold')
      ? [
          {
            key: 'holdUntil',
            title: 'On hold until',
            intro: majority
              ? 'Leave it empty to hold until further notice.'
              : 'If your decision is on hold: leave it empty to hold until further notice.',
            fields: [{ id: 'holdUntil' as const, label: 'Review date', type: 'date' as const }],
          },
        ]
      : []),
  ];
  const banner = problemsBanner(errors, 'Nothing is recorded yet');
  return formCard({
    heading: `Close the vote: ${reference}`,
    subtitle: `${t.cast} votes cast${t.conflicts ? `, ${t.conflicts} conflicts of interest declared` : ''}. Shown to you only.`,
    facts: [{ title: 'Votes', value: counts(view, view.ballot.votes) }],
    sections,
    values: form,
    errors,
    limits: { rationale: RATIONALE_MAX, meetingChair: 100 },
    ...(banner && { banner }),
    actions: [
      { title: 'Record the decision', verb: VERBS.closeVote, data: { reference, ballot: String(view.ballot.number) }, style: 'positive' },
      { title: 'Back', verb: VERBS.showDecision, data: { reference }, inputs: 'none' },
    ],
  });
}

/** The approver's card, one to one: the panel's recommendation, its rationale, and their answer. */
export function approvalCard(
  view: DecisionCardView & { decision: DecisionRecord },
  answer: { reason?: string; error?: string } = {},
): AdaptiveCardJson {
  const reference = view.record.reference;
  const data = { reference, ballot: String(view.decision.number) };
  return formCard<'reason'>({
    heading: `For your approval: ${reference} (${view.record.descriptor})`,
    subtitle: 'The panel has voted. Its decision stands once you approve it: only then is the referrer told and its clocks start.',
    facts: [...anonymousFacts(view.record), ...returnsSummary(view.record.rapidReview, view.agencyNames), ...resultFacts(view)],
    sections: [
      { key: 'rationale', title: 'Rationale', intro: view.decision.rationale, fields: [] },
      {
        key: 'answer',
        title: 'Your answer',
        intro: 'To send it back, say why: the chair is told, and the panel votes again.',
        fields: [{ id: 'reason', label: 'Reason (needed to send it back)', type: 'multiline' }],
      },
    ],
    values: { reason: answer.reason ?? '' },
    errors: answer.error ? { reason: answer.error } : {},
    limits: { reason: RATIONALE_MAX },
    ...(answer.error && { banner: { text: 'Nothing is recorded yet: 1 answer needs attention.', style: 'attention' as const } }),
    actions: [
      { title: 'Approve', verb: VERBS.approveDecision, data, style: 'positive' },
      { title: 'Send back', verb: VERBS.sendBackDecision, data },
    ],
  });
}

/** The approver's card once answered: what they decided, and nothing more to do. */
export function answeredCard(view: DecisionCardView, said: string): AdaptiveCardJson {
  return documentCard({
    heading: `Panel decision: ${view.record.reference} (${view.record.descriptor})`,
    notice: `${said} ${statusLine(view)}`,
    facts: anonymousFacts(view.record),
    groups: view.decision ? [{ title: 'Result', facts: resultFacts(view), text: '' }] : [],
    actions: [],
  });
}
