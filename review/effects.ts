/**
 * What a case owes after a change: its effects (a post, a request, a reminder, a notice,
 * a card update), kept inside the case record and written in the same conditional write
 * as the change that causes them, so the two are stored together or not at all. One
 * runner (`run-effects.ts`) does them. Pure functions of a record, so `updateCase` may
 * run them again after a conflicting write. See docs/effects.md.
 */
import type { CaseRecord } from './case.js';

export type EffectKind =
  /** The case's card, a new thread in the business unit's channel. */
  | 'channelPost'
  /** One agency's rapid review request to one person, one to one. */
  | 'leadRequest'
  /** The panel's decision, to the referrer one to one. */
  | 'feedback'
  /** A return due, to a lead one to one; sent by the sweep, in working hours, as a digest. */
  | 'reminder'
  /** A return overdue, said in the case's thread. */
  | 'escalation'
  /** A review's due date, said in the case's thread. */
  | 'reviewReminder'
  /** A hold's end date: the case comes off hold. */
  | 'holdEnd'
  /** Something the business unit must hear of, said in the case's thread. */
  | 'threadNotice'
  /** The case's decision card, a new thread in the panel's channel, when its vote opens. */
  | 'decisionPost'
  /** The case's card in the business unit's channel, updated in place. */
  | 'caseCard'
  /** The case's decision card in the panel's channel, updated in place. */
  | 'decisionCard'
  /** A closed case's retention, told to the store (a TTL on each of its Cosmos DB items). */
  | 'retention'
  /** A statutory duty due or overdue, said in the case's thread; sent by the sweep, in working hours. */
  | 'dutyReminder'
  /** A safety concern raised, said in the case's thread at once: reference and agency only. */
  | 'safetyAlert'
  /** A safety concern's details, one to one to a member of the business unit. */
  | 'safetyDetails'
  /** The panel's recommendation, one to one to the approver of the case's kind. */
  | 'approvalRequest'
  /** The approver sent the recommendation back: their reason, one to one to who closed the vote. */
  | 'sentBackNotice'
  /** A reflective review's agency report due, to a lead one to one; sent by the sweep, in working hours. */
  | 'reportReminder'
  /** A review's request for an agency's report, to a lead one to one. */
  | 'reportRequest'
  /** A review meeting's invitation, to an invitee one to one: when, where, who else is invited, and what is asked. */
  | 'meetingInvite'
  /** An action of a review's action plan due, to its owner one to one; sent by the sweep, in working hours. */
  | 'actionReminder'
  /** An action overdue, said in the case's thread; sent by the sweep, in working hours. */
  | 'actionOverdue'
  /** The review's card, a reply in the case's thread, when its plan is laid out. */
  | 'reviewPost'
  /** The review's card in the case's thread, updated in place. */
  | 'reviewCard'
  /** A step of a review's plan due, said in the case's thread; sent by the sweep, in working hours. */
  | 'stepReminder';

export type EffectStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/** Who is doing an effect now, and until when; after that anyone may take it. */
export interface Lease {
  holder: string;
  until: string;
}

export interface Effect {
  /** Unique within the case, e.g. `channel-post` or `lead-request:police:<Entra id>:1`. */
  key: string;
  kind: EffectKind;
  status: EffectStatus;
  /** When it is next to be tried (ISO 8601). */
  dueAt: string;
  /** Transient failures so far. */
  attempts: number;
  /** When the first of them happened: an effect fails for good only a day after it (FAIL_AFTER_MS). */
  firstFailedAt?: string;
  lease?: Lease;
  /** What doing it needs: identifiers only (agency ids, Entra ids, service URLs), never personal data. */
  payload?: Record<string, string>;
  /** Card refreshes: how many changes have asked for one; the refresh done for the latest is recorded. */
  armed?: number;
  /** Where the message is, once sent: its id and, for a new channel thread, its conversation. */
  activityId?: string;
  conversationId?: string;
  /** Why it failed, was skipped, or was last retried. */
  error?: string;
  doneAt?: string;
}

/** What a change owes: a new effect, pending from `dueAt`. */
export interface Owed {
  key: string;
  kind: EffectKind;
  dueAt: string;
  payload?: Record<string, string>;
}

/** Card refreshes are idempotent (a card put twice shows the same), so they need no lease. */
export const IDEMPOTENT: ReadonlySet<EffectKind> = new Set(['caseCard', 'decisionCard', 'reviewCard', 'retention']);

/** Effects only the sweep sends, in working hours. */
export const SCHEDULED: ReadonlySet<EffectKind> = new Set([
  'reminder',
  'escalation',
  'reviewReminder',
  'dutyReminder',
  'reportReminder',
  'stepReminder',
  'actionReminder',
  'actionOverdue',
]);

/** How long a runner holds an effect it is doing; if it dies, another takes it after this. */
export const LEASE_MS = 5 * 60_000;

/** Transient failures before an effect is failed for good and the business unit told: at least this many, over FAIL_AFTER_MS. */
export const MAX_ATTEMPTS = 6;
/**
 * How long transient failures go on before an effect is failed for good: the sweep tries
 * again every quarter of an hour or so, so six failures alone could be a short outage.
 */
export const FAIL_AFTER_MS = 24 * 60 * 60_000;

export const CHANNEL_POST = 'channel-post';
export const CASE_CARD = 'card:case';
export const DECISION_CARD = 'card:decision';
export const REVIEW_POST = 'review-post';
export const REVIEW_CARD = 'card:review';

export const effectsOf = (record: CaseRecord): Effect[] => Object.values(record.effects ?? {});
export const effectOf = (record: CaseRecord, key: string): Effect | undefined => record.effects?.[key];

const withEffect = (record: CaseRecord, effect: Effect): CaseRecord => ({
  ...record,
  effects: { ...record.effects, [effect.key]: effect },
});

/** A new effect, pending from its due time. */
const pending = (o: Owed): Effect => ({
  key: o.key,
  kind: o.kind,
  status: 'pending',
  dueAt: o.dueAt,
  attempts: 0,
  ...(o.payload && { payload: o.payload }),
});

/** Adds what a change owes; an effect already owed under the same key is left as it is (once per key). */
export function owe(record: CaseRecord, ...owed: Owed[]): CaseRecord {
  return owed.reduce((next, o) => (next.effects?.[o.key] ? next : withEffect(next, pending(o))), record);
}

/**
 * Owes effects planned again (reminders after a hold ends): one skipped earlier under the
 * same key (by the hold) is pending again, with its new time; one sent or failed stays.
 */
export function oweAgain(record: CaseRecord, ...owed: Owed[]): CaseRecord {
  return owed.reduce((next, o) => (next.effects?.[o.key]?.status === 'skipped' ? withEffect(next, pending(o)) : owe(next, o)), record);
}

/** Asks for a card to be brought up to date from the case as it will then be stored. */
export function refreshCard(record: CaseRecord, key: typeof CASE_CARD | typeof DECISION_CARD, at: string): CaseRecord {
  // A decision card exists once a vote has opened and its card was posted.
  if (key === DECISION_CARD && !record.panel?.ballot?.card) return record;
  const next = armed(record, key, key === CASE_CARD ? 'caseCard' : 'decisionCard', at);
  // The review's card in the case's thread shows the same case: it follows the case's card.
  return key === CASE_CARD && record.effects?.[REVIEW_POST] ? armed(next, REVIEW_CARD, 'reviewCard', at) : next;
}

const armed = (record: CaseRecord, key: string, kind: EffectKind, at: string): CaseRecord =>
  withEffect(record, { key, kind, status: 'pending', dueAt: at, attempts: 0, armed: (record.effects?.[key]?.armed ?? 0) + 1 });

/** Both of a case's cards. */
export const refreshCards = (record: CaseRecord, at: string): CaseRecord =>
  refreshCard(refreshCard(record, CASE_CARD, at), DECISION_CARD, at);

/** Pending effects that match, skipped now with a reason: reminders a return or a hold makes needless. */
export function cancel(record: CaseRecord, which: (effect: Effect) => boolean, reason: string, at: string): CaseRecord {
  let next = record;
  for (const e of effectsOf(record)) {
    if (e.status !== 'pending' || !which(e)) continue;
    const { lease: _lease, ...rest } = e;
    next = withEffect(next, { ...rest, status: 'skipped', error: reason, doneAt: at });
  }
  return next;
}

/** Whether an effect is due by `now` and nobody holds it. */
export const isFree = (effect: Effect, now: string): boolean =>
  effect.status === 'pending' && effect.dueAt <= now && (!effect.lease || effect.lease.until <= now);

/** Takes an effect for `lease.holder`, if it is still free: otherwise undefined (someone else has it, or it is done). */
export function leased(record: CaseRecord, key: string, lease: Lease, now: string): CaseRecord | undefined {
  const effect = record.effects?.[key];
  if (!effect || !isFree(effect, now)) return undefined;
  return withEffect(record, { ...effect, lease });
}

/** Whether `holder` still holds the effect (its outcome is theirs to record). */
export const holds = (record: CaseRecord, key: string, holder: string): boolean => record.effects?.[key]?.lease?.holder === holder;

export type Outcome = { status: 'sent'; activityId?: string; conversationId?: string } | { status: 'failed' | 'skipped'; error: string };

/** Records how an effect ended; its lease ends with it. */
export function completed(record: CaseRecord, key: string, outcome: Outcome, at: string): CaseRecord {
  const effect = record.effects?.[key];
  if (!effect) return record;
  const { lease: _lease, error: _error, ...rest } = effect;
  return withEffect(record, { ...rest, ...outcome, doneAt: at });
}

/**
 * A transient failure: tried again after an exponential backoff with full jitter (at
 * least a second, at most an hour), or failed for good once it has failed MAX_ATTEMPTS
 * times over at least FAIL_AFTER_MS. `random` is injected for tests.
 */
export function retried(record: CaseRecord, key: string, error: string, now: Date, random: () => number = Math.random): CaseRecord {
  const effect = record.effects?.[key];
  if (!effect) return record;
  const attempts = effect.attempts + 1;
  const { lease: _lease, ...rest } = effect;
  const firstFailedAt = effect.firstFailedAt ?? now.toISOString();
  if (attempts >= MAX_ATTEMPTS && now.getTime() - Date.parse(firstFailedAt) >= FAIL_AFTER_MS) {
    return withEffect(record, { ...rest, attempts, firstFailedAt, status: 'failed', error, doneAt: now.toISOString() });
  }
  const ceiling = Math.min(60 * 60_000, 15_000 * 2 ** (attempts - 1));
  const wait = 1000 + Math.floor(random() * ceiling);
  return withEffect(record, { ...rest, attempts, firstFailedAt, error, dueAt: new Date(now.getTime() + wait).toISOString() });
}

/** Leaves an effect pending until `until`, untried: a card held still while a closer writes. */
export function deferred(record: CaseRecord, key: string, until: string): CaseRecord {
  const effect = record.effects?.[key];
  if (!effect) return record;
  const { lease: _lease, ...rest } = effect;
  return withEffect(record, { ...rest, dueAt: until });
}

/**
 * When the runner next has something to do for this case: the earliest time a pending
 * effect is due and free. What the stores index, so the sweep reads only cases with work.
 */
export function nextDueAt(record: CaseRecord): string | undefined {
  let next: string | undefined;
  for (const e of effectsOf(record)) {
    if (e.status !== 'pending') continue;
    const at = e.lease && e.lease.until > e.dueAt ? e.lease.until : e.dueAt;
    if (next === undefined || at < next) next = at;
  }
  return next;
}
