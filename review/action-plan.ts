/**
 * A review's findings and action plan (issue 17; Cheshire East's classes of
 * recommendation; Suffolk: "Action plan passed to LIG for monitoring"). Each
 * recommendation has actions, each with an owner agency and lead, a due date, how
 * success will be known, its status and evidence. Owners are reminded one to one before
 * and on the due date; an overdue action is said in the case's thread; the Learning and
 * Improvement Group signs each action off. Pure functions of a case record.
 */
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import { cancel, CASE_CARD, refreshCard, type Owed } from './effects.js';
import type { LocalDate } from './local-date.js';
import type { Origin } from './owed.js';
import type { Partnership } from './partnership.js';
import { sendingInstant } from './reminders.js';

/** Cheshire East: clear-cut local action; competing priorities; research or national action needed. */
export const RECOMMENDATION_CLASSES = ['local', 'competing', 'national'] as const;
export type RecommendationClass = (typeof RECOMMENDATION_CLASSES)[number];
export const CLASS_NAMES: Record<RecommendationClass, string> = {
  local: 'Clear-cut, for local action',
  competing: 'Competing priorities',
  national: 'Needs research or national action',
};

export const ACTION_STATUSES = ['notStarted', 'inProgress', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const STATUS_NAMES: Record<ActionStatus, string> = { notStarted: 'Not started', inProgress: 'In progress', done: 'Done' };

export interface PlanAction {
  /** The submission that added it: adding it twice is one action. */
  id: string;
  text: string;
  agencyId: string;
  /** The agency's lead who owns it, by Entra object id. */
  owner: string;
  dueOn: LocalDate;
  /** How success will be known. */
  measure: string;
  status: ActionStatus;
  evidence?: string;
  updated?: { by: string; at: string };
  signedOff?: { by: string; at: string };
}

export interface Recommendation {
  id: string;
  text: string;
  class: RecommendationClass;
  actions: PlanAction[];
}

type Plan = Pick<Partnership, 'reminders' | 'timezone'> & { calendar: WorkingCalendar };

export const actionsOf = (record: CaseRecord): PlanAction[] => (record.recommendations ?? []).flatMap((r) => r.actions);
export const actionOf = (record: CaseRecord, id: string): PlanAction | undefined => actionsOf(record).find((a) => a.id === id);

/** Whether every action of the plan is signed off (none at all is not a plan carried out, but nothing is owed). */
export const allSignedOff = (record: CaseRecord): boolean => actionsOf(record).every((a) => a.signedOff);

/** The owner's reminders before and on the due date, and the escalation the working day after. */
function actionEffects(action: PlanAction, today: LocalDate, plan: Plan, origin: Origin): Owed[] {
  const payload = {
    action: action.id,
    dueOn: action.dueOn,
    serviceUrl: origin.serviceUrl,
    ...(origin.tenantId && { tenantId: origin.tenantId }),
  };
  const days = [...plan.reminders.beforeDueWorkingDays.map((n) => plan.calendar.addWorkingDays(action.dueOn, -n)), action.dueOn];
  const reminders: Owed[] = days
    .filter((on) => on >= today)
    .map((on) => ({
      key: `action-reminder:${action.id}:${on}`,
      kind: 'actionReminder',
      dueAt: sendingInstant(on, plan.reminders, plan.timezone),
      payload: { ...payload, on },
    }));
  const late = plan.calendar.addWorkingDays(action.dueOn, 1);
  return [
    ...reminders,
    {
      key: `action-overdue:${action.id}:${action.dueOn}`,
      kind: 'actionOverdue',
      dueAt: sendingInstant(late, plan.reminders, plan.timezone),
      payload: { ...payload, on: late },
    },
  ];
}

/** An action added to a recommendation (a new one, or one already made): its reminders and escalation owed. */
export function withAction(
  record: CaseRecord,
  added: { recommendation: Omit<Recommendation, 'actions'>; action: PlanAction; at: string },
  today: LocalDate,
  plan: Plan,
  origin: Origin,
): { record: CaseRecord; owed: Owed[] } {
  if (actionOf(record, added.action.id)) return { record, owed: [] };
  const recommendations = record.recommendations ?? [];
  const known = recommendations.some((r) => r.id === added.recommendation.id);
  const next = known
    ? recommendations.map((r) => (r.id === added.recommendation.id ? { ...r, actions: [...r.actions, added.action] } : r))
    : [...recommendations, { ...added.recommendation, actions: [added.action] }];
  return {
    record: refreshCard({ ...record, recommendations: next }, CASE_CARD, added.at),
    owed: actionEffects(added.action, today, plan, origin),
  };
}

const withChanged = (record: CaseRecord, id: string, change: (a: PlanAction) => PlanAction): CaseRecord => ({
  ...record,
  recommendations: (record.recommendations ?? []).map((r) => ({ ...r, actions: r.actions.map((a) => (a.id === id ? change(a) : a)) })),
});

/** The owner's update: status and evidence. Done, its reminders and escalation stop. */
export function withActionUpdate(
  record: CaseRecord,
  id: string,
  update: { status: ActionStatus; evidence: string; by: string; at: string },
): CaseRecord {
  const action = actionOf(record, id);
  if (!action || action.signedOff || (action.status === update.status && (action.evidence ?? '') === update.evidence)) return record;
  const changed = withChanged(record, id, (a) => ({
    ...a,
    status: update.status,
    ...(update.evidence ? { evidence: update.evidence } : {}),
    updated: { by: update.by, at: update.at },
  }));
  const quiet =
    update.status === 'done'
      ? cancel(
          changed,
          (e) => (e.kind === 'actionReminder' || e.kind === 'actionOverdue') && e.payload?.action === id,
          'the action is done',
          update.at,
        )
      : changed;
  return refreshCard(quiet, CASE_CARD, update.at);
}

/** The Learning and Improvement Group signs a done action off, once. */
export function withSignOff(record: CaseRecord, id: string, by: string, at: string): CaseRecord {
  const action = actionOf(record, id);
  if (!action || action.signedOff || action.status !== 'done') return record;
  return refreshCard(
    withChanged(record, id, (a) => ({ ...a, signedOff: { by, at } })),
    CASE_CARD,
    at,
  );
}

/** Where one action stands today, for the lists: overdue once its date has passed and it is not done. */
export const isOverdue = (action: PlanAction, today: LocalDate): boolean => action.status !== 'done' && action.dueOn < today;
