/**
 * What each change owes, as effects (effects.ts): the keys and due times of a case's
 * requests, reminders, hold end and review reminders. Pure functions of a record and the
 * partnership, so a change can add them in its own write.
 */
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import { currentDecision } from './decision.js';
import { effectsOf, oweAgain, SCHEDULED, cancel, type Effect, type Owed } from './effects.js';
import type { LocalDate } from './local-date.js';
import type { Partnership } from './partnership.js';
import { escalationDay, nextReminder, sendingInstant } from './reminders.js';

/** Where new one-to-one conversations are created: the Teams service of the turn that asked. */
export interface Origin {
  serviceUrl: string;
  tenantId?: string;
}

/** Someone to send an agency's request to, and which attempt this is (1 the first time). */
export interface RequestTarget {
  agencyId: string;
  aadObjectId: string;
  attempt: number;
}

type Plan = Pick<Partnership, 'reminders' | 'timezone'> & { calendar: WorkingCalendar };

/** One send of one request to one person. */
export const requestKey = (target: RequestTarget) =>
  `lead-request:${target.agencyId}:${target.aadObjectId.toLowerCase()}:${target.attempt}`;

/** Everyone a case's requests are addressed to, for the first time. */
export function allTargets(record: CaseRecord): RequestTarget[] {
  return (record.rapidReview?.requests ?? []).flatMap((r) =>
    r.addressees.map((a) => ({ agencyId: r.agencyId, aadObjectId: a.aadObjectId, attempt: 1 })),
  );
}

/** The requests a change owes, from the turn's Teams service. */
export function requestsOwed(targets: RequestTarget[], origin: Origin, at: string): Owed[] {
  return targets.map((t) => ({
    key: requestKey(t),
    kind: 'leadRequest',
    dueAt: at,
    payload: {
      agencyId: t.agencyId,
      aadObjectId: t.aadObjectId,
      attempt: String(t.attempt),
      serviceUrl: origin.serviceUrl,
      ...(origin.tenantId && { tenantId: origin.tenantId }),
    },
  }));
}

/** The next reminder to one addressee after `after`, and the request's escalation. */
export function remindersOwed(
  record: CaseRecord,
  target: { agencyId: string; aadObjectId: string } & Origin,
  after: LocalDate,
  plan: Plan,
): Owed[] {
  const review = record.rapidReview;
  if (!review || review.closed || record.hold) return [];
  const { reminders, timezone, calendar } = plan;
  const payload = {
    agencyId: target.agencyId,
    aadObjectId: target.aadObjectId,
    dueOn: review.dueOn,
    serviceUrl: target.serviceUrl,
    ...(target.tenantId && { tenantId: target.tenantId }),
  };
  const owed: Owed[] = [];
  const next = nextReminder(review.dueOn, after, reminders, calendar);
  if (next) {
    owed.push({
      key: `reminder:${target.agencyId}:${target.aadObjectId.toLowerCase()}:${next.on}`,
      kind: 'reminder',
      dueAt: sendingInstant(next.on, reminders, timezone),
      payload: { ...payload, on: next.on },
    });
  }
  const escalation = escalationDay(review.dueOn, reminders, calendar);
  owed.push({
    key: `escalation:${target.agencyId}:${review.dueOn}`,
    kind: 'escalation',
    dueAt: sendingInstant(escalation.on, reminders, timezone),
    payload: { ...payload, on: escalation.on },
  });
  return owed;
}

/** The request sent to each addressee still awaited, with the Teams service it was sent through. */
function awaited(record: CaseRecord): ({ agencyId: string; aadObjectId: string } & Origin)[] {
  const sent = effectsOf(record).filter(
    (e): e is Effect & { payload: Record<string, string> } => e.kind === 'leadRequest' && e.status === 'sent' && e.payload !== undefined,
  );
  const out = new Map<string, { agencyId: string; aadObjectId: string } & Origin>();
  for (const request of record.rapidReview?.requests.filter((r) => !r.current) ?? []) {
    for (const a of request.addressees) {
      const effect = sent.find(
        (e) => e.payload.agencyId === request.agencyId && e.payload.aadObjectId?.toLowerCase() === a.aadObjectId.toLowerCase(),
      );
      if (!effect?.payload.serviceUrl) continue;
      const tenantId = effect.payload.tenantId;
      out.set(`${request.agencyId} ${a.aadObjectId.toLowerCase()}`, {
        agencyId: request.agencyId,
        aadObjectId: a.aadObjectId,
        serviceUrl: effect.payload.serviceUrl,
        ...(tenantId && { tenantId }),
      });
    }
  }
  return [...out.values()];
}

/** The reminders of every request still awaited, planned afresh from `today`: after a hold ends and the due date has moved. */
export function withRemindersReplanned(record: CaseRecord, today: LocalDate, plan: Plan): CaseRecord {
  if (!record.rapidReview || record.rapidReview.closed || record.hold) return record;
  return oweAgain(record, ...awaited(record).flatMap((t) => remindersOwed(record, t, today, plan)));
}

/** The reminders of a review's due date: some working days before, and on the day. */
export function reviewRemindersOwed(record: CaseRecord, today: LocalDate, plan: Plan): Owed[] {
  const decision = currentDecision(record);
  const dueOn = record.clocks.reviewDue;
  if (!decision || !dueOn || record.hold || record.closedAt) return [];
  const { reminders, timezone, calendar } = plan;
  return [...reminders.reviewBeforeDueWorkingDays, 0].flatMap((before) => {
    const on = calendar.addWorkingDays(dueOn, -before);
    if (on < today) return [];
    return [
      {
        key: `review-reminder:${decision.number}:${dueOn}:${before}`,
        kind: 'reviewReminder' as const,
        dueAt: sendingInstant(on, reminders, timezone),
        payload: { decision: String(decision.number), dueOn },
      },
    ];
  });
}

/** A hold with an end date ends by itself then. */
export function holdEndOwed(record: CaseRecord, plan: Pick<Plan, 'reminders' | 'timezone'>): Owed[] {
  const hold = record.hold;
  if (!hold?.until) return [];
  return [
    {
      key: `hold-end:${hold.since}`,
      kind: 'holdEnd',
      dueAt: sendingInstant(hold.until, plan.reminders, plan.timezone),
      payload: { since: hold.since },
    },
  ];
}

/** While a case is on hold its reminders stop: those pending are skipped, and planned again when it comes off hold. */
export const withRemindersStopped = (record: CaseRecord, at: string): CaseRecord =>
  cancel(record, (e) => SCHEDULED.has(e.kind) && e.kind !== 'dutyReminder', 'the case is on hold', at);

/** The reminders and escalations of one agency's request (or of all), skipped: its return has come, or returns are closed. */
export const cancelReminders = (record: CaseRecord, agencyId: string | undefined, reason: string, at: string): CaseRecord =>
  cancel(
    record,
    (e) => (e.kind === 'reminder' || e.kind === 'escalation') && (agencyId === undefined || e.payload?.agencyId === agencyId),
    reason,
    at,
  );

/**
 * Whether a reminder or escalation is still wanted: the case is not on hold, the request
 * is open, has no return, is due on the date the reminder was planned for (not moved
 * since), and, for a reminder, its addressee still answers for the agency.
 */
export function stillWanted(record: CaseRecord, effect: Effect): boolean {
  const p = effect.payload;
  const review = record.rapidReview;
  if (!review || review.closed || record.hold || record.closedAt || !p?.agencyId || p.dueOn !== review.dueOn) return false;
  const request = review.requests.find((r) => r.agencyId === p.agencyId);
  if (!request || request.current) return false;
  return effect.kind === 'escalation' || request.addressees.some((a) => a.aadObjectId.toLowerCase() === p.aadObjectId?.toLowerCase());
}
