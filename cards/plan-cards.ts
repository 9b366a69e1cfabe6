/**
 * A review's plan, for the business unit, one to one: each step with its owner and date,
 * done or not, and each move of its date with why; and the form to mark a step done or
 * move its date.
 */
import type { AnonymousCase } from '../review/case.js';
import { MOVE_REASON_MAX, type StepErrors, type StepForm } from '../review/plan-actions.js';
import { LINK_MAX, type PublicationErrors, type PublicationForm } from '../review/publication-actions.js';
import { CHECK_NAMES, PUBLICATION_CHECKS, type Publication } from '../review/publication.js';
import { STEPS, type PlanStep, type StepOwner } from '../review/plan.js';
import { formCard, problemsBanner, type SectionSpec } from './form.js';
import { anonymousFacts, date, type Fact } from './labels.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

type Field = keyof StepForm | keyof PublicationForm;

const OWNER_NAMES: Record<StepOwner, string> = {
  businessUnit: 'the business unit',
  reviewer: 'the reviewer',
  leads: "the agencies' leads",
};

function stepFact(step: PlanStep): Fact {
  const moved = step.moves?.length ? ` (moved from ${date(step.moves.at(-1)!.from)}: ${step.moves.at(-1)!.reason})` : '';
  const state = step.doneOn ? `done ${date(step.doneOn)}` : `due ${date(step.dueOn)}${moved}`;
  return { title: STEPS[step.kind].name, value: `${state}; ${OWNER_NAMES[STEPS[step.kind].owner]}` };
}

export function planCard(view: {
  record: AnonymousCase;
  steps: readonly PlanStep[];
  today: string;
  publication?: Publication;
  form?: Partial<StepForm & PublicationForm>;
  errors?: StepErrors & PublicationErrors;
  notice?: string;
}): AdaptiveCardJson {
  const published = view.publication;
  const values = {
    ...(published && { publishOn: published.on, checks: published.checks.join(','), link: published.link ?? '' }),
    ...view.form,
  };
  const open = view.steps.filter((s) => !s.doneOn);
  const errors = view.errors ?? {};
  const banner = view.notice ? { text: view.notice, style: 'good' as const } : problemsBanner(errors, 'Nothing is changed yet');
  const reference = view.record.reference;
  const update: SectionSpec<Field> = {
    key: 'update',
    title: 'Update a step',
    intro: 'Mark a step done, or move its date and say why.',
    fields: [
      {
        id: 'step',
        label: 'Step',
        type: 'choice',
        choiceStyle: 'compact',
        choices: open.map((s) => ({ title: `${STEPS[s.kind].name} (${date(s.dueOn)})`, value: s.kind })),
      },
      {
        id: 'change',
        label: 'Change',
        type: 'choice',
        choiceStyle: 'expanded',
        choices: [
          { title: 'It is done', value: 'done' },
          { title: 'Move its date', value: 'move' },
        ],
      },
      { id: 'dueOn', label: 'New date (to move it)', type: 'date' },
      { id: 'why', label: 'Why it moves', type: 'multiline' },
    ],
  };
  const publication: SectionSpec<Field> = {
    key: 'publication',
    title: 'Publication',
    intro:
      'The report and its notice to the National Panel, Ofsted and the Secretary of State are due 7 working days before it (a statutory duty). Tick the checklist as each is done.',
    fields: [
      { id: 'publishOn', label: 'Publication date', type: 'date' },
      { id: 'link', label: 'Once published: the link to the report', type: 'text', placeholder: 'https://…' },
      {
        id: 'checks',
        label: 'Before publication',
        type: 'multichoice',
        choices: PUBLICATION_CHECKS.map((c) => ({ title: CHECK_NAMES[c], value: c })),
      },
    ],
  };
  return formCard<Field>({
    heading: `Review plan: ${reference} (${view.record.descriptor})`,
    subtitle: 'Shown to you only, because you are in the business unit. Every change is recorded.',
    facts: [
      ...anonymousFacts(view.record).slice(0, 4),
      ...view.steps.map(stepFact),
      ...(published?.link && published.onlineUntil
        ? [{ title: 'Published', value: `${date(published.on)}, online until at least ${date(published.onlineUntil)}` }]
        : []),
    ],
    sections: [...(open.length ? [update] : []), publication],
    values,
    errors,
    limits: { why: MOVE_REASON_MAX, checks: 400, link: LINK_MAX },
    dates: { min: view.today },
    ...(banner && { banner }),
    actions: [
      ...(open.length ? [{ title: 'Update the plan', verb: VERBS.updatePlan, data: { reference }, style: 'positive' as const }] : []),
      { title: 'Save publication', verb: VERBS.updatePublication, data: { reference } },
      // Every step done: the business unit closes the case, and its retention starts.
      ...(open.length === 0 ? [{ title: 'Close the case', verb: VERBS.closeCase, data: { reference }, inputs: 'none' as const }] : []),
      { title: 'Back', verb: VERBS.hideCaseDetails, data: { reference }, inputs: 'none' as const },
    ],
  });
}
