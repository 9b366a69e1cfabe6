/**
 * The business unit puts a case on hold, with a reason and a date it ends (or none),
 * and takes it off hold; a hold with a date also ends by itself then. Audited, never
 * with the reason (it may name people).
 */
import type { CaseRecord } from './case.js';
import { todayFor as today, type Caller, type ReviewDeps } from './deps.js';
import { cancel, owe, oweAgain, refreshCards } from './effects.js';
import { withHold, withoutHold } from './hold.js';
import { holdEndOwed, reviewRemindersOwed, withRemindersReplanned, withRemindersStopped } from './owed.js';
import { stepRemindersOwed } from './plan.js';
import { parseLocalDate } from './local-date.js';
import { readCardForm } from './card-form.js';
import { updateCase } from './update-case.js';

export interface HoldForm {
  reason: string;
  until: string;
}
export type HoldErrors = Partial<Record<keyof HoldForm, string>>;
export const HOLD_REASON_MAX = 1000;

export type HoldResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'invalid'; record: CaseRecord; form: HoldForm; errors: HoldErrors }
  | { status: 'held' | 'alreadyHeld'; record: CaseRecord };

export async function putOnHold(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown> },
): Promise<HoldResult> {
  if (!deps.directory.hasRole(input.caller.aadObjectId, 'businessUnit')) return { status: 'refused' };
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (current.hold) return { status: 'alreadyHeld', record: current };
  const { form, errors } = readCardForm(['reason', 'until'], input.data);
  if (form.reason === '') errors.reason ??= 'Say why the case is on hold';
  else if (form.reason.length > HOLD_REASON_MAX)
    errors.reason = `Keep this to ${HOLD_REASON_MAX} characters or fewer (now ${form.reason.length})`;
  const until = form.until === '' ? undefined : parseLocalDate(form.until);
  if (form.until !== '' && !until) errors.until = 'Enter a real date, or leave it empty to hold until further notice';
  else if (until && until <= today(deps)) errors.until = 'Choose a date after today';
  else if (until && !deps.calendar.isWorkingDay(until)) errors.until = 'That is not a working day; choose a working day';
  if (Object.keys(errors).length > 0) return { status: 'invalid', record: current, form, errors };

  const since = deps.now().toISOString();
  const hold = { since, sinceOn: today(deps), reason: form.reason, by: input.caller.aadObjectId, ...(until && { until }) };
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const held = withHold(r, hold);
      if (held === r) return r;
      // Its reminders stop, its end (if dated) is owed, and its cards show it: in the hold's own write.
      const owed = owe(withRemindersStopped(held, since), ...holdEndOwed(held, deps.partnership));
      return {
        record: refreshCards(owed, since),
        audit: [
          {
            caseId: r.reference,
            at: since,
            actor: input.caller.aadObjectId,
            action: 'case.onHold',
            detail: `until=${until ?? 'further notice'}`,
          },
        ],
      };
    },
    { known: read },
  );
  if (record.hold?.since !== since || record.hold.by !== input.caller.aadObjectId) return { status: 'alreadyHeld', record };
  return { status: 'held', record };
}

export type ReleaseResult =
  { status: 'refused' | 'notFound' | 'notHeld' } | { status: 'released'; record: CaseRecord; heldWorkingDays: number };

/**
 * Takes a case off hold: by a business-unit member, or by Panel (`'panel'`) when its date
 * comes. `since` names the hold meant, so a late timer cannot end a newer hold.
 */
export async function takeOffHold(
  deps: ReviewDeps,
  input: { caller: Caller | 'panel'; reference: string; since?: string },
): Promise<ReleaseResult> {
  const actor = input.caller === 'panel' ? 'panel' : input.caller.aadObjectId;
  if (input.caller !== 'panel' && !deps.directory.hasRole(actor, 'businessUnit')) return { status: 'refused' };
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (!current.hold || (input.since && current.hold.since !== input.since)) return { status: 'notHeld' };
  let held = 0;
  let released = false;
  const at = deps.now().toISOString();
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = release(deps, r, input.since);
      released = next !== undefined;
      if (!next) return r;
      held = next.heldWorkingDays;
      return { record: next.record, audit: [{ caseId: r.reference, at, actor, action: 'case.offHold', detail: `workingDays=${held}` }] };
    },
    { known: read },
  );
  if (!released) return { status: 'notHeld' };
  return { status: 'released', record, heldWorkingDays: held };
}

/**
 * The case taken off hold today, if it is held (by the hold that began at `since`, when
 * given): its deadlines moved on, its reminders planned again from today, its cards
 * brought up to date. Undefined if it is not that hold. Pure: the hold's end effect runs
 * it in its own outcome's write.
 */
export function release(deps: ReviewDeps, record: CaseRecord, since?: string): { record: CaseRecord; heldWorkingDays: number } | undefined {
  if (!record.hold || (since && record.hold.since !== since)) return undefined;
  const day = today(deps);
  const plan = { ...deps.partnership, calendar: deps.calendar };
  // Its end, if dated, is no longer owed: taken off by hand, the hold's own end effect finds nothing to do.
  const ended = cancel(
    record,
    (e) => e.kind === 'holdEnd' && e.payload?.since === record.hold?.since,
    'the hold has ended',
    deps.now().toISOString(),
  );
  const next = withoutHold(ended, day, deps.calendar);
  const replanned = oweAgain(
    withRemindersReplanned(next.record, day, plan),
    ...reviewRemindersOwed(next.record, day, plan),
    ...stepRemindersOwed(next.record.plan?.steps ?? [], day, plan),
  );
  return { record: refreshCards(replanned, deps.now().toISOString()), heldWorkingDays: next.heldWorkingDays };
}
