/**
 * What people do in a rapid review: the business unit starts it and closes returns;
 * leads read requests and hand them on (their returns are in `return-actions.ts`);
 * entitled roles read the collation.
 * Each action checks the caller's role from their identity, is audited, and has one
 * effect however often it is delivered.
 */
import type { StoredReturn } from './agency-return.js';
import type { CaseRecord } from './case.js';
import { recordAudit as audit, todayFor as today, type Caller, type ReviewDeps } from './deps.js';
import { CASE_CARD, owe, refreshCard, refreshCards, type Owed } from './effects.js';
import { allTargets, cancelReminders, requestsOwed, type Origin } from './owed.js';
import { parseLocalDate, type LocalDate } from './local-date.js';
import type { Person } from './partnership.js';
import { requestFor, unreached, withDelegate, withPanelAfterRequests, withRapidReview, withReturnsClosed } from './rapid-review.js';
import { readCardForm } from './card-form.js';
import { entitled, type Refused } from './return-actions.js';
import { approverFor } from './approval.js';
import { closesAs, mayVote, votingOf } from './decision-actions.js';
import { updateCase } from './update-case.js';

const isBusinessUnit = (deps: ReviewDeps, caller: Caller) => deps.directory.hasRole(caller.aadObjectId, 'businessUnit');

/** The start card's inputs: agencies as the multi-select sends them ("la,police"), and the due date. */
export interface StartForm {
  agencies: string;
  dueOn: string;
}
export type StartErrors = Partial<Record<keyof StartForm, string>>;

/** The agencies a multi-select sent ("la,police"), each once. */
const agenciesIn = (value: string): string[] => [
  ...new Set(
    value
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  ),
];

function checkStart(deps: ReviewDeps, data: Record<string, unknown>): { form: StartForm; errors: StartErrors } {
  const { form, errors } = readCardForm(['agencies', 'dueOn'], data);
  const known = new Set(deps.partnership.agencies.map((a) => a.id));
  const chosen = agenciesIn(form.agencies);
  if (chosen.length === 0) errors.agencies ??= 'Choose at least one agency';
  else if (chosen.some((a) => !known.has(a))) errors.agencies = 'Choose agencies from the list';
  const due = parseLocalDate(form.dueOn);
  if (form.dueOn === '') errors.dueOn ??= 'Choose the date returns are due';
  else if (!due) errors.dueOn = 'Enter a real date';
  else if (due <= today(deps)) errors.dueOn = 'Choose a date after today, so agencies have time to answer';
  else if (!deps.calendar.isWorkingDay(due)) errors.dueOn = 'That is not a working day; choose a working day';
  return { form, errors };
}

export type StartResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'invalid'; record: CaseRecord; form: StartForm; errors: StartErrors }
  | { status: 'started' | 'alreadyStarted'; record: CaseRecord };

/**
 * The business unit starts the rapid review: one request per chosen agency, to its
 * leads, owed in the same write as the start (with a word in the case's thread for each
 * agency nobody could be sent it for). Pressing Confirm twice, or two members at once,
 * starts it once.
 */
export async function startRapidReview(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown>; origin: Origin },
): Promise<StartResult> {
  if (!isBusinessUnit(deps, input.caller)) return { status: 'refused' };
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (current.rapidReview) return { status: 'alreadyStarted', record: current };
  const { form, errors } = checkStart(deps, input.data);
  if (Object.keys(errors).length > 0) return { status: 'invalid', record: current, form, errors };

  const at = deps.now().toISOString();
  const agencies = agenciesIn(form.agencies);
  const dueOn = form.dueOn as LocalDate;
  let startedNow = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      startedNow = !r.rapidReview;
      if (r.rapidReview) return r;
      const listed = withPanelAfterRequests(r, today(deps), {
        panel: deps.partnership.panel,
        settings: deps.partnership.clocks,
        calendar: deps.calendar,
      });
      const started = withRapidReview(listed, { agencies, dueOn, by: input.caller.aadObjectId, at }, deps.partnership);
      const nobody: Owed[] = (started.rapidReview?.requests ?? [])
        .filter((req) => req.addressees.length === 0)
        .map((req) => ({
          key: `notice:no-lead:${req.agencyId}`,
          kind: 'threadNotice',
          dueAt: at,
          payload: {
            text: `${r.reference}: no safeguarding lead of ${agencyName(deps, req.agencyId)} is listed in the partnership file, so nobody was sent its request. Ask the administrator to add one.`,
          },
        }));
      return {
        record: refreshCard(owe(started, ...requestsOwed(allTargets(started), input.origin, at), ...nobody), CASE_CARD, at),
        audit: [
          {
            caseId: r.reference,
            at,
            actor: input.caller.aadObjectId,
            action: 'rapidReview.started',
            detail: `agencies=${agencies.join(',')} due=${dueOn}`,
          },
        ],
      };
    },
    { known: read },
  );
  return { status: startedNow ? 'started' : 'alreadyStarted', record };
}

const agencyName = (deps: ReviewDeps, id: string) => deps.partnership.agencies.find((a) => a.id === id)?.name ?? id;

export type ResendResult = { status: 'refused' | 'notFound' | 'notStarted' } | { status: 'resent'; record: CaseRecord; count: number };

/**
 * The business unit tries again to reach the leads Panel could not (once they have opened
 * Panel in Teams): each a new attempt, owed once however often it is pressed.
 */
export async function resendUndelivered(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; origin: Origin },
): Promise<ResendResult> {
  if (!isBusinessUnit(deps, input.caller)) return { status: 'refused' };
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (!current.rapidReview) return { status: 'notStarted' };
  let count = 0;
  const at = deps.now().toISOString();
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const targets = r.rapidReview ? unreached(r.rapidReview).map((t) => ({ ...t, attempt: t.attempt + 1 })) : [];
      const owed = requestsOwed(targets, input.origin, at).filter((o) => !r.effects?.[o.key]);
      count = owed.length;
      return owe(r, ...owed);
    },
    { known: read },
  );
  return { status: 'resent', record, count };
}

/** The colleagues of an agency a request can be handed to: everyone listed with it, but the caller. */
export function colleaguesOf(deps: Pick<ReviewDeps, 'partnership'>, agencyId: string, caller: Caller): Person[] {
  return deps.partnership.people.filter((p) => p.agency === agencyId && p.aadObjectId.toLowerCase() !== caller.aadObjectId.toLowerCase());
}

export type DelegateResult =
  | Refused
  | { status: 'notLead' }
  | { status: 'invalid'; record: CaseRecord; error: string }
  | { status: 'delegated'; record: CaseRecord; to: Person; already: boolean };

/** Whether the caller is one of the agency's safeguarding leads (not a colleague it was handed to). */
export const isLeadOf = (deps: Pick<ReviewDeps, 'directory'>, caller: Caller, agencyId: string): boolean => {
  const person = deps.directory.find(caller.aadObjectId);
  return person?.agency === agencyId && person.roles.includes('lead');
};

/**
 * The request card, for someone who may answer it: it names the person under review,
 * so each showing is audited like any other view of the case.
 */
export async function viewRequest(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string },
): Promise<Refused | { status: 'ok'; record: CaseRecord }> {
  const standing = await entitled(deps, input, true);
  if (standing.status === 'ok') {
    await audit(deps, input.reference, input.caller.aadObjectId, 'case.viewed', `via=request agency=${input.agencyId}`);
  }
  return standing;
}

/**
 * A lead hands the request to a named colleague of the same agency, who may then
 * answer it. Only a lead hands it on: a colleague it was handed to answers it, or
 * gives it back to the lead.
 */
export async function delegateRequest(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId: string; to: unknown; origin: Origin },
): Promise<DelegateResult> {
  const standing = await entitled(deps, input, true);
  if (standing.status !== 'ok') return standing;
  if (!isLeadOf(deps, input.caller, input.agencyId)) {
    await audit(deps, input.reference, input.caller.aadObjectId, 'return.refused', `agency=${input.agencyId} reason=notLead`);
    return { status: 'notLead' };
  }
  const to = colleaguesOf(deps, input.agencyId, input.caller).find(
    (p) => typeof input.to === 'string' && p.aadObjectId.toLowerCase() === input.to.toLowerCase(),
  );
  if (!to) return { status: 'invalid', record: standing.record, error: 'Choose a colleague from the list' };
  const already =
    requestFor(standing.record, input.agencyId)?.addressees.some((a) => a.aadObjectId.toLowerCase() === to.aadObjectId.toLowerCase()) ??
    false;
  const at = deps.now().toISOString();
  const target = { agencyId: input.agencyId, aadObjectId: to.aadObjectId, attempt: 1 };
  let added = false;
  const record = await updateCase(deps.store, input.reference, (r) => {
    added = !requestFor(r, input.agencyId)?.addressees.some((a) => a.aadObjectId.toLowerCase() === to.aadObjectId.toLowerCase());
    const next = owe(
      withDelegate(r, input.agencyId, { to: to.aadObjectId, by: input.caller.aadObjectId, at }),
      ...requestsOwed([target], input.origin, at),
    );
    if (!added) return next;
    return {
      record: next,
      audit: [
        {
          caseId: r.reference,
          at,
          actor: input.caller.aadObjectId,
          action: 'rapidReview.delegated',
          detail: `agency=${input.agencyId} to=${to.aadObjectId}`,
        },
      ],
    };
  });
  return { status: 'delegated', record, to, already: already || !added };
}

export type CloseResult = { status: 'refused' | 'notFound' | 'notStarted' } | { status: 'closed' | 'alreadyClosed'; record: CaseRecord };

/** The business unit closes returns: no more answers or amendments, and the collation is built. */
export async function closeReturns(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<CloseResult> {
  if (!isBusinessUnit(deps, input.caller)) return { status: 'refused' };
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (!current.rapidReview) return { status: 'notStarted' };
  if (current.rapidReview.closed?.reason === 'closedByBusinessUnit') return { status: 'alreadyClosed', record: current };
  const at = deps.now().toISOString();
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const closed = withReturnsClosed(r, input.caller.aadObjectId, at);
      if (closed === r || closed.rapidReview?.closed?.at !== at) return r;
      return {
        record: refreshCards(cancelReminders(closed, undefined, 'returns are closed', at), at),
        audit: [
          { caseId: r.reference, at, actor: input.caller.aadObjectId, action: 'rapidReview.closed', detail: 'reason=closedByBusinessUnit' },
        ],
      };
    },
    { known: read },
  );
  if (record.rapidReview?.closed?.at !== at) return { status: 'alreadyClosed', record };
  return { status: 'closed', record };
}

export type CollationResult =
  { status: 'refused' | 'notFound' | 'notReady' } | { status: 'collated'; record: CaseRecord; returns: Map<string, StoredReturn> };

/**
 * The collated returns, agency by agency, for the business unit and the panel's
 * members and chair: read one to one or in a view only they see. Audited, refusals too.
 */
export async function collation(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; agencyId?: string },
): Promise<CollationResult> {
  const record = await deps.store.getCase(input.reference);
  if (!record) return { status: 'notFound' };
  // The business unit, and whoever decides on this case: its voters, whoever closes its vote, its approver.
  const me = input.caller.aadObjectId;
  const mayRead =
    deps.directory.hasRole(me, 'businessUnit') ||
    mayVote(deps, me, votingOf(record)) ||
    closesAs(deps, me, record.kind) !== undefined ||
    approverFor(deps.partnership, record.kind) === me.toLowerCase();
  if (!mayRead) {
    await audit(deps, record.reference, me, 'collation.view.refused');
    return { status: 'refused' };
  }
  // The referral's own account is there for the panel before any return is (a case the business unit listed by hand).
  if (!record.rapidReview?.closed && input.agencyId !== 'referral') return { status: 'notReady' };
  const items = record.rapidReview?.closed ? await deps.store.listCaseItems<StoredReturn>(record.reference, 'return') : [];
  const byId = new Map(items.map((i) => [i.id, i.doc]));
  const returns = new Map<string, StoredReturn>();
  for (const request of record.rapidReview?.requests ?? []) {
    const current = request.current && byId.get(request.current.itemId);
    if (current) returns.set(request.agencyId, current);
  }
  // Card data only chooses which of what the caller may read is shown: a return, or the referral's account.
  const part =
    input.agencyId === 'referral'
      ? 'part=referral'
      : input.agencyId && returns.has(input.agencyId)
        ? `agency=${input.agencyId}`
        : undefined;
  await audit(deps, record.reference, input.caller.aadObjectId, 'collation.viewed', part);
  return { status: 'collated', record, returns };
}
