/**
 * The review's action plan, one to one: the actions someone owns or oversees, by
 * agency, the overdue ones marked; the owner's form to update one, and the Learning and
 * Improvement Group's sign-off. Never in a channel: actions are free text.
 */
import { CLASS_NAMES, isOverdue, STATUS_NAMES, ACTION_STATUSES, type PlanAction, type Recommendation } from '../review/action-plan.js';
import { ACTION_LIMITS, type ActionErrors, type ActionUpdateForm } from '../review/action-plan-actions.js';
import type { LocalDate } from '../review/local-date.js';
import { formCard, problemsBanner, type FormAction, type SectionSpec } from './form.js';
import { date, type Fact } from './labels.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

/** One action of one case, as a list shows it. */
export interface ListedAction {
  reference: string;
  descriptor: string;
  recommendation: Pick<Recommendation, 'text' | 'class'>;
  action: PlanAction;
  agencyName: string;
}

/** How an action's key travels in a choice: its case and its id. */
export const actionKey = (a: { reference: string; action: { id: string } }) => `${a.reference}|${a.action.id}`;

/** A card holds this many actions at their longest; the rest are said to be there. */
export const MAX_LISTED = 30;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function actionFact(a: ListedAction, today: LocalDate): Fact {
  const state = a.action.signedOff ? 'signed off' : STATUS_NAMES[a.action.status].toLowerCase();
  const due = isOverdue(a.action, today) ? `OVERDUE since ${date(a.action.dueOn)}` : `due ${date(a.action.dueOn)}`;
  return {
    title: `${a.agencyName}, ${a.reference}`,
    value: `${clip(a.action.text, 200)} (${due}; ${state}). Success: ${clip(a.action.measure, 150)}${a.action.evidence ? `. Evidence: ${clip(a.action.evidence, 200)}` : ''}`,
  };
}

/**
 * The actions card: for an owner, their actions with the form to update one; for the
 * Learning and Improvement Group (and the business unit), every open action by agency,
 * overdue first, and the sign-off of done ones (the group only).
 */
export function actionsCard(view: {
  title: string;
  actions: ListedAction[];
  today: LocalDate;
  /** The owner's update form, for these actions. */
  canUpdate: boolean;
  /** The group's sign-off, for the done ones. */
  canSignOff: boolean;
  form?: Partial<ActionUpdateForm & { actionKey: string; signOffKey: string }>;
  errors?: ActionErrors & { actionKey?: string; signOffKey?: string };
  notice?: string;
}): AdaptiveCardJson {
  const sorted = [...view.actions].sort(
    (a, b) =>
      Number(isOverdue(b.action, view.today)) - Number(isOverdue(a.action, view.today)) ||
      a.agencyName.localeCompare(b.agencyName) ||
      (a.action.dueOn < b.action.dueOn ? -1 : 1),
  );
  const open = sorted.filter((a) => !a.action.signedOff).slice(0, MAX_LISTED);
  const toSign = open.filter((a) => a.action.status === 'done');
  type F = 'actionKey' | 'signOffKey' | keyof ActionUpdateForm;
  const sections: SectionSpec<F>[] = [];
  const actions: FormAction[] = [];
  if (view.canUpdate && open.length) {
    sections.push({
      key: 'update',
      title: 'Update an action',
      fields: [
        {
          id: 'actionKey',
          label: 'Action',
          type: 'choice',
          choiceStyle: 'compact',
          choices: open.map((a) => ({ title: `${a.reference}: ${a.action.text.slice(0, 60)}`, value: actionKey(a) })),
        },
        {
          id: 'status',
          label: 'Where it stands',
          type: 'choice',
          choiceStyle: 'expanded',
          choices: ACTION_STATUSES.map((s) => ({ title: STATUS_NAMES[s], value: s })),
        },
        { id: 'evidence', label: 'Evidence (needed once it is done)', type: 'multiline' },
      ],
    });
    actions.push({ title: 'Update', verb: VERBS.updateAction, data: {}, style: 'positive' });
  }
  if (view.canSignOff && toSign.length) {
    sections.push({
      key: 'signOff',
      title: 'Sign off a done action',
      fields: [
        {
          id: 'signOffKey',
          label: 'Action',
          type: 'choice',
          choiceStyle: 'compact',
          choices: toSign.map((a) => ({ title: `${a.reference}: ${a.action.text.slice(0, 60)}`, value: actionKey(a) })),
        },
      ],
    });
    actions.push({ title: 'Sign off', verb: VERBS.signOffAction, data: {}, style: 'positive' });
  }
  const errors = view.errors ?? {};
  const banner = view.notice ? { text: view.notice, style: 'good' as const } : problemsBanner(errors, 'Nothing is changed yet');
  const overdue = open.filter((a) => isOverdue(a.action, view.today)).length;
  return formCard<F>({
    heading: view.title,
    subtitle: `${open.length} open, ${overdue} overdue. Shown to you only; every change is recorded.`,
    facts: sorted.length
      ? [
          ...sorted.slice(0, MAX_LISTED).map((a) => actionFact(a, view.today)),
          ...(sorted.length > MAX_LISTED ? [{ title: 'And more', value: `${sorted.length - MAX_LISTED} more, overdue first above` }] : []),
        ]
      : [{ title: 'Actions', value: 'None just now.' }],
    sections,
    values: view.form ?? {},
    errors,
    limits: { evidence: ACTION_LIMITS.evidence },
    ...(banner && { banner }),
    actions,
  });
}

/** What the plan card shows of the recommendations: each with its class and how many of its actions are signed off. */
export const recommendationFacts = (recommendations: readonly Recommendation[]): Fact[] =>
  recommendations.map((r, i) => ({
    title: `Recommendation ${i + 1} (${CLASS_NAMES[r.class].toLowerCase()})`,
    value: `${clip(r.text, 120)} (${r.actions.filter((a) => a.signedOff).length} of ${r.actions.length} actions signed off)`,
  }));
