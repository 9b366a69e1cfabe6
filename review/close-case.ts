import type { CaseRecord } from './case.js';
import type { Outcome } from './decision.js';
import type { Caller, ReviewDeps } from './deps.js';
import { cancel, owe, refreshCards, SCHEDULED } from './effects.js';
import { addMonths, type LocalDate } from './local-date.js';
import { updateCase } from './update-case.js';
import { actionsOf } from './action-plan.js';

/** Decisions that end the partnership's process: nothing follows them but the feedback. */
export const CLOSING_OUTCOMES: ReadonlySet<Outcome> = new Set(['noReview', 'otherProcess']);

/**
 * The case closed at `at`, its retention clock started: after the partnership's
 * `retention.closedCaseYears`, everything about it is deleted (by TTL in Cosmos DB, by the
 * scheduled purge in SQLite). A case closed already keeps its first close. Its cards show it.
 */
export function withClosed(record: CaseRecord, at: string, closedCaseYears: number): CaseRecord {
  if (record.closedAt) return record;
  const expiryDay = addMonths(at.slice(0, 10) as LocalDate, 12 * closedCaseYears);
  // Nothing more is chased: its reminders go with the close. Its retention is owed with it.
  // A statutory duty is not discharged by closing: its reminders go on until it is recorded.
  const quiet = cancel(
    record,
    (e) => (SCHEDULED.has(e.kind) && e.kind !== 'dutyReminder') || e.kind === 'leadRequest' || e.kind === 'holdEnd',
    'the case is closed',
    at,
  );
  const closed = owe(
    { ...quiet, stage: 'closed', closedAt: at, expiresAt: `${expiryDay}${at.slice(10)}` },
    { key: 'retention', kind: 'retention', dueAt: at },
  );
  return refreshCards(closed, at);
}

/**
 * Why a review cannot close yet: its plan's steps not done, and its actions not signed off
 * by the Learning and Improvement Group. Undefined for a case with no review, or a
 * review carried out.
 */
export function reviewUnfinished(record: CaseRecord): string | undefined {
  if (!record.plan) return undefined;
  const steps = record.plan.steps.filter((s) => !s.doneOn).length;
  const actions = actionsOf(record).filter((a) => !a.signedOff).length;
  const owed = [
    ...(steps ? [`${steps} ${steps === 1 ? 'step' : 'steps'} of its plan not done`] : []),
    ...(actions ? [`${actions} ${actions === 1 ? 'action' : 'actions'} not signed off by the Learning and Improvement Group`] : []),
  ];
  return owed.length ? owed.join(', and ') : undefined;
}

export type CloseCaseResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'closed' | 'alreadyClosed'; record: CaseRecord }
  | { status: 'reviewUnfinished'; record: CaseRecord; reason: string };

/** The business unit closes a case: audited, and its retention owed in the same write. */
export async function closeCase(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<CloseCaseResult> {
  if (!deps.directory.hasRole(input.caller.aadObjectId, 'businessUnit')) return { status: 'refused' };
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (current.closedAt) return { status: 'alreadyClosed', record: current };
  const unfinished = reviewUnfinished(current);
  if (unfinished) return { status: 'reviewUnfinished', record: current, reason: unfinished };
  const at = deps.now().toISOString();
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const closed = withClosed(r, at, deps.partnership.retention.closedCaseYears);
      if (closed === r) return r;
      return { record: closed, audit: [{ caseId: r.reference, at, actor: input.caller.aadObjectId, action: 'case.closed' }] };
    },
    { known: read },
  );
  if (record.closedAt !== at) return { status: 'alreadyClosed', record };
  return { status: 'closed', record };
}
