/** The audit trail of changes that belong to no case: where referrals go, for one. */
export const PARTNERSHIP_AUDIT = 'partnership';

/**
 * What happened to a case, by whom, when: every change and every view. Details hold
 * no personal data (references, verbs and outcomes only), so the trail itself can be
 * shown to auditors.
 */
export interface AuditEvent {
  /** The case, or PARTNERSHIP_AUDIT for partnership-wide changes (settings). */
  caseId: string;
  /** ISO 8601 instant. */
  at: string;
  /** The actor's Entra object id, or "panel" for the bot's own actions. */
  actor: string;
  action: AuditAction;
  detail?: string;
}

export type AuditAction =
  | 'case.created'
  | 'case.closed'
  | 'case.viewed'
  | 'case.view.refused'
  | 'channel.posted'
  | 'settings.referralChannel.set'
  | 'settings.panelChannel.set'
  | 'agenda.posted'
  | 'agenda.post.failed'
  | 'channel.post.failed'
  | 'rapidReview.started'
  | 'rapidReview.requestSent'
  | 'rapidReview.requestUndelivered'
  | 'rapidReview.delegated'
  | 'rapidReview.closed'
  | 'return.submitted'
  | 'return.amended'
  | 'return.draftSaved'
  | 'return.refused'
  | 'case.onHold'
  | 'case.offHold'
  | 'case.holdEnded'
  | 'reminder.sent'
  | 'reminder.skipped'
  | 'reminder.escalated'
  | 'collation.viewed'
  | 'collation.view.refused'
  | 'case.listed'
  | 'vote.opened'
  | 'vote.cast'
  | 'vote.changed'
  | 'vote.refused'
  | 'vote.close.refused'
  | 'vote.closing'
  | 'vote.reopened'
  | 'decision.recorded'
  | 'decision.superseded'
  | 'decision.recommended'
  | 'decision.approvalSent'
  | 'decision.approvalFailed'
  | 'decision.approved'
  | 'decision.sentBack'
  | 'decision.sentBackNoticeSent'
  | 'decision.sentBackNoticeFailed'
  | 'decision.approval.refused'
  | 'decision.noted'
  | 'report.reminderSent'
  | 'plan.refused'
  | 'plan.stepDone'
  | 'plan.stepMoved'
  | 'plan.viewed'
  | 'publication.refused'
  | 'publication.set'
  | 'report.reminderFailed'
  | 'vote.fastTracked'
  | 'decision.viewed'
  | 'decision.feedbackSent'
  | 'decision.feedbackFailed'
  | 'reminder.failed'
  | 'case.noticePosted'
  | 'case.noticeFailed'
  | 'card.updateFailed'
  | 'case.retentionFailed'
  | 'duty.recorded'
  | 'duty.record.refused'
  | 'safety.alerted'
  | 'safety.detailsSent'
  | 'safety.detailsFailed'
  | 'safety.acknowledged'
  | 'safety.acknowledge.refused';
