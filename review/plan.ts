/**
 * A review's plan (issue 17; Suffolk Appendix 1 and the flows of Appendix 2): when a
 * decision starts a review, its steps are laid out from the kind's process, each with a
 * proposed date worked from the decision to the review's due date (on working days of
 * the partnership's nation) and an owner. The business unit marks a step done, or moves
 * its date with a reason; the business unit is reminded in the case's thread before and
 * on each step's date. Pure functions of a case record.
 */
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import type { DecisionRecord, Outcome } from './decision.js';
import { cancel, CASE_CARD, refreshCard, REVIEW_POST, type Owed } from './effects.js';
import type { LocalDate } from './local-date.js';
import type { Partnership } from './partnership.js';
import { sendingInstant, workingDaysBetween } from './reminders.js';

export const STEP_KINDS = [
  'reviewer',
  'termsOfReference',
  'reviewTeam',
  'actionPlan',
  'agencyReports',
  'firstMeeting',
  'secondMeeting',
  'practitionerEvent',
  'learningSummary',
  'draftReport',
  'accuracyCheck',
  'familyFindings',
  'signOff',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Who does a step: the business unit, the reviewer, or the agencies' leads. */
export type StepOwner = 'businessUnit' | 'reviewer' | 'leads';

/** Each step: its name, owner, and where it falls between the decision (0) and the review's due date (1). */
export const STEPS: Record<StepKind, { name: string; owner: StepOwner; at: number }> = {
  reviewer: { name: 'Reviewer named, any conflict of interest declared', owner: 'businessUnit', at: 0.05 },
  termsOfReference: { name: 'Terms of reference agreed', owner: 'businessUnit', at: 0.1 },
  reviewTeam: { name: 'Review team: a representative of each agency involved', owner: 'businessUnit', at: 0.12 },
  actionPlan: { name: 'Action plan agreed by the key partners', owner: 'businessUnit', at: 0.5 },
  agencyReports: { name: 'Agency reports or chronologies returned', owner: 'leads', at: 0.3 },
  firstMeeting: { name: 'First review meeting', owner: 'businessUnit', at: 0.35 },
  secondMeeting: { name: 'Second review meeting', owner: 'businessUnit', at: 0.55 },
  practitionerEvent: { name: 'Practitioner event', owner: 'reviewer', at: 0.65 },
  learningSummary: { name: 'Summary of the case and the learning written', owner: 'businessUnit', at: 0.8 },
  draftReport: { name: 'Draft report', owner: 'reviewer', at: 0.8 },
  accuracyCheck: { name: 'Factual accuracy check with the agencies', owner: 'reviewer', at: 0.87 },
  familyFindings: { name: 'Family consulted on the findings', owner: 'reviewer', at: 0.9 },
  signOff: { name: 'Signed off', owner: 'businessUnit', at: 1 },
};

/** The steps of each review an outcome starts, in Suffolk's order (Appendix 1 and 2). */
const PLANS: Partial<Record<Outcome, readonly StepKind[]>> = {
  actionLearning: ['actionPlan', 'learningSummary', 'signOff'],
  singleAgency: ['reviewer', 'termsOfReference', 'agencyReports', 'draftReport', 'accuracyCheck', 'signOff'],
  partnership: [
    'reviewer',
    'termsOfReference',
    'reviewTeam',
    'agencyReports',
    'firstMeeting',
    'practitionerEvent',
    'draftReport',
    'accuracyCheck',
    'familyFindings',
    'signOff',
  ],
  independent: [
    'reviewer',
    'termsOfReference',
    'reviewTeam',
    'agencyReports',
    'firstMeeting',
    'secondMeeting',
    'practitionerEvent',
    'draftReport',
    'accuracyCheck',
    'familyFindings',
    'signOff',
  ],
};
PLANS.dhr = PLANS.independent;

/** A step of a case's plan, as laid out and as the business unit has moved or done it. */
export interface PlanStep {
  kind: StepKind;
  dueOn: LocalDate;
  doneOn?: LocalDate;
  doneBy?: string;
  /** Each move of its date: from when, why, by whom. */
  moves?: { from: LocalDate; to: LocalDate; reason: string; by: string; at: string }[];
}

export interface ReviewPlan {
  /** The decision that started it. */
  decision: number;
  steps: PlanStep[];
}

type Plan = Pick<Partnership, 'reminders' | 'timezone'> & Partial<Pick<Partnership, 'plans'>> & { calendar: WorkingCalendar };

/**
 * The plan of the review an outcome starts, from `decidedOn` to its due date: each step
 * on the working day at its share of the working days between (never before the day
 * after the decision, never after the due date). None for an outcome with no review.
 */
export function planFor(
  outcome: Outcome,
  decidedOn: LocalDate,
  dueOn: LocalDate,
  rules: { calendar: WorkingCalendar; plans?: Partnership['plans'] },
): PlanStep[] {
  const own = (rules.plans as Partial<Record<Outcome, { step: StepKind; at: number }[]>> | undefined)?.[outcome];
  const steps = own ?? PLANS[outcome]?.map((kind) => ({ step: kind, at: STEPS[kind].at }));
  if (!steps) return [];
  const span = workingDaysBetween(decidedOn, dueOn, rules.calendar);
  return steps.map(({ step, at }) => {
    const days = Math.max(1, Math.min(span, Math.round(at * span)));
    return { kind: step, dueOn: rules.calendar.addWorkingDays(decidedOn, days) };
  });
}

const reminderOn = (step: PlanStep, on: LocalDate, plan: Plan): Owed => ({
  key: `step:${step.kind}:${step.dueOn}:${on}`,
  kind: 'stepReminder',
  dueAt: sendingInstant(on, plan.reminders, plan.timezone),
  payload: { step: step.kind, dueOn: step.dueOn, on },
});

/** The reminders of the steps not yet done, from `today`: some working days before each, and on the day. */
export function stepRemindersOwed(steps: readonly PlanStep[], today: LocalDate, plan: Plan): Owed[] {
  return steps
    .filter((s) => !s.doneOn)
    .flatMap((s) =>
      [...plan.reminders.beforeDueWorkingDays, 0]
        .map((n) => plan.calendar.addWorkingDays(s.dueOn, -n))
        .filter((on) => on >= today)
        .map((on) => reminderOn(s, on, plan)),
    );
}

/**
 * The decision's review laid out as its plan, with its steps' reminders to owe. A plan of
 * an earlier decision gives way: its reminders stop.
 */
export function withPlan(
  record: CaseRecord,
  decision: DecisionRecord,
  today: LocalDate,
  rules: Plan,
): { record: CaseRecord; owed: Owed[] } {
  const at = decision.approvedAt ?? decision.closedAt;
  const old = record.plan && record.plan.decision !== decision.number;
  const cleared = old ? cancel(record, (e) => e.kind === 'stepReminder', 'superseded', at) : record;
  const steps = decision.reviewDue ? planFor(decision.outcome, today, decision.reviewDue, rules) : [];
  if (steps.length === 0) {
    const { plan: _, ...rest } = cleared;
    return { record: old ? rest : cleared, owed: [] };
  }
  // The review's card goes into the case's thread once; a later plan shows on the same card.
  const post: Owed = { key: REVIEW_POST, kind: 'reviewPost', dueAt: at };
  return { record: { ...cleared, plan: { decision: decision.number, steps } }, owed: [post, ...stepRemindersOwed(steps, today, rules)] };
}

/** A step marked done: its reminders stop, and the case's card shows it. */
export function withStepDone(record: CaseRecord, kind: StepKind, done: { on: LocalDate; by: string; at: string }): CaseRecord {
  const plan = record.plan;
  const step = plan?.steps.find((s) => s.kind === kind);
  if (!plan || !step || step.doneOn) return record;
  const steps = plan.steps.map((s) => (s.kind === kind ? { ...s, doneOn: done.on, doneBy: done.by } : s));
  const quiet = cancel(
    { ...record, plan: { ...plan, steps } },
    (e) => e.kind === 'stepReminder' && e.payload?.step === kind,
    'done',
    done.at,
  );
  return refreshCard(quiet, CASE_CARD, done.at);
}

/** A step added to the plan (one of Suffolk's it does not have yet), in date order, with its reminders to owe. */
export function withStepAdded(
  record: CaseRecord,
  kind: StepKind,
  add: { dueOn: LocalDate; at: string; today: LocalDate },
  rules: Plan,
): { record: CaseRecord; owed: Owed[] } {
  const plan = record.plan;
  if (!plan || plan.steps.some((s) => s.kind === kind)) return { record, owed: [] };
  const step: PlanStep = { kind, dueOn: add.dueOn };
  const steps = [...plan.steps, step].sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0));
  return {
    record: refreshCard({ ...record, plan: { ...plan, steps } }, CASE_CARD, add.at),
    owed: stepRemindersOwed([step], add.today, rules),
  };
}

/** A step's date moved, with the reason: its old reminders stop, and new ones are returned to owe. */
export function withStepMoved(
  record: CaseRecord,
  kind: StepKind,
  move: { to: LocalDate; reason: string; by: string; at: string; today: LocalDate },
  rules: Plan,
): { record: CaseRecord; owed: Owed[] } {
  const plan = record.plan;
  const step = plan?.steps.find((s) => s.kind === kind);
  if (!plan || !step || step.doneOn || step.dueOn === move.to) return { record, owed: [] };
  const moved: PlanStep = {
    ...step,
    dueOn: move.to,
    moves: [...(step.moves ?? []), { from: step.dueOn, to: move.to, reason: move.reason, by: move.by, at: move.at }],
  };
  const steps = plan.steps.map((s) => (s.kind === kind ? moved : s));
  const quiet = cancel(
    { ...record, plan: { ...plan, steps } },
    (e) => e.kind === 'stepReminder' && e.payload?.step === kind,
    'moved',
    move.at,
  );
  return { record: refreshCard(quiet, CASE_CARD, move.at), owed: stepRemindersOwed([moved], move.today, rules) };
}
