/**
 * The business unit keeps a review's plan (issue 17): marks a step done, or moves its date
 * with a reason. Checked against the caller's identity, validated, recorded once, audited;
 * the step's reminders stop or move in the same write.
 */
import type { CaseRecord } from './case.js';
import { readCardForm } from './card-form.js';
import { todayFor, type Caller, type ReviewDeps } from './deps.js';
import { owe } from './effects.js';
import { parseLocalDate } from './local-date.js';
import { STEP_KINDS, withStepAdded, withStepDone, withStepMoved, type StepKind } from './plan.js';
import { businessUnitReview } from './review-access.js';
import { updateCase } from './update-case.js';

export interface StepForm {
  step: string;
  /** `done`, `move` to `dueOn` for `why`, or `add` the step `newStep` on `dueOn`. */
  change: string;
  newStep: string;
  dueOn: string;
  why: string;
}
export type StepErrors = Partial<Record<keyof StepForm, string>>;
export const MOVE_REASON_MAX = 300;

export type UpdateStepResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'noReview'; record: CaseRecord }
  | { status: 'invalid'; record: CaseRecord; form: StepForm; errors: StepErrors }
  | { status: 'done' | 'moved' | 'added' | 'unchanged'; record: CaseRecord; step: StepKind };

export async function updateStep(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown> },
): Promise<UpdateStepResult> {
  const actor = input.caller.aadObjectId;
  const access = await businessUnitReview(deps, input.caller, input.reference, 'plan.refused');
  if (access.status !== 'ok') return access;
  const { read } = access;
  const current = read.value;
  const steps = current.plan?.steps ?? [];
  const { form, errors } = readCardForm(['step', 'change', 'dueOn', 'why', 'newStep'], input.data);
  const adding = form.change === 'add';
  const step = adding
    ? STEP_KINDS.find((k) => k === form.newStep && !steps.some((s) => s.kind === k))
    : STEP_KINDS.find((k) => k === form.step && steps.some((s) => s.kind === k));
  if (!step) {
    if (adding) errors.newStep ??= 'Choose a step the plan does not have yet';
    else errors.step ??= 'Choose a step of this review';
  } else if (!adding && steps.find((s) => s.kind === step)?.doneOn) return { status: 'unchanged', record: current, step };
  if (!['done', 'move', 'add'].includes(form.change)) errors.change ??= 'Choose whether it is done, its date moves, or a step is added';
  const today = todayFor(deps);
  const to = form.change === 'move' || adding ? parseLocalDate(form.dueOn) : undefined;
  if (adding) {
    if (!to) errors.dueOn ??= form.dueOn === '' ? 'Give the date of the new step' : 'Enter a real date';
    else if (to < today) errors.dueOn ??= 'Choose today or a later date';
    else if (!deps.calendar.isWorkingDay(to)) errors.dueOn ??= 'That is not a working day; choose a working day';
  }
  if (form.change === 'move') {
    if (!to) errors.dueOn ??= form.dueOn === '' ? 'Give the new date' : 'Enter a real date';
    else if (to < today) errors.dueOn ??= 'Choose today or a later date';
    else if (!deps.calendar.isWorkingDay(to)) errors.dueOn ??= 'That is not a working day; choose a working day';
    if (form.why === '') errors.why ??= 'Say why the date moves: it is kept with the plan';
    else if (form.why.length > MOVE_REASON_MAX) errors.why ??= `Keep this to ${MOVE_REASON_MAX} characters or fewer`;
  }
  if (Object.keys(errors).length > 0 || !step) return { status: 'invalid', record: current, form, errors };

  const at = deps.now().toISOString();
  const rules = { ...deps.partnership, calendar: deps.calendar };
  let changed = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      if (adding) {
        const added = withStepAdded(r, step, { dueOn: to!, at, today }, rules);
        changed = added.record !== r;
        if (!changed) return r;
        return {
          record: owe(added.record, ...added.owed),
          audit: [{ caseId: r.reference, at, actor, action: 'plan.stepAdded', detail: `step=${step} on=${to}` }],
        };
      }
      if (form.change === 'done') {
        const next = withStepDone(r, step, { on: today, by: actor, at });
        changed = next !== r;
        return changed ? { record: next, audit: [{ caseId: r.reference, at, actor, action: 'plan.stepDone', detail: `step=${step}` }] } : r;
      }
      const moved = withStepMoved(r, step, { to: to!, reason: form.why, by: actor, at, today }, rules);
      changed = moved.record !== r;
      if (!changed) return r;
      return {
        record: owe(moved.record, ...moved.owed),
        audit: [{ caseId: r.reference, at, actor, action: 'plan.stepMoved', detail: `step=${step} to=${to}` }],
      };
    },
    { known: read },
  );
  const status = adding ? 'added' : form.change === 'done' ? 'done' : 'moved';
  return { status: changed ? status : 'unchanged', record, step };
}
