/**
 * The panel's decision (DOMAIN.md, "Decision"): the outcomes open to a case of each
 * kind, the vote, its tally, and what a decision does to the case. Pure functions of a
 * case record, so `updateCase` may run them again after a conflicting write.
 */
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import { withHold, withoutHold } from './hold.js';
import { addMonths, type LocalDate } from './local-date.js';
import type { Criterion } from './criteria.js';
import type { ClockSettings } from './partnership.js';
import type { ReviewKind } from './referral-model.js';

export const OUTCOMES = [
  'noReview',
  'actionLearning',
  'singleAgency',
  'partnership',
  'independent',
  'dhr',
  'reflective',
  'onHold',
  'otherProcess',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The outcomes open to each kind of case, in the order the card lists them. */
const OUTCOMES_BY_KIND: Record<ReviewKind, readonly Outcome[]> = {
  lcspr: ['noReview', 'actionLearning', 'singleAgency', 'partnership', 'independent', 'onHold', 'otherProcess'],
  sar: ['noReview', 'actionLearning', 'singleAgency', 'partnership', 'independent', 'onHold', 'otherProcess'],
  dhr: ['noReview', 'dhr', 'onHold', 'otherProcess'],
  reflective: ['noReview', 'reflective', 'actionLearning', 'singleAgency', 'onHold', 'otherProcess'],
  notSure: OUTCOMES,
};

export const outcomesFor = (kind: ReviewKind): readonly Outcome[] => OUTCOMES_BY_KIND[kind];

const NO_REVIEW: Record<ReviewKind, string> = {
  lcspr: 'No LCSPR: the criteria are not met',
  sar: 'No SAR: the criteria are not met',
  dhr: 'No DHR: the criteria are not met (the Home Office is told)',
  reflective: 'No reflective review',
  notSure: 'No review',
};
const INDEPENDENT: Record<ReviewKind, string> = {
  lcspr: 'Local child safeguarding practice review (LCSPR) with an independent reviewer',
  sar: 'Safeguarding adults review (SAR) with an independent reviewer',
  dhr: 'Independent review',
  reflective: 'Independent review',
  notSure: 'Independent review (LCSPR or SAR) with an independent reviewer',
};

/** An outcome in the wording of the case's kind. */
export function outcomeName(kind: ReviewKind, outcome: Outcome): string {
  switch (outcome) {
    case 'noReview':
      return NO_REVIEW[kind];
    case 'independent':
      return INDEPENDENT[kind];
    case 'actionLearning':
      return 'Action learning from the rapid review';
    case 'singleAgency':
      return 'Single agency review';
    case 'partnership':
      return kind === 'sar' ? 'Partnership SAR' : 'Partnership review';
    case 'dhr':
      return 'Domestic Homicide Review (the Home Office is notified)';
    case 'reflective':
      return 'Multi-agency reflective review (one meeting)';
    case 'onHold':
      return 'On hold: listed again at every panel until decided';
    case 'otherProcess':
      return 'Refer to another process';
  }
}

/** The months a review has from its decision (DOMAIN.md, "Clocks"); none for the rest. */
export function reviewMonths(outcome: Outcome, clocks: ClockSettings): number | undefined {
  const months: Partial<Record<Outcome, number>> = {
    actionLearning: clocks.actionLearningMonths,
    singleAgency: clocks.singleAgencyReviewMonths,
    partnership: clocks.partnershipReviewMonths,
    independent: clocks.independentReviewMonths,
    dhr: clocks.dhrReportMonths,
  };
  return months[outcome];
}

export const REVIEWERS = ['local', 'independent'] as const;
export type Reviewer = (typeof REVIEWERS)[number];

/** Which reviewer an outcome needs: the panel chooses, it must be independent, or none. */
export function reviewerFor(outcome: Outcome): 'choose' | 'independent' | undefined {
  if (outcome === 'partnership' || outcome === 'singleAgency') return 'choose';
  if (outcome === 'independent' || outcome === 'dhr') return 'independent';
  return undefined;
}

export const NOTICES = ['nationalPanel', 'ofsted', 'homeOffice'] as const;
export type Notice = (typeof NOTICES)[number];
export const NOTICE_NAMES: Record<Notice, string> = {
  nationalPanel: 'Child Safeguarding Practice Review Panel (National Panel)',
  ofsted: 'Ofsted',
  homeOffice: 'Home Office',
};

/** Who may need telling of a decision on a case of this kind (DOMAIN.md, "Decision"). */
export function noticesFor(kind: ReviewKind): readonly Notice[] {
  // Cheshire East: the group "will also advise if notification to Ofsted or the National Panel … is recommended".
  if (kind === 'lcspr' || kind === 'reflective') return ['nationalPanel', 'ofsted'];
  if (kind === 'dhr') return ['homeOffice'];
  if (kind === 'notSure') return NOTICES;
  return [];
}

/** A voter's choice: an outcome, or to abstain, having declared a conflict of interest. */
export type Choice = Outcome | 'conflict';

export interface Vote {
  voter: string;
  choice: Choice;
  at: string;
}

/** Where the decision card is in the panel's channel, to update it in place. */
export interface CardAddress {
  serviceUrl: string;
  conversationId: string;
  activityId: string;
}

/** One vote on a case: opened when the case goes before the panel; closed by the chair. */
export interface Ballot {
  number: number;
  openedAt: string;
  /** The panel it was opened for, if the schedule has one. */
  panelDate?: LocalDate;
  votes: Vote[];
  card?: CardAddress;
  /** A closer has the form to close the vote open: who (Entra id), since when. */
  closing?: { by: string; since: string };
  closedAt?: string;
  /** The partnership's fast-track subgroup votes on it, not the whole panel. */
  fastTrack?: true;
}

/**
 * The panel's part of a case: the current or last vote, and every decision, oldest
 * first. A decision is never changed: a later one supersedes it.
 */
export interface PanelRecord {
  ballot?: Ballot;
  decisions: DecisionRecord[];
  /** The closed vote's decision, waiting for the approver the partnership names for the case's kind. */
  recommendation?: DecisionRecord;
  /** Recommendations the approver sent back, each with why; the vote reopened after each. */
  sentBack?: SentBack[];
  /** Fast-track decisions the panel has noted: on the agenda of that panel. */
  noted?: { decision: number; at: string; panelDate?: LocalDate }[];
  /** Listed for a panel by the business unit before its returns were collated. */
  listedBy?: string;
}

/** The decision as recorded: the options, every vote and its voter, the rationale, who closed. */
export interface DecisionRecord {
  reference: string;
  number: number;
  kind: ReviewKind;
  options: readonly Outcome[];
  votes: Vote[];
  quorum: number;
  outcome: Outcome;
  /** The chair's casting decision settled a tie or a vote with no majority. */
  casting: boolean;
  rationale: string;
  /** The criteria for a review the panel found the case highlights (Suffolk, "Referral Decision"). */
  criteria?: Criterion[];
  reviewer?: Reviewer;
  notices: Notice[];
  holdUntil?: LocalDate;
  reviewDue?: LocalDate;
  /**
   * A reflective review: its one meeting, the chair nominated to lead it, and when the
   * agencies' reports fall due (Cheshire East: "two weeks before the date of the review meeting").
   */
  meeting?: { on: LocalDate; chair: string; reportsDue: LocalDate };
  closedBy: string;
  closedAs: 'independentChair' | 'panelChair' | 'businessUnit';
  closedAt: string;
  supersedes?: number;
  /** Where the partnership names an approver: the closed vote recommended it; they approved it (Entra id), then. */
  approvedBy?: string;
  approvedAt?: string;
  /** Decided by the fast-track subgroup: listed for noting at the next panel. */
  fastTrack?: true;
}

/** A recommendation the approver sent back, with their reason (for the chair, never a channel). */
export interface SentBack {
  recommendation: DecisionRecord;
  by: string;
  at: string;
  reason: string;
}

export interface Tally {
  counts: Partial<Record<Outcome, number>>;
  /** Votes for an outcome (conflicts of interest are not). */
  cast: number;
  conflicts: number;
  /** The outcomes with the most votes. */
  leaders: Outcome[];
  /** The outcome more than half the votes cast chose, if any. */
  majority?: Outcome;
}

export function tally(votes: readonly Vote[]): Tally {
  const counts: Partial<Record<Outcome, number>> = {};
  let cast = 0;
  for (const v of votes) {
    if (v.choice === 'conflict') continue;
    counts[v.choice] = (counts[v.choice] ?? 0) + 1;
    cast++;
  }
  const top = Math.max(0, ...Object.values(counts));
  const leaders = OUTCOMES.filter((o) => top > 0 && counts[o] === top);
  const majority = leaders.length === 1 && top * 2 > cast ? leaders[0] : undefined;
  return { counts, cast, conflicts: votes.length - cast, leaders, ...(majority && { majority }) };
}

/** The ballot open for votes now, if any. */
export const openBallot = (record: CaseRecord): Ballot | undefined =>
  record.panel?.ballot && !record.panel.ballot.closedAt ? record.panel.ballot : undefined;

/** The decision in force: the last one recorded. */
export const currentDecision = (record: CaseRecord): DecisionRecord | undefined => record.panel?.decisions.at(-1);

/**
 * Whether the case is for the panel: its returns are collated or the business unit
 * listed it, and it has no decision yet, or its decision is to hold it.
 */
export function awaitsPanel(record: CaseRecord): boolean {
  if (record.closedAt || record.panel?.recommendation) return false;
  const decision = currentDecision(record);
  if (decision) return decision.outcome === 'onHold';
  return record.stage === 'collated' || record.panel?.listedBy !== undefined;
}

/** The current decision is the fast-track subgroup's, and the panel has not noted it yet. */
export function awaitsNoting(record: CaseRecord): boolean {
  const decision = currentDecision(record);
  return decision?.fastTrack === true && !record.panel?.noted?.some((n) => n.decision === decision.number);
}

/** The panel notes the fast-track decision in force. */
export function withNoted(record: CaseRecord, at: string, panelDate: LocalDate | undefined): CaseRecord {
  const decision = currentDecision(record);
  if (!decision || !awaitsNoting(record)) return record;
  const noted = [...(record.panel!.noted ?? []), { decision: decision.number, at, ...(panelDate && { panelDate }) }];
  return { ...record, panel: { ...record.panel!, noted } };
}

/** Opens a vote (the first, or the next after a decision); an open one stays as it is. */
export function withBallot(record: CaseRecord, at: string, panelDate: LocalDate | undefined, fastTrack = false): CaseRecord {
  if (openBallot(record)) return record;
  const panel = record.panel ?? { decisions: [] };
  const number = (panel.ballot?.number ?? 0) + 1;
  const ballot: Ballot = {
    number,
    openedAt: at,
    votes: [],
    ...(panelDate && { panelDate }),
    ...(panel.ballot?.card && { card: panel.ballot.card }),
    ...(fastTrack && { fastTrack }),
  };
  return { ...record, panel: { ...panel, ballot } };
}

/** Where the ballot's card now is. */
export function withBallotCard(record: CaseRecord, number: number, card: CardAddress): CaseRecord {
  const ballot = record.panel?.ballot;
  if (!ballot || ballot.number !== number) return record;
  return { ...record, panel: { ...record.panel!, ballot: { ...ballot, card } } };
}

/**
 * How long Panel holds the shared decision card still for a closer writing the decision:
 * an update of the card replaces every view of it that Teams shows, and with their form,
 * what they typed.
 */
export const CLOSE_FORM_HOLD_MINUTES = 30;

/** The open ballot with a closer writing its decision, or (`closing` undefined) with nobody. */
export function withClosing(record: CaseRecord, number: number, closing: Ballot['closing']): CaseRecord {
  const ballot = openBallot(record);
  if (!ballot || ballot.number !== number) return record;
  const { closing: _, ...rest } = ballot;
  return { ...record, panel: { ...record.panel!, ballot: { ...rest, ...(closing && { closing }) } } };
}

/** Whether a closer is writing the open ballot's decision at `now`: opened the form within the hold. */
export function closeFormOpen(record: CaseRecord, now: Date): boolean {
  const since = openBallot(record)?.closing?.since;
  return since !== undefined && now.getTime() - Date.parse(since) < CLOSE_FORM_HOLD_MINUTES * 60_000;
}

/** Records or changes a voter's vote on an open ballot; a closed or other ballot is left alone. */
export function withVote(record: CaseRecord, number: number, vote: Vote): CaseRecord {
  const ballot = openBallot(record);
  if (!ballot || ballot.number !== number) return record;
  const others = ballot.votes.filter((v) => v.voter !== vote.voter);
  return { ...record, panel: { ...record.panel!, ballot: { ...ballot, votes: [...others, vote] } } };
}

/**
 * Closes the ballot with its decision: the case is decided; on hold, it is held (until
 * the date set, or further notice) and listed again; a review starts its clock; a
 * decision that follows an earlier one supersedes it. Closing a closed ballot changes nothing.
 */
export function withDecision(record: CaseRecord, decision: DecisionRecord, today: LocalDate, calendar: WorkingCalendar): CaseRecord {
  const ballot = openBallot(record);
  if (!ballot || ballot.number !== decision.number) return record;
  return decided(record, { ...ballot, closedAt: decision.closedAt }, decision, today, calendar);
}

/** Closes the ballot on the decision it recommends, for the approver; the case is not decided yet. */
export function withRecommendation(record: CaseRecord, recommendation: DecisionRecord): CaseRecord {
  const ballot = openBallot(record);
  if (!ballot || ballot.number !== recommendation.number) return record;
  return { ...record, panel: { ...record.panel!, ballot: { ...ballot, closedAt: recommendation.closedAt }, recommendation } };
}

/** The approver approves the recommendation: it is the decision, from now (`decision` says who and when). */
export function withApproval(record: CaseRecord, decision: DecisionRecord, today: LocalDate, calendar: WorkingCalendar): CaseRecord {
  const { recommendation, ...panel } = record.panel ?? { decisions: [] };
  if (recommendation?.number !== decision.number || !panel.ballot) return record;
  return decided({ ...record, panel }, panel.ballot, decision, today, calendar);
}

/** The approver sends the recommendation back: kept with their reason, and a new vote opens. */
export function withSentBack(record: CaseRecord, sent: Omit<SentBack, 'recommendation'>, panelDate: LocalDate | undefined): CaseRecord {
  const { recommendation, ...panel } = record.panel ?? { decisions: [] };
  if (!recommendation) return record;
  const back = { ...record, panel: { ...panel, sentBack: [...(panel.sentBack ?? []), { recommendation, ...sent }] } };
  return withBallot(back, sent.at, panelDate);
}

function decided(record: CaseRecord, ballot: Ballot, decision: DecisionRecord, today: LocalDate, calendar: WorkingCalendar): CaseRecord {
  const { reviewDue: _previousReview, ...clocks } = record.clocks;
  const meeting = decision.meeting && { meetingOn: decision.meeting.on, reportsDue: decision.meeting.reportsDue };
  let next: CaseRecord = {
    ...record,
    stage: 'decided',
    clocks: { ...clocks, ...(decision.reviewDue && { reviewDue: decision.reviewDue }), ...meeting },
    panel: { ...record.panel!, ballot, decisions: [...record.panel!.decisions, decision] },
  };
  // A decision ends any hold; on hold again starts a new one from today.
  if (next.hold) next = withoutHold(next, today, calendar).record;
  if (decision.outcome === 'onHold') {
    next = withHold(next, {
      since: decision.closedAt,
      sinceOn: today,
      reason: `Panel decision ${decision.number}: on hold. ${decision.rationale}`,
      by: decision.closedBy,
      ...(decision.holdUntil && { until: decision.holdUntil }),
    });
  }
  return next;
}

/** When the review a decision starts is due: months from the decision, on the working day before if need be. */
export function reviewDueOn(
  outcome: Outcome,
  decidedOn: LocalDate,
  clocks: ClockSettings,
  calendar: WorkingCalendar,
): LocalDate | undefined {
  const months = reviewMonths(outcome, clocks);
  return months === undefined ? undefined : calendar.onOrBefore(addMonths(decidedOn, months));
}
