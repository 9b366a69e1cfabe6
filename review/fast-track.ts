/**
 * Fast track (Suffolk: incidents notified by the National Panel "will be triaged by a
 * subgroup … Decisions made by this group will then be noted at the next meeting"). The
 * business unit sends a case to the partnership's fast-track subgroup before the rapid
 * review's 15-working-day date: its members vote on the case's decision card, the
 * independent chair closes, the decision is recorded like any other, and the next
 * panel's agenda lists it for noting. Checked against the caller's identity; audited.
 */
import type { CaseRecord } from './case.js';
import { awaitsNoting, currentDecision, openBallot, withBallot, withNoted } from './decision.js';
import { todayFor as today, type Caller, type ReviewDeps } from './deps.js';
import { CLOSING_OUTCOMES, withClosed } from './close-case.js';
import { CASE_CARD, owe, refreshCard } from './effects.js';
import type { LocalDate } from './local-date.js';
import { updateCase } from './update-case.js';

export type FastTrackResult =
  | { status: 'refused' | 'notFound' | 'noSubgroup' }
  /** Not open to fast track: decided, closed, before a vote already, or past its rapid review date. */
  | { status: 'notOpen'; record: CaseRecord; why: string }
  | { status: 'sent'; record: CaseRecord };

/** Why a case cannot go to the fast-track subgroup today, if it cannot. */
export function fastTrackBlocked(record: CaseRecord, on: LocalDate): string | undefined {
  if (record.closedAt) return 'The case is closed.';
  if (openBallot(record)) return 'A vote on the case is open already.';
  if (currentDecision(record) || record.panel?.recommendation) return 'The case has a decision already.';
  const due = record.clocks.rapidReviewDue;
  if (!due) return 'Fast track is for a serious child incident, before its rapid review date.';
  if (on > due) return 'The rapid review date has passed: the case goes to the panel.';
  return undefined;
}

export async function sendToFastTrack(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<FastTrackResult> {
  const actor = input.caller.aadObjectId;
  if (!deps.directory.hasRole(actor, 'businessUnit')) return { status: 'refused' };
  if (!deps.partnership.fastTrack) return { status: 'noSubgroup' };
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  const blocked = fastTrackBlocked(current, today(deps));
  if (blocked) return { status: 'notOpen', record: current, why: blocked };
  const at = deps.now().toISOString();
  let sent = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      sent = fastTrackBlocked(r, today(deps)) === undefined;
      if (!sent) return r;
      const next = withBallot(r, at, undefined, true);
      const number = next.panel?.ballot?.number ?? 0;
      return {
        record: refreshCard(
          owe(next, { key: `decision-post:${number}`, kind: 'decisionPost', dueAt: at, payload: { ballot: String(number) } }),
          CASE_CARD,
          at,
        ),
        audit: [{ caseId: r.reference, at, actor, action: 'vote.fastTracked', detail: `ballot=${number}` }],
      };
    },
    { known: read },
  );
  if (!sent) return { status: 'notOpen', record, why: fastTrackBlocked(record, today(deps)) ?? 'The case changed meanwhile.' };
  return { status: 'sent', record };
}

/**
 * The panel notes each fast-track decision on its agenda (posting it): recorded on the
 * case, and a decision that ends the process closes the case now.
 */
export async function noteFastTrackDecisions(
  deps: ReviewDeps,
  input: { caller: Caller; references: string[]; panelDate?: LocalDate },
): Promise<void> {
  for (const reference of input.references) {
    const at = deps.now().toISOString();
    await updateCase(deps.store, reference, (r) => {
      if (!awaitsNoting(r)) return r;
      const decision = currentDecision(r)!;
      let next = refreshCard(withNoted(r, at, input.panelDate), CASE_CARD, at);
      const closes = CLOSING_OUTCOMES.has(decision.outcome) && !r.closedAt;
      if (closes) next = withClosed(next, at, deps.partnership.retention.closedCaseYears);
      return {
        record: next,
        audit: [
          {
            caseId: reference,
            at,
            actor: input.caller.aadObjectId,
            action: 'decision.noted',
            detail: `decision=${decision.number} panel=${input.panelDate ?? 'none'}`,
          },
          ...(closes
            ? [{ caseId: reference, at, actor: 'panel', action: 'case.closed' as const, detail: `decision=${decision.number}` }]
            : []),
        ],
      };
    });
  }
}
