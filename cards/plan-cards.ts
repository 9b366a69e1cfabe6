/**
 * A review's plan, for the business unit, one to one: each step with its owner and date,
 * done or not, and each move of its date with why; and the form to mark a step done or
 * move its date.
 */
import type { AnonymousCase } from '../review/case.js';
import type { LocalDate } from '../review/local-date.js';
import { ACTION_LIMITS, NEW_RECOMMENDATION, type ActionErrors, type ActionForm } from '../review/action-plan-actions.js';
import { CLASS_NAMES, RECOMMENDATION_CLASSES, type Recommendation } from '../review/action-plan.js';
import { recommendationFacts } from './action-cards.js';
import { MEETING_LIMITS, type MeetingErrors, type MeetingForm, type OutcomeForm } from '../review/meeting-actions.js';
import { MEETING_KINDS, MEETING_NAMES, type Meeting } from '../review/meetings.js';
import type { RequestReportsErrors, RequestReportsForm } from '../review/agency-report-actions.js';
import { MOVE_REASON_MAX, type StepErrors, type StepForm } from '../review/plan-actions.js';
import {
  LINK_MAX,
  REASONS_MAX,
  type NotPublishingErrors,
  type NotPublishingForm,
  type PublicationErrors,
  type PublicationForm,
} from '../review/publication-actions.js';
import {
  CHECK_NAMES,
  PUBLICATION_CHECKS,
  TOLD_NAMES,
  TOLD_NOT_PUBLISHING,
  type NotPublished,
  type Publication,
} from '../review/publication.js';
import { STEP_KINDS, STEPS, type PlanStep, type StepOwner } from '../review/plan.js';
import { formCard, problemsBanner, type SectionSpec } from './form.js';
import { anonymousFacts, date, type Fact } from './labels.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

type Field =
  | keyof StepForm
  | keyof PublicationForm
  | keyof RequestReportsForm
  | keyof MeetingForm
  | keyof OutcomeForm
  | keyof ActionForm
  | keyof NotPublishingForm;

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
  notPublished?: NotPublished;
  /** The partnership's agencies, to choose whom to ask for reports. */
  agencies: { title: string; value: string }[];
  /** The agency reports: requested (each agency's state), or what Panel proposes to ask. */
  reports: { dueOn: LocalDate; agencies: { name: string; returned: boolean; noLead: boolean }[] } | { proposed: RequestReportsForm };
  /** The review's meetings, and whom a meeting may invite: the partnership's people, by name and agency. */
  meetings: readonly Meeting[];
  people: { title: string; value: string }[];
  /** The review's findings, and who may own an action: the agencies' leads. */
  recommendations: readonly Recommendation[];
  leads: { title: string; value: string }[];
  /** A new submission id for arranging a meeting, so that pressing twice arranges one. */
  submissionId: string;
  /** Where it was opened: from the review's card in the case's thread, Back returns there. */
  from?: 'review';
  form?: Partial<StepForm & PublicationForm & RequestReportsForm & MeetingForm & OutcomeForm & ActionForm & NotPublishingForm>;
  errors?: StepErrors & PublicationErrors & RequestReportsErrors & MeetingErrors & ActionErrors & NotPublishingErrors;
  notice?: string;
}): AdaptiveCardJson {
  const published = view.publication;
  const requested = 'dueOn' in view.reports ? view.reports : undefined;
  const values = {
    ...('proposed' in view.reports && view.reports.proposed),
    ...(published && { publishOn: published.on, checks: published.checks.join(','), link: published.link ?? '' }),
    ...view.form,
  };
  const open = view.steps.filter((s) => !s.doneOn);
  const absent = STEP_KINDS.filter((k) => !view.steps.some((s) => s.kind === k));
  const errors = view.errors ?? {};
  const banner = view.notice ? { text: view.notice, style: 'good' as const } : problemsBanner(errors, 'Nothing is changed yet');
  const reference = view.record.reference;
  // Opened from the review's card in the case's thread: every button keeps it, so Back returns to it.
  const here = { reference, ...(view.from && { from: view.from }) };
  const update: SectionSpec<Field> = {
    key: 'update',
    title: 'Update a step',
    intro: 'Mark a step done, or move its date and say why.',
    actions: [{ title: 'Update the plan', verb: VERBS.updatePlan, data: here, style: 'positive' }],
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
          ...(absent.length ? [{ title: 'Add a step', value: 'add' }] : []),
        ],
      },
      ...(absent.length
        ? [
            {
              id: 'newStep' as const,
              label: 'Step to add',
              type: 'choice' as const,
              choiceStyle: 'compact' as const,
              choices: absent.map((k) => ({ title: STEPS[k].name, value: k })),
            },
          ]
        : []),
      { id: 'dueOn', label: 'Date (to move a step, or of a step added)', type: 'date' },
      { id: 'why', label: 'Why it moves', type: 'multiline' },
    ],
  };
  const publication: SectionSpec<Field> = {
    key: 'publication',
    title: 'Publication',
    intro:
      'The report and its notice to the National Panel, Ofsted and the Secretary of State are due 7 working days before it (a statutory duty). Tick the checklist as each is done.',
    actions: [{ title: 'Save publication', verb: VERBS.updatePublication, data: here }],
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
  const reports: SectionSpec<Field> = {
    key: 'reports',
    title: 'Agency reports',
    intro:
      "Each agency's leads are asked one to one for their report or chronology, signed off by their director, and reminded before it is due.",
    actions: [{ title: 'Request agency reports', verb: VERBS.requestReports, data: here }],
    fields: [
      { id: 'reportAgencies', label: 'Agencies to ask', type: 'multichoice', choices: view.agencies },
      { id: 'reportsDue', label: 'Due', type: 'date' },
    ],
  };
  const awaiting = view.meetings.filter((m) => !m.outcome);
  const arrange: SectionSpec<Field> = {
    key: 'meeting',
    title: 'Arrange a meeting',
    intro: 'Each invitee is told one to one when and where, who else is invited, and what is asked of them.',
    collapsible: true,
    actions: [{ title: 'Arrange the meeting', verb: VERBS.arrangeMeeting, data: { ...here, submissionId: view.submissionId } }],
    fields: [
      {
        id: 'meetingKind',
        label: 'Meeting',
        type: 'choice',
        choiceStyle: 'compact',
        choices: MEETING_KINDS.map((k) => ({ title: MEETING_NAMES[k], value: k })),
      },
      { id: 'meetingOn', label: 'Date', type: 'date' },
      { id: 'meetingTime', label: 'Time (HH:MM)', type: 'text', placeholder: '10:00' },
      { id: 'meetingPlace', label: 'Place, or the Teams meeting link', type: 'text' },
      { id: 'invitees', label: 'Invitees', type: 'multichoice', choices: view.people },
      { id: 'asked', label: 'What is asked of them', type: 'multiline' },
    ],
  };
  const outcome: SectionSpec<Field> = {
    key: 'outcome',
    title: "Record a meeting's outcome",
    collapsible: true,
    actions: [{ title: 'Record the outcome', verb: VERBS.recordMeeting, data: here }],
    fields: [
      {
        id: 'meeting',
        label: 'Meeting',
        type: 'choice',
        choiceStyle: 'compact',
        choices: awaiting.map((m) => ({ title: `${MEETING_NAMES[m.kind]} (${date(m.on)})`, value: m.id })),
      },
      { id: 'outcome', label: 'Minutes or outcome', type: 'multiline' },
    ],
  };
  const addAction: SectionSpec<Field> = {
    key: 'action',
    title: 'Findings: add an action',
    intro:
      "Each action has an owner (an agency's lead), a due date and how success will be known. Owners are reminded one to one; the Learning and Improvement Group signs each off.",
    collapsible: true,
    actions: [{ title: 'Add the action', verb: VERBS.addAction, data: { ...here, submissionId: view.submissionId } }],
    fields: [
      {
        id: 'recommendation',
        label: 'Recommendation',
        type: 'choice',
        choiceStyle: 'compact',
        choices: [
          { title: 'A new recommendation', value: NEW_RECOMMENDATION },
          ...view.recommendations.map((r, i) => ({ title: `${i + 1}. ${r.text.slice(0, 60)}`, value: r.id })),
        ],
      },
      { id: 'recommendationText', label: 'A new recommendation: its words', type: 'multiline' },
      {
        id: 'recommendationClass',
        label: 'A new recommendation: its kind',
        type: 'choice',
        choiceStyle: 'expanded',
        choices: RECOMMENDATION_CLASSES.map((c) => ({ title: CLASS_NAMES[c], value: c })),
      },
      { id: 'actionText', label: 'The action', type: 'multiline' },
      { id: 'owner', label: 'Owner', type: 'choice', choiceStyle: 'compact', choices: view.leads },
      { id: 'actionDue', label: 'Due', type: 'date' },
      { id: 'measure', label: 'How success will be known', type: 'text' },
    ],
  };
  const decline: SectionSpec<Field> = {
    key: 'notPublishing',
    title: 'A decision not to publish',
    intro: 'Its reasons are kept with the review. Suffolk: the National Panel and the Secretary of State are told first.',
    collapsible: true,
    actions: [{ title: 'Record: not to be published', verb: VERBS.notPublishing, data: here }],
    fields: [
      { id: 'notPublishingWhy', label: 'Why it will not be published', type: 'multiline' },
      { id: 'told', label: 'Told', type: 'multichoice', choices: TOLD_NOT_PUBLISHING.map((t) => ({ title: TOLD_NAMES[t], value: t })) },
    ],
  };
  const meetingFacts: Fact[] = view.meetings.map((m) => ({
    title: MEETING_NAMES[m.kind],
    value: `${date(m.on)} at ${m.time}, ${m.invitees.length} invited${m.outcome ? '; outcome recorded' : ''}`,
  }));
  const reportFacts: Fact[] = requested
    ? requested.agencies.map((a) => ({
        title: `${a.name}'s report`,
        value: a.returned ? 'returned' : a.noLead ? 'nobody listed to ask' : `due ${date(requested.dueOn)}`,
      }))
    : [];
  return formCard<Field>({
    heading: `Review plan: ${reference} (${view.record.descriptor})`,
    subtitle: 'Shown to you only, because you are in the business unit. Every change is recorded.',
    facts: [
      ...anonymousFacts(view.record).slice(0, 4),
      ...view.steps.map(stepFact),
      ...reportFacts,
      ...meetingFacts,
      ...recommendationFacts(view.recommendations),
      ...(view.notPublished
        ? [
            {
              title: 'Not to be published',
              value: `${view.notPublished.reasons} (told: ${view.notPublished.told.map((t) => TOLD_NAMES[t]).join(', ')})`,
            },
          ]
        : []),
      ...(published?.link && published.onlineUntil
        ? [{ title: 'Published', value: `${date(published.on)}, online until at least ${date(published.onlineUntil)}` }]
        : []),
    ],
    sections: [
      ...(open.length || absent.length ? [update] : []),
      ...(requested ? [] : [reports]),
      arrange,
      ...(awaiting.length ? [outcome] : []),
      addAction,
      ...(view.notPublished ? [] : [publication, ...(published?.link ? [] : [decline])]),
    ],
    values,
    errors,
    limits: {
      why: MOVE_REASON_MAX,
      checks: 400,
      link: LINK_MAX,
      notPublishingWhy: REASONS_MAX,
      reportAgencies: 400,
      ...MEETING_LIMITS,
      ...ACTION_LIMITS,
    },
    dates: { min: view.today },
    ...(banner && { banner }),
    actions: [
      ...(requested ? [{ title: 'Read the agency reports', verb: VERBS.readReports, data: { reference }, inputs: 'none' as const }] : []),
      // Every step done: the business unit closes the case, and its retention starts.
      ...(open.length === 0 && view.recommendations.every((r) => r.actions.every((a) => a.signedOff))
        ? [{ title: 'Close the case', verb: VERBS.closeCase, data: { reference }, inputs: 'none' as const }]
        : []),
      { title: 'Family involvement', verb: VERBS.showFamily, data: { reference }, inputs: 'none' as const },
      {
        title: 'Back',
        verb: view.from === 'review' ? VERBS.showReview : VERBS.hideCaseDetails,
        data: { reference },
        inputs: 'none' as const,
      },
    ],
  });
}
