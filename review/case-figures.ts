/**
 * What the partnership's annual summary counts of a case, and all a purged case leaves
 * behind: kinds, agencies, outcomes and dates only. Nobody's name, no free text, and not
 * who did what (Entra ids are left out too), so a tombstone holds no personal data.
 */
import type { CaseRecord } from './case.js';
import { currentDecision, type Outcome } from './decision.js';
import { dutiesOf, type DutyKind } from './duties.js';
import { localDateOf, type LocalDate } from './local-date.js';
import type { ReferralSource } from './referral-model.js';
import type { ReviewKind } from './referral.js';
import type { ActionStatus } from './action-plan.js';

/** Something asked of an agency by a date, and when (if ever) it came. */
export interface AgencyAsk {
  agencyId: string;
  dueOn: LocalDate;
  doneOn?: LocalDate;
}

export interface CaseFigures {
  reference: string;
  kind: ReviewKind;
  /** Where the referral came from (a practitioner unless the business unit entered it for another source). */
  source: ReferralSource;
  /** The referring agency. */
  agencyId: string;
  receivedOn: LocalDate;
  /** The decision in force: its outcome and the partnership's date it was made. */
  decision?: { outcome: Outcome; on: LocalDate };
  /** Each statutory duty the case has: due, and done when. */
  duties: { kind: DutyKind; dueOn: LocalDate; doneOn?: LocalDate }[];
  /** The rapid review's returns, by agency. */
  returns: AgencyAsk[];
  /** The review's agency reports, by agency. */
  reports: AgencyAsk[];
  /** The review, once a decision started one: when its last step is due, and when it was done. */
  review?: { dueOn: LocalDate; doneOn?: LocalDate };
  /** The action plan's actions: whose, by when, and where they stand. */
  actions: { agencyId: string; dueOn: LocalDate; status: ActionStatus; signedOff: boolean }[];
  closedOn?: LocalDate;
}

/** A case's figures, dated in the partnership's time zone. */
export function caseFigures(record: CaseRecord, timeZone: string): CaseFigures {
  const on = (instant: string) => localDateOf(new Date(instant), timeZone);
  const decision = currentDecision(record);
  const lastStep = record.plan?.steps.at(-1);
  return {
    reference: record.reference,
    kind: record.kind,
    source: record.referral.source?.from ?? 'practitioner',
    agencyId: record.referral.referrer.agencyId,
    receivedOn: record.receivedOn,
    ...(decision && { decision: { outcome: decision.outcome, on: on(decision.closedAt) } }),
    duties: dutiesOf(record),
    returns: (record.rapidReview?.requests ?? []).map((r) => ({
      agencyId: r.agencyId,
      dueOn: record.rapidReview!.dueOn,
      ...(r.current && { doneOn: on(r.current.at) }),
    })),
    reports: (record.reports?.requests ?? []).map((r) => ({
      agencyId: r.agencyId,
      dueOn: record.reports!.dueOn,
      ...(r.current && { doneOn: on(r.current.at) }),
    })),
    ...(lastStep && { review: { dueOn: lastStep.dueOn, ...(lastStep.doneOn && { doneOn: lastStep.doneOn }) } }),
    actions: (record.recommendations ?? []).flatMap((r) =>
      r.actions.map((a) => ({ agencyId: a.agencyId, dueOn: a.dueOn, status: a.status, signedOff: a.signedOff !== undefined })),
    ),
    ...(record.closedAt && { closedOn: on(record.closedAt) }),
  };
}

/**
 * What is left of a case once its retention has ended: its figures, when it was purged,
 * and the length and last hash of the audit trail that went with it, so the partnership's
 * own trail (which records the purge) can be matched to what was deleted.
 */
export interface Tombstone {
  reference: string;
  figures: CaseFigures;
  closedAt: string;
  expiresAt: string;
  purgedAt: string;
  audit: { events: number; head: string };
}
