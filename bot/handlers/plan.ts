import type { TurnContext } from 'botbuilder';
import { planCard } from '../../cards/plan-cards.js';
import { reviewThreadCard } from '../../cards/review-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { anonymise, type CaseRecord } from '../../review/case.js';
import { recordAudit } from '../../review/deps.js';
import { localDateOf } from '../../review/local-date.js';
import { updateStep } from '../../review/plan-actions.js';
import { proposedAgencies, proposedReportsDue } from '../../review/agency-reports.js';
import { recordNotPublishing, setPublication } from '../../review/publication-actions.js';
import { runAfterTurn } from '../after-turn.js';
import { callerOf } from '../caller.js';
import { caseCardOf } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, NOT_FOUND } from './card-data.js';
import { BUSINESS_UNIT_ONLY, businessUnitCase } from './rapid-review.js';

const STEP_NOTICES = {
  done: 'The step is marked done.',
  moved: "The step's date is moved.",
  added: 'The step is added to the plan.',
} as const;

type Extra = Pick<Parameters<typeof planCard>[0], 'form' | 'errors' | 'notice' | 'from'>;

/** Whether a plan card's button was pressed on a plan opened from the review's card. */
export const fromOf = (data: Record<string, unknown>): Pick<Extra, 'from'> => (data.from === 'review' ? { from: 'review' } : {});

/** The review's plan card, for a business-unit member: its steps, its agency reports, its publication. */
export function planCardFor(deps: PanelDeps, record: CaseRecord, extra: Extra = {}) {
  const { partnership, now } = deps.review;
  const today = localDateOf(now(), partnership.timezone);
  const due = proposedReportsDue(record);
  return planCard({
    record: anonymise(record),
    steps: record.plan?.steps ?? [],
    ...(record.publication && { publication: record.publication }),
    ...(record.notPublished && { notPublished: record.notPublished }),
    today,
    agencies: partnership.agencies.map((a) => ({ title: a.name, value: a.id })),
    meetings: record.meetings ?? [],
    people: partnership.people.map((p) => {
      const agency = partnership.agencies.find((a) => a.id === p.agency)?.name;
      return { title: agency ? `${p.name} (${agency})` : p.name, value: p.aadObjectId };
    }),
    submissionId: deps.newId(),
    recommendations: record.recommendations ?? [],
    leads: partnership.people
      .filter((p) => p.roles.includes('lead') && p.agency)
      .map((p) => ({
        title: `${p.name} (${partnership.agencies.find((a) => a.id === p.agency)?.name ?? p.agency})`,
        value: p.aadObjectId,
      })),
    reports: record.reports
      ? {
          dueOn: record.reports.dueOn,
          agencies: record.reports.requests.map((r) => ({
            name: partnership.agencies.find((a) => a.id === r.agencyId)?.name ?? r.agencyId,
            returned: r.current !== undefined,
            noLead: r.addressees.length === 0,
          })),
        }
      : { proposed: { reportAgencies: proposedAgencies(record, partnership).join(','), reportsDue: due && due > today ? due : '' } },
    ...extra,
  });
}

/** `plan.show`: the review's plan, to a business-unit member only; the view is audited. */
export async function showPlan(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const record = await businessUnitCase(context, deps, data);
  if (typeof record === 'string') return record;
  if (!record.plan || record.closedAt) return caseCardOf(deps, record);
  await recordAudit(deps.review, record.reference, callerOf(context)?.aadObjectId ?? '', 'plan.viewed');
  return planCardFor(deps, record, fromOf(data));
}

/** `review.show`: back to the review's card, as the case's thread shows it (dates and counts only). */
export async function showReview(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const record = await deps.review.store.getCase(action.reference);
  if (!record) return NOT_FOUND;
  return reviewThreadCard(anonymise(record), localDateOf(deps.review.now(), deps.review.partnership.timezone));
}

/**
 * What a plan card's action came to, as every use case behind the plan card answers:
 * `refused` or `notFound`; `noReview` (no review to change: none started, or
 * the case is closed); `invalid`, with the form and its problems; or what was done.
 */
interface PlanCardResult {
  status: string;
  record?: CaseRecord;
  form?: Extra['form'];
  errors?: Extra['errors'];
}

/**
 * The answer to a plan card's action: refused to anyone outside the business unit, the
 * card again with its problems beside their fields, or the plan as it now is with what
 * was done (`said`, by status). A change (any status but `unchanged`'s) is followed by its effects.
 */
export function planAnswer(
  deps: PanelDeps,
  verb: string,
  { reference, data }: { reference: string; data: Record<string, unknown> },
  result: PlanCardResult,
  said: Record<string, string>,
  unchanged: readonly string[] = ['unchanged'],
): AdaptiveCardJson | string {
  deps.log.info({ verb, reference, outcome: result.status }, 'review');
  const { record } = result;
  if (result.status === 'refused') return BUSINESS_UNIT_ONLY;
  if (!record) return NOT_FOUND;
  if (result.status === 'noReview') return caseCardOf(deps, record);
  const from = fromOf(data);
  if (result.status === 'invalid')
    return planCardFor(deps, record, {
      ...from,
      ...(result.form && { form: result.form }),
      ...(result.errors && { errors: result.errors }),
    });
  if (!unchanged.includes(result.status)) runAfterTurn(deps, record.reference);
  return planCardFor(deps, record, { ...from, notice: said[result.status] ?? 'Saved.' });
}

/** `plan.update`: a step marked done, moved with a reason, or added; the card comes back with the plan as it now is. */
export async function updatePlan(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await updateStep(deps.review, { ...action, data });
  return planAnswer(deps, 'plan.update', { reference: action.reference, data }, result, {
    ...STEP_NOTICES,
    unchanged: 'That step is done already.',
  });
}

/** `publication.update`: the publication date (its notice due 7 working days before) and the checklist. */
export async function updatePublication(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await setPublication(deps.review, { ...action, data });
  return planAnswer(deps, 'publication.update', { reference: action.reference, data }, result, {
    saved: 'Publication saved.',
    unchanged: 'Nothing changed.',
  });
}

/** `publication.notPublishing`: a decision not to publish, its reasons, and that the National Panel and the Secretary of State were told. */
export async function notPublishing(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await recordNotPublishing(deps.review, { ...action, data });
  const said = { recorded: 'The decision not to publish is recorded.', unchanged: 'The decision not to publish is recorded already.' };
  return planAnswer(deps, 'publication.notPublishing', { reference: action.reference, data }, result, said);
}
