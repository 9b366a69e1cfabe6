/**
 * The approver answers the panel's recommendation (see approval.ts): approves it, and it
 * is the decision from now, fed back and starting its clocks; or sends it back with a
 * reason, and the vote opens again. Checked against the caller's identity: only the
 * approver the partnership names for the case's kind. Once per recommendation; audited.
 */
import { approverFor, sentBackOwed } from './approval.js';
import { ballotNumber } from './decision-actions.js';
import type { CaseRecord } from './case.js';
import { afterDecision, decisionWrites, RATIONALE_MAX } from './close-vote.js';
import { readCardForm } from './card-form.js';
import { reviewDueOn, withApproval, withSentBack, type DecisionRecord } from './decision.js';
import { todayFor as today, type Caller, type ReviewDeps } from './deps.js';
import { CASE_CARD, DECISION_CARD, refreshCard } from './effects.js';
import type { Origin } from './owed.js';
import { updateCase } from './update-case.js';

export type Answer = 'approve' | 'sendBack';

export type AnswerResult =
  | { status: 'refused' | 'notFound' }
  /** No recommendation of that number waits: answered already (by this approver or before), or never made. */
  | { status: 'answered'; record: CaseRecord }
  | { status: 'invalid'; record: CaseRecord; recommendation: DecisionRecord; reason: string; error: string }
  | { status: 'approved'; record: CaseRecord; decision: DecisionRecord }
  | { status: 'sentBack'; record: CaseRecord };

export async function answerRecommendation(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; answer: Answer; data: Record<string, unknown>; origin: Origin },
): Promise<AnswerResult> {
  const actor = input.caller.aadObjectId;
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (approverFor(deps.partnership, current.kind) !== actor.toLowerCase()) {
    await deps.store.appendAudit({ caseId: current.reference, at: deps.now().toISOString(), actor, action: 'decision.approval.refused' });
    return { status: 'refused' };
  }
  const number = ballotNumber.safeParse(input.data.ballot);
  const waiting = current.panel?.recommendation;
  if (!waiting || !number.success || waiting.number !== number.data) return { status: 'answered', record: current };
  const { form, errors } = readCardForm(['reason'], input.data);
  let error = errors.reason;
  if (!error && input.answer === 'sendBack' && form.reason === '') error = 'Say why you are sending it back: the chair is told';
  if (!error && form.reason.length > RATIONALE_MAX) error = `Keep this to ${RATIONALE_MAX} characters or fewer (now ${form.reason.length})`;
  if (error) return { status: 'invalid', record: current, recommendation: waiting, reason: form.reason, error };

  const at = deps.now().toISOString();
  const still = (r: CaseRecord) =>
    r.panel?.recommendation?.number === waiting.number && r.panel.recommendation.closedAt === waiting.closedAt;
  // Whether this answer's own write landed (another press, at the same instant, may have answered it first).
  let answered = false;
  if (input.answer === 'approve') {
    // The decision is the approver's from today: its review's clock starts now.
    const reviewDue = reviewDueOn(waiting.outcome, today(deps), deps.partnership.clocks, deps.calendar);
    const { reviewDue: _recommended, ...rest } = waiting;
    const decision: DecisionRecord = { ...rest, ...(reviewDue && { reviewDue }), approvedBy: actor, approvedAt: at };
    const record = await updateCase(
      deps.store,
      input.reference,
      (r) => {
        answered = still(r);
        if (!answered) return r;
        const previous = r.panel?.decisions.at(-1);
        const writes = decisionWrites(decision, previous);
        return {
          record: afterDecision(deps, withApproval(r, decision, today(deps), deps.calendar), decision, input.origin),
          ...writes,
          audit: [{ caseId: r.reference, at, actor, action: 'decision.approved', detail: `decision=${decision.number}` }, ...writes.audit],
        };
      },
      { known: read },
    );
    const recorded = record.panel?.decisions.at(-1);
    return answered && recorded ? { status: 'approved', record, decision: recorded } : { status: 'answered', record };
  }

  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      answered = still(r);
      if (!answered) return r;
      // The same card, in its thread, shows the vote open again (as when the chair reconsiders).
      const back = withSentBack(r, { by: actor, at, reason: form.reason }, undefined);
      const number = back.panel?.ballot?.number ?? 0;
      return {
        record: refreshCard(refreshCard(sentBackOwed(back, waiting, at, input.origin), DECISION_CARD, at), CASE_CARD, at),
        audit: [
          { caseId: r.reference, at, actor, action: 'decision.sentBack', detail: `decision=${waiting.number} ballot=${number}` },
          { caseId: r.reference, at, actor, action: 'vote.reopened', detail: `ballot=${number}` },
        ],
      };
    },
    { known: read },
  );
  return answered ? { status: 'sentBack', record } : { status: 'answered', record };
}
