import type { TurnContext } from 'botbuilder';
import { planCard } from '../../cards/plan-cards.js';
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

type Extra = Pick<Parameters<typeof planCard>[0], 'form' | 'errors' | 'notice'>;

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
  return planCardFor(deps, record);
}

/** `plan.update`: a step marked done, or its date moved with a reason; the card comes back with the plan as it now is. */
export async function updatePlan(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const result = await updateStep(deps.review, { ...action, data });
  deps.log.info({ verb: 'plan.update', reference: action.reference, outcome: result.status }, 'plan');
  switch (result.status) {
    case 'refused':
      return BUSINESS_UNIT_ONLY;
    case 'notFound':
      return NOT_FOUND;
    case 'noPlan':
      return caseCardOf(deps, result.record);
    case 'invalid':
      return planCardFor(deps, result.record, { form: result.form, errors: result.errors });
    case 'unchanged':
      return planCardFor(deps, result.record, { notice: 'That step is done already.' });
    case 'done':
    case 'moved':
    case 'added':
      runAfterTurn(deps, result.record.reference);
      return planCardFor(deps, result.record, { notice: STEP_NOTICES[result.status] });
  }
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
  deps.log.info({ verb: 'publication.update', reference: action.reference, outcome: result.status }, 'publication');
  switch (result.status) {
    case 'refused':
      return BUSINESS_UNIT_ONLY;
    case 'notFound':
      return NOT_FOUND;
    case 'noReview':
      return caseCardOf(deps, result.record);
    case 'invalid':
      return planCardFor(deps, result.record, { form: result.form, errors: result.errors });
    case 'unchanged':
      return planCardFor(deps, result.record, { notice: 'Nothing changed.' });
    case 'saved':
      runAfterTurn(deps, result.record.reference);
      return planCardFor(deps, result.record, { notice: 'Publication saved.' });
  }
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
  deps.log.info({ verb: 'publication.notPublishing', reference: action.reference, outcome: result.status }, 'publication');
  switch (result.status) {
    case 'refused':
      return BUSINESS_UNIT_ONLY;
    case 'notFound':
      return NOT_FOUND;
    case 'noReview':
      return caseCardOf(deps, result.record);
    case 'invalid':
      return planCardFor(deps, result.record, { form: result.form, errors: result.errors });
    case 'unchanged':
      return planCardFor(deps, result.record, { notice: 'The decision not to publish is recorded already.' });
    case 'recorded':
      runAfterTurn(deps, result.record.reference);
      return planCardFor(deps, result.record, { notice: 'The decision not to publish is recorded.' });
  }
}
