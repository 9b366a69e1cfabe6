import type { AgencyReports } from './agency-reports.js';
import type { AuditEvent } from './audit.js';
import type { Recommendation } from './action-plan.js';
import type { Meeting, MeetingKind } from './meetings.js';
import type { IntakeClocks } from './clocks.js';
import type { LocalDate } from './local-date.js';
import { currentDecision, type Outcome, type PanelRecord } from './decision.js';
import type { Effect } from './effects.js';
import type { FamilyInvolvement } from './family.js';
import { dutiesOf, type DutyDone, type DutyKind, type DutyState } from './duties.js';
import type { ReviewPlan, StepKind } from './plan.js';
import type { NotPublished, Publication } from './publication.js';
import { openConcerns, type SafetyConcern } from './safety.js';
import type { Hold } from './hold.js';
import { reviewProgress, type RapidReview, type ReviewProgress } from './rapid-review.js';
import type { Referral, ReviewKind } from './referral.js';

/** Where a case is in the process. Later stages arrive with the decision. */
export const STAGE_NAMES = {
  referred: 'Referral received',
  rapidReview: 'Rapid review: information requested',
  collated: 'Rapid review: returns collated',
  decided: 'Panel decision made',
  closed: 'Closed',
} as const;
export type Stage = keyof typeof STAGE_NAMES;

/**
 * A case: one referral and everything that follows from it. The reference is also
 * its id and, in Cosmos DB, its partition key.
 */
export interface CaseRecord {
  reference: string;
  year: number;
  sequence: number;
  /** "Young Person B": all a channel ever shows of the person. */
  descriptor: string;
  kind: ReviewKind;
  stage: Stage;
  /** The instant the referral was stored (ISO 8601, UTC). */
  receivedAt: string;
  /** The partnership's date when it arrived: the clocks count from it. */
  receivedOn: LocalDate;
  referrerAadObjectId: string;
  clocks: IntakeClocks;
  /** Personal data: shown only one to one, to those entitled. */
  referral: Referral;
  /** Once the business unit starts it: the agencies asked and where their returns stand. */
  rapidReview?: RapidReview;
  /** While the case is on hold: its clocks and reminders are stopped. */
  hold?: Hold;
  /** Once it goes before the panel: the vote, and the decisions. */
  panel?: PanelRecord;
  /** When the case was closed, and when its retention ends and it is deleted (ISO 8601). */
  closedAt?: string;
  expiresAt?: string;
  /** What Panel owes because of the case's changes, by key: see `effects.ts`. */
  effects?: Record<string, Effect>;
  /** The statutory duties recorded as done (`duties.ts`); their due dates are the intake clocks. */
  duties?: Partial<Record<DutyKind, DutyDone>>;
  /** Safety concerns raised, and their acknowledgement (`safety.ts`). */
  safety?: SafetyConcern[];
  /** The plan of the review the decision in force started (`plan.ts`). */
  plan?: ReviewPlan;
  /** The agencies' reports for the review: who was asked, by when, and whose has come (`agency-reports.ts`). */
  reports?: AgencyReports;
  /** The review's meetings, their invitees and outcomes (`meetings.ts`). */
  meetings?: Meeting[];
  /** The review's findings: recommendations, each with its actions (`action-plan.ts`). */
  recommendations?: Recommendation[];
  /** A decision not to publish the review: why, and who was told (`publication.ts`). */
  notPublished?: NotPublished;
  /** The review's publication: its date and the pre-publication checklist (`publication.ts`). */
  publication?: Publication;
  /** Personal data: the family's involvement and the log of contacts (`family.ts`); never in `AnonymousCase`. */
  family?: FamilyInvolvement;
  /** Once its personal data was erased (`erasure.ts`): when, and by which operator. */
  erased?: { at: string; by: string };
}

const REFERENCE = /^REF-(\d{4})-(\d{4,})$/i;

/** `REF-2026-0007`: the partnership year and the case's place in it. */
export function formatReference(year: number, sequence: number): string {
  return `REF-${year}-${String(sequence).padStart(4, '0')}`;
}

/** Finds a reference in what someone typed ("status ref-2026-7" is not one; "REF-2026-0007" is). */
export function parseReference(text: string): string | undefined {
  const m = REFERENCE.exec(text.trim());
  return m ? formatReference(Number(m[1]), Number(m[2])) : undefined;
}

/**
 * What may be shown where others can see it (a channel, a shared card): the
 * reference, the anonymous descriptor, the stage and the dates. Channel cards take
 * only this type, so a name cannot reach a channel by accident.
 */
export interface AnonymousCase {
  reference: string;
  descriptor: string;
  kind: ReviewKind;
  stage: Stage;
  receivedOn: LocalDate;
  clocks: IntakeClocks;
  immediateSafety: boolean;
  /** The rapid review's agencies, due date and progress: nobody's identity. */
  rapidReview?: ReviewProgress;
  /** On hold, and until when if a date is set; never the reason. */
  onHold?: { until?: LocalDate };
  /** Listed for the panel (by hand, or by a decision to hold), or decided. */
  listed: boolean;
  /** The decision in force: its outcome and date, never its rationale. */
  decision?: { number: number; outcome: Outcome; at: string; reviewDue?: LocalDate };
  /** The statutory duties: due, and done when (never who, nor the notification's reference). */
  duties: DutyState[];
  /** Safety concerns not yet acknowledged: by agency only, never what was said. */
  openConcerns: { id: string; agencyId?: string }[];
  /** The review's plan: each step's kind, date and when done (never who, nor why a date moved). */
  plan?: { kind: StepKind; dueOn: LocalDate; doneOn?: LocalDate }[];
  /** The review's work, by counts, kinds and dates only: never a name, nor what anyone wrote. */
  review?: ReviewProgressView;
}

export interface ReviewProgressView {
  reports?: { dueOn: LocalDate; asked: number; returned: number };
  meetings: { kind: MeetingKind; on: LocalDate; outcome: boolean }[];
  actions: { agencyId: string; dueOn: LocalDate; done: boolean; signedOff: boolean }[];
  publication?: { on: LocalDate; published: boolean };
  notPublished: boolean;
}

function reviewView(record: CaseRecord): ReviewProgressView {
  return {
    ...(record.reports && {
      reports: {
        dueOn: record.reports.dueOn,
        asked: record.reports.requests.length,
        returned: record.reports.requests.filter((r) => r.current).length,
      },
    }),
    meetings: (record.meetings ?? []).map((m) => ({ kind: m.kind, on: m.on, outcome: m.outcome !== undefined })),
    actions: (record.recommendations ?? []).flatMap((r) =>
      r.actions.map((a) => ({ agencyId: a.agencyId, dueOn: a.dueOn, done: a.status === 'done', signedOff: a.signedOff !== undefined })),
    ),
    ...(record.publication && { publication: { on: record.publication.on, published: record.publication.link !== undefined } }),
    notPublished: record.notPublished !== undefined,
  };
}

export function anonymise(record: CaseRecord): AnonymousCase {
  const decision = currentDecision(record);
  return {
    reference: record.reference,
    descriptor: record.descriptor,
    kind: record.kind,
    stage: record.stage,
    receivedOn: record.receivedOn,
    clocks: record.clocks,
    immediateSafety: record.referral.incident.immediateSafety,
    listed: record.panel !== undefined,
    duties: dutiesOf(record),
    openConcerns: openConcerns(record),
    ...(record.plan && { review: reviewView(record) }),
    ...(record.plan && { plan: record.plan.steps.map((s) => ({ kind: s.kind, dueOn: s.dueOn, ...(s.doneOn && { doneOn: s.doneOn }) })) }),
    ...(record.rapidReview && { rapidReview: reviewProgress(record.rapidReview) }),
    ...(record.hold && { onHold: record.hold.until ? { until: record.hold.until } : {} }),
    ...(decision && {
      decision: {
        number: decision.number,
        outcome: decision.outcome,
        at: decision.closedAt,
        ...(decision.reviewDue && { reviewDue: decision.reviewDue }),
      },
    }),
  };
}

/** The first event of every case's audit trail: who referred it, and when. */
export function createdEvent(record: CaseRecord, actor: string): AuditEvent {
  return { caseId: record.reference, at: record.receivedAt, actor, action: 'case.created', detail: `kind=${record.kind}` };
}
