/**
 * Approval of the panel's decision, where the partnership file names an approver for the
 * case's kind (Cheshire East: the case review panel recommends and the LSCB chair
 * approves; Darlington: DHR decisions with the chair of the Community Safety
 * Partnership). The closed vote is then a recommendation: the approver has it one to
 * one with its rationale, and approves it or sends it back with a reason. Only an
 * approved decision is fed back to the referrer and starts its clocks; sent back, the
 * vote opens again. Pure functions of a case record.
 */
import type { AuditEvent } from './audit.js';
import type { CaseRecord } from './case.js';
import type { DecisionRecord } from './decision.js';
import { DECISION_CARD, owe, refreshCard } from './effects.js';
import type { Origin } from './owed.js';
import type { Partnership } from './partnership.js';
import type { ReviewKind } from './referral-model.js';

/** The approver of a kind of case (lower-case Entra id), if the partnership names one. */
export const approverFor = (partnership: Pick<Partnership, 'approvers'>, kind: ReviewKind): string | undefined =>
  partnership.approvers[kind]?.toLowerCase();

const originPayload = (origin: Origin) => ({ serviceUrl: origin.serviceUrl, ...(origin.tenantId && { tenantId: origin.tenantId }) });

/**
 * What a recommendation owes in its own write: the approver asked, one to one; the
 * decision card showing it awaits approval; the audit event. The referrer hears nothing yet.
 */
export function recommended(
  record: CaseRecord,
  recommendation: DecisionRecord,
  approver: string,
  origin: Origin,
): { record: CaseRecord; audit: AuditEvent[] } {
  const at = recommendation.closedAt;
  const asked = owe(record, {
    key: `approval:${recommendation.number}`,
    kind: 'approvalRequest',
    dueAt: at,
    payload: { decision: String(recommendation.number), approver, ...originPayload(origin) },
  });
  return {
    record: refreshCard(asked, DECISION_CARD, at),
    audit: [
      {
        caseId: record.reference,
        at,
        actor: recommendation.closedBy,
        action: 'decision.recommended',
        detail: `decision=${recommendation.number} outcome=${recommendation.outcome}`,
      },
    ],
  };
}

/** What sending a recommendation back owes: who closed the vote told why, one to one. */
export function sentBackOwed(record: CaseRecord, recommendation: DecisionRecord, at: string, origin: Origin): CaseRecord {
  return owe(record, {
    key: `sent-back:${recommendation.number}`,
    kind: 'sentBackNotice',
    dueAt: at,
    payload: { decision: String(recommendation.number), to: recommendation.closedBy.toLowerCase(), ...originPayload(origin) },
  });
}
