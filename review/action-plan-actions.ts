/**
 * The action plan's actions (see action-plan.ts): the business unit adds them; each
 * owner updates theirs one to one; the Learning and Improvement Group signs them off.
 * Each checks the caller's standing from their identity, is validated, recorded once,
 * and audited (never with the action's words: they stay in the case).
 */
import {
  actionOf,
  ACTION_STATUSES,
  RECOMMENDATION_CLASSES,
  withAction,
  withActionUpdate,
  withSignOff,
  type ActionStatus,
  type RecommendationClass,
} from './action-plan.js';
import type { CaseRecord } from './case.js';
import { readCardForm } from './card-form.js';
import { todayFor, type Caller, type ReviewDeps } from './deps.js';
import { owe } from './effects.js';
import { parseLocalDate } from './local-date.js';
import type { Origin } from './owed.js';
import { businessUnitReview } from './review-access.js';
import { updateCase } from './update-case.js';

export const ACTION_FIELDS = [
  'recommendation',
  'recommendationText',
  'recommendationClass',
  'actionText',
  'owner',
  'actionDue',
  'measure',
] as const;
export type ActionForm = Record<(typeof ACTION_FIELDS)[number], string>;
export const UPDATE_FIELDS = ['status', 'evidence'] as const;
export type ActionUpdateForm = Record<(typeof UPDATE_FIELDS)[number], string>;
export type ActionErrors = Partial<Record<keyof ActionForm | keyof ActionUpdateForm, string>>;
export const ACTION_LIMITS = { recommendationText: 1000, actionText: 1000, measure: 500, evidence: 1500 } as const;

/** A new recommendation, chosen in the form instead of an existing one. */
export const NEW_RECOMMENDATION = 'new';

export type AddActionResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'noReview'; record: CaseRecord }
  | { status: 'invalid'; record: CaseRecord; form: ActionForm; errors: ActionErrors }
  | { status: 'added' | 'unchanged'; record: CaseRecord };

/** The business unit adds an action, to a new recommendation or one already made; its owner is a lead of its agency. */
export async function addAction(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; submissionId: string; data: Record<string, unknown>; origin: Origin },
): Promise<AddActionResult> {
  const actor = input.caller.aadObjectId;
  const access = await businessUnitReview(deps, input.caller, input.reference, 'action.refused');
  if (access.status !== 'ok') return access;
  const { read } = access;
  const current = read.value;
  const { form, errors } = readCardForm(ACTION_FIELDS, input.data);
  const existing = (current.recommendations ?? []).find((r) => r.id === form.recommendation);
  const isNew = form.recommendation === NEW_RECOMMENDATION || form.recommendation === '';
  if (!existing && !isNew) errors.recommendation ??= 'Choose a recommendation, or a new one';
  if (isNew && form.recommendationText === '') errors.recommendationText ??= 'Give the recommendation';
  const klass = RECOMMENDATION_CLASSES.find((c) => c === form.recommendationClass);
  if (isNew && !klass) errors.recommendationClass ??= 'Choose what kind of recommendation it is';
  if (form.actionText === '') errors.actionText ??= 'Say what is to be done';
  if (form.measure === '') errors.measure ??= 'Say how success will be known';
  const owner = deps.directory.find(form.owner);
  if (!owner?.agency || !owner.roles.includes('lead')) errors.owner ??= "Choose the owner: an agency's safeguarding lead";
  const today = todayFor(deps);
  const dueOn = parseLocalDate(form.actionDue);
  if (!dueOn) errors.actionDue ??= form.actionDue === '' ? 'Give the date it is due' : 'Enter a real date';
  else if (dueOn <= today) errors.actionDue ??= 'Choose a date after today';
  else if (!deps.calendar.isWorkingDay(dueOn)) errors.actionDue ??= 'That is not a working day; choose a working day';
  for (const [f, max] of Object.entries(ACTION_LIMITS) as [keyof ActionForm, number][]) {
    if ((form[f] ?? '').length > max) errors[f] ??= `Keep this to ${max} characters or fewer`;
  }
  if (Object.keys(errors).length > 0 || !owner?.agency || !dueOn) return { status: 'invalid', record: current, form, errors };

  const at = deps.now().toISOString();
  const recommendation = existing
    ? { id: existing.id, text: existing.text, class: existing.class }
    : { id: `rec-${input.submissionId}`, text: form.recommendationText, class: klass as RecommendationClass };
  const action = {
    id: input.submissionId,
    text: form.actionText,
    agencyId: owner.agency,
    owner: owner.aadObjectId.toLowerCase(),
    dueOn,
    measure: form.measure,
    status: 'notStarted' as const,
  };
  const rules = { ...deps.partnership, calendar: deps.calendar };
  let added = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = withAction(r, { recommendation, action, at }, today, rules, input.origin);
      added = next.record !== r;
      if (!added) return r;
      return {
        record: owe(next.record, ...next.owed),
        audit: [{ caseId: r.reference, at, actor, action: 'action.added', detail: `agency=${action.agencyId} due=${dueOn}` }],
      };
    },
    { known: read },
  );
  return { status: added ? 'added' : 'unchanged', record };
}

export type ActionChangeResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'invalid'; record: CaseRecord; form: ActionUpdateForm; errors: ActionErrors }
  | { status: 'updated' | 'unchanged' | 'signedOff'; record: CaseRecord };

/** The owner (or a lead of the owner's agency) updates the action's status and evidence. */
export async function updateAction(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; actionId: string; data: Record<string, unknown> },
): Promise<ActionChangeResult> {
  const actor = input.caller.aadObjectId;
  const read = await deps.store.getCaseVersion(input.reference);
  const action = read && actionOf(read.value, input.actionId);
  if (!read || !action) return { status: 'notFound' };
  const person = deps.directory.find(actor);
  const mayUpdate = action.owner === actor.toLowerCase() || (person?.agency === action.agencyId && person.roles.includes('lead'));
  if (!mayUpdate || read.value.closedAt) {
    await deps.store.appendAudit({
      caseId: input.reference,
      at: deps.now().toISOString(),
      actor,
      action: 'action.refused',
      detail: 'update',
    });
    return { status: 'refused' };
  }
  if (action.signedOff) return { status: 'signedOff', record: read.value };
  const { form, errors } = readCardForm(UPDATE_FIELDS, input.data);
  const status = ACTION_STATUSES.find((s) => s === form.status);
  if (!status) errors.status ??= 'Choose where the action stands';
  if (status === 'done' && form.evidence === '') errors.evidence ??= 'Give the evidence that it is done';
  if (form.evidence.length > ACTION_LIMITS.evidence) errors.evidence ??= `Keep this to ${ACTION_LIMITS.evidence} characters or fewer`;
  if (Object.keys(errors).length > 0 || !status) return { status: 'invalid', record: read.value, form, errors };

  const at = deps.now().toISOString();
  let updated = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = withActionUpdate(r, input.actionId, { status: status satisfies ActionStatus, evidence: form.evidence, by: actor, at });
      updated = next !== r;
      if (!updated) return r;
      return {
        record: next,
        audit: [{ caseId: r.reference, at, actor, action: 'action.updated', detail: `agency=${action.agencyId} status=${status}` }],
      };
    },
    { known: read },
  );
  return { status: updated ? 'updated' : 'unchanged', record };
}

/** The Learning and Improvement Group signs a done action off. */
export async function signOffAction(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; actionId: string },
): Promise<ActionChangeResult | { status: 'notDone'; record: CaseRecord }> {
  const actor = input.caller.aadObjectId;
  const read = await deps.store.getCaseVersion(input.reference);
  const action = read && actionOf(read.value, input.actionId);
  if (!read || !action) return { status: 'notFound' };
  if (!deps.directory.hasRole(actor, 'learningGroup')) {
    await deps.store.appendAudit({
      caseId: input.reference,
      at: deps.now().toISOString(),
      actor,
      action: 'action.refused',
      detail: 'signOff',
    });
    return { status: 'refused' };
  }
  if (action.signedOff) return { status: 'unchanged', record: read.value };
  if (action.status !== 'done') return { status: 'notDone', record: read.value };
  const at = deps.now().toISOString();
  let signed = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = withSignOff(r, input.actionId, actor, at);
      signed = next !== r;
      if (!signed) return r;
      return { record: next, audit: [{ caseId: r.reference, at, actor, action: 'action.signedOff', detail: `agency=${action.agencyId}` }] };
    },
    { known: read },
  );
  return { status: signed ? 'signedOff' : 'unchanged', record };
}
