import type { Criterion } from './criteria.js';
/**
 * The rapid review on a case (DOMAIN.md, "Rapid review"): the agencies asked, who in
 * each may answer, whether each request reached them, and where each agency's return
 * stands. The returns themselves are kept beside the case (review/agency-return.ts);
 * the case holds only this small index, so that showing progress is one point read.
 *
 * Everything here is a pure function of a case record: `updateCase` may run it again
 * after a conflicting write.
 */
import type { CriteriaView } from './agency-return.js';
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import type { Caller } from './deps.js';
import type { LocalDate } from './local-date.js';
import type { ClockSettings, Directory, PanelSchedule, Partnership } from './partnership.js';
import { panelDateFor } from './panel-listing.js';

/** Someone a request is addressed to: a lead of the agency, or a colleague a lead handed it to. */
export interface Addressee {
  aadObjectId: string;
  as: 'lead' | 'delegate';
  /** For a delegate: the lead who handed it over. */
  delegatedBy?: string;
  addedAt: string;
}

/** Whether Panel's message reached an addressee, at its latest attempt (1, 2, …). */
export type Delivery =
  { status: 'sent'; at: string; attempt: number } | { status: 'unreachable'; reason: string; at: string; attempt: number };

/** The agency's current return: the latest one recorded. */
export interface CurrentReturn {
  itemId: string;
  by: string;
  at: string;
  involved: boolean;
  /** The agency's view on whether the criteria are met: shown to the panel beside the vote. */
  criteriaView?: CriteriaView;
  /** Which of the criteria it thinks the case highlights. */
  criteria?: Criterion[];
}

export interface AgencyRequest {
  agencyId: string;
  addressees: Addressee[];
  /** By lower-case Entra object id. */
  deliveries: Record<string, Delivery>;
  current?: CurrentReturn;
  /** The item ids of every return recorded for the agency, oldest first. */
  returns: string[];
}

export interface RapidReview {
  startedAt: string;
  startedBy: string;
  /** When returns are due, in the partnership's calendar. */
  dueOn: LocalDate;
  requests: AgencyRequest[];
  /** Set when every agency has returned, or the business unit closes returns. */
  closed?: { at: string; by: string; reason: 'allReturned' | 'closedByBusinessUnit' };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The returns due date Panel proposes: the working day before the case's panel (so
 * the business unit can collate), and for a serious child incident no later than five
 * working days before the rapid review is due at the National Panel. With neither,
 * `returnsWorkingDays` from today. Never sooner than `returnsMinimumWorkingDays` from
 * today, so that agencies have time to search their records.
 */
export function proposedReturnsDue(
  record: Pick<CaseRecord, 'clocks'>,
  today: LocalDate,
  calendar: WorkingCalendar,
  settings: Pick<ClockSettings, 'returnsWorkingDays' | 'returnsBeforePanelWorkingDays' | 'returnsMinimumWorkingDays'>,
): LocalDate {
  const candidates: LocalDate[] = [];
  if (record.clocks.panelDate) {
    candidates.push(calendar.addWorkingDays(record.clocks.panelDate, -settings.returnsBeforePanelWorkingDays));
  }
  if (record.clocks.rapidReviewDue) candidates.push(calendar.addWorkingDays(record.clocks.rapidReviewDue, -5));
  const proposal = candidates.sort()[0] ?? calendar.addWorkingDays(today, settings.returnsWorkingDays);
  const earliest = calendar.addWorkingDays(today, settings.returnsMinimumWorkingDays);
  // ISO dates compare as strings.
  return proposal > earliest ? proposal : earliest;
}

/**
 * The case with its panel listing taken from the day its requests go out, `today`
 * (Suffolk: the next panel at least 10 days after requests go out). The listing at
 * intake assumed they went the day the referral arrived; a later start can only move
 * it later.
 */
export function withPanelAfterRequests(
  record: CaseRecord,
  today: LocalDate,
  rules: { panel: PanelSchedule; settings: Pick<ClockSettings, 'panelMinDaysAfterRequests'>; calendar: WorkingCalendar },
): CaseRecord {
  const fromToday = panelDateFor(rules.panel, today, rules.settings.panelMinDaysAfterRequests, rules.calendar);
  const atIntake = record.clocks.panelDate;
  if (!fromToday || (atIntake && atIntake >= fromToday)) return record;
  return { ...record, clocks: { ...record.clocks, panelDate: fromToday } };
}

/** The agencies a rapid review asks unless the business unit says otherwise. */
export function coreAgencies(partnership: Pick<Partnership, 'agencies'>): string[] {
  return partnership.agencies.filter((a) => a.core).map((a) => a.id);
}

/** The partnership's leads for an agency. */
export function leadsOf(partnership: Pick<Partnership, 'people'>, agencyId: string): string[] {
  return partnership.people.filter((p) => p.agency === agencyId && p.roles.includes('lead')).map((p) => p.aadObjectId);
}

/** The case with its rapid review begun: one request per agency, to that agency's leads. */
export function withRapidReview(
  record: CaseRecord,
  start: { agencies: string[]; dueOn: LocalDate; by: string; at: string },
  partnership: Pick<Partnership, 'people'>,
): CaseRecord {
  return {
    ...record,
    stage: 'rapidReview',
    rapidReview: {
      startedAt: start.at,
      startedBy: start.by,
      dueOn: start.dueOn,
      requests: start.agencies.map((agencyId) => ({
        agencyId,
        addressees: leadsOf(partnership, agencyId).map((aadObjectId) => ({ aadObjectId, as: 'lead', addedAt: start.at })),
        deliveries: {},
        returns: [],
      })),
    },
  };
}

function withRequest(record: CaseRecord, agencyId: string, change: (r: AgencyRequest) => AgencyRequest): CaseRecord {
  const review = record.rapidReview;
  if (!review) throw new RangeError(`${record.reference} has no rapid review`);
  return {
    ...record,
    rapidReview: { ...review, requests: review.requests.map((r) => (r.agencyId === agencyId ? change(r) : r)) },
  };
}

export function requestFor(record: CaseRecord, agencyId: string): AgencyRequest | undefined {
  return record.rapidReview?.requests.find((r) => r.agencyId === agencyId);
}

/** Records whether a request reached one addressee. */
export function withDelivery(record: CaseRecord, agencyId: string, aadObjectId: string, delivery: Delivery): CaseRecord {
  return withRequest(record, agencyId, (r) => ({
    ...r,
    deliveries: { ...r.deliveries, [aadObjectId.toLowerCase()]: delivery },
  }));
}

/**
 * Records a return as the agency's current one. The same return again (a redelivery)
 * changes nothing. When every agency has returned, returns close by themselves.
 */
export function withReturn(record: CaseRecord, agencyId: string, current: CurrentReturn): CaseRecord {
  if (requestFor(record, agencyId)?.returns.includes(current.itemId)) return record;
  const next = withRequest(record, agencyId, (r) => ({ ...r, current, returns: [...r.returns, current.itemId] }));
  const review = next.rapidReview!;
  if (!review.closed && review.requests.every((r) => r.current)) {
    return { ...next, stage: 'collated', rapidReview: { ...review, closed: { at: current.at, by: 'panel', reason: 'allReturned' } } };
  }
  return next;
}

/** Adds a colleague the request is handed to (once, however often it is asked). */
export function withDelegate(record: CaseRecord, agencyId: string, delegate: { to: string; by: string; at: string }): CaseRecord {
  return withRequest(record, agencyId, (r) =>
    r.addressees.some((a) => same(a.aadObjectId, delegate.to))
      ? r
      : {
          ...r,
          addressees: [...r.addressees, { aadObjectId: delegate.to, as: 'delegate', delegatedBy: delegate.by, addedAt: delegate.at }],
        },
  );
}

/**
 * Closes returns at the business unit's word: no more returns or amendments. Closing
 * twice keeps the first close; closing returns that every agency has made (collated,
 * still open to amendment) ends the amendments.
 */
export function withReturnsClosed(record: CaseRecord, by: string, at: string): CaseRecord {
  const review = record.rapidReview;
  if (!review || review.closed?.reason === 'closedByBusinessUnit') return record;
  return { ...record, stage: 'collated', rapidReview: { ...review, closed: { at, by, reason: 'closedByBusinessUnit' } } };
}

/** Why someone may not answer for an agency; undefined when they may. */
export type AnswerRefusal = 'notRequested' | 'notEntitled' | 'closed' | 'pastDue';

/**
 * Only a lead of a requested agency, or a colleague a lead handed it to, answers for
 * it: decided from the caller's identity and the partnership file, never from a card.
 * Returns are open until the business unit closes them; a return already made may be
 * amended until the due date, even once every agency has returned.
 */
export function answerRefusal(
  record: CaseRecord,
  agencyId: string,
  caller: Caller,
  directory: Directory,
  today: LocalDate,
): AnswerRefusal | undefined {
  const request = requestFor(record, agencyId);
  if (!request) return 'notRequested';
  // Still of the agency by today's partnership file: someone who has left it, or moved
  // to another agency, loses the request, however it was addressed when it went out.
  const person = directory.find(caller.aadObjectId);
  const isLead = person?.roles.includes('lead') ?? false;
  const isAddressee = request.addressees.some((a) => same(a.aadObjectId, caller.aadObjectId));
  if (person?.agency !== agencyId || (!isLead && !isAddressee)) return 'notEntitled';
  // Collated because every agency returned, a return may still be amended until the due date.
  if (record.rapidReview?.closed?.reason === 'closedByBusinessUnit' || record.closedAt) return 'closed';
  if (request.current && today > record.rapidReview!.dueOn) return 'pastDue';
  return undefined;
}

/** Addressees Panel has not reached (yet), while returns are open: whom to try again. */
export function unreached(review: RapidReview): { agencyId: string; aadObjectId: string; attempt: number }[] {
  if (review.closed) return [];
  return review.requests.flatMap((r) =>
    r.current
      ? []
      : r.addressees.flatMap((a) => {
          const delivery = r.deliveries[a.aadObjectId.toLowerCase()];
          return delivery?.status === 'unreachable'
            ? [{ agencyId: r.agencyId, aadObjectId: a.aadObjectId, attempt: delivery.attempt }]
            : [];
        }),
  );
}

/** Where one agency's return stands, for the progress line. */
export type ReturnState = 'returned' | 'nilReturn' | 'overdue' | 'due' | 'notReached' | 'noLead';

export interface AgencyProgress {
  agencyId: string;
  state: ReturnState;
  dueOn: LocalDate;
}

/**
 * The rapid review as the anonymous cards show it: each agency's request, whether it
 * reached anyone and where its return stands; nobody's identity.
 */
export interface ReviewProgress {
  dueOn: LocalDate;
  closed?: { reason: 'allReturned' | 'closedByBusinessUnit' };
  requests: {
    agencyId: string;
    /** The current return: involved or not, and the agency's view on the criteria. */
    current?: { involved: boolean; criteriaView?: CriteriaView; criteria?: Criterion[] };
    /** Nobody was listed to ask. */
    noLead: boolean;
    /** The request reached someone. */
    reached: boolean;
    /** It could not reach someone, and the agency has not returned: there is someone to try again. */
    undelivered: boolean;
  }[];
}

export function reviewProgress(review: RapidReview): ReviewProgress {
  return {
    dueOn: review.dueOn,
    ...(review.closed && { closed: { reason: review.closed.reason } }),
    requests: review.requests.map((r) => {
      const deliveries = Object.values(r.deliveries);
      return {
        agencyId: r.agencyId,
        ...(r.current && {
          current: {
            involved: r.current.involved,
            ...(r.current.criteriaView && { criteriaView: r.current.criteriaView }),
            ...(r.current.criteria && { criteria: r.current.criteria }),
          },
        }),
        noLead: r.addressees.length === 0,
        reached: deliveries.some((d) => d.status === 'sent'),
        undelivered: !r.current && r.addressees.some((a) => r.deliveries[a.aadObjectId.toLowerCase()]?.status === 'unreachable'),
      };
    }),
  };
}

/**
 * Each requested agency's state today. An agency none of whose addressees could be
 * reached, and which has not returned, is "not reached" until someone is; one with no
 * lead listed, nobody was asked.
 */
export function progressOf(review: ReviewProgress, today: LocalDate): AgencyProgress[] {
  return review.requests.map((r) => {
    const state: ReturnState = r.current
      ? r.current.involved
        ? 'returned'
        : 'nilReturn'
      : r.noLead
        ? 'noLead'
        : !r.reached && r.undelivered
          ? 'notReached'
          : today > review.dueOn
            ? 'overdue'
            : 'due';
    return { agencyId: r.agencyId, state, dueOn: review.dueOn };
  });
}
