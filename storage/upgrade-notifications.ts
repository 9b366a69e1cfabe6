/**
 * Stores from before the effects outbox kept Panel's side effects as notifications of
 * their own (a SQLite table, Cosmos DB documents), keyed `<kind>:<reference>:…`. At start-up
 * they move into their cases as effects, keyed within the case (`<kind>:…`), and the old
 * rows go. The business unit's agenda claims belonged to no case and are dropped: an
 * agenda cut off is posted again with `post agenda`.
 */
import type { CaseRecord } from '../review/case.js';
import { nextDueAt, type Effect, type EffectKind, type EffectStatus } from '../review/effects.js';

/** An old notification, as either store kept it. */
export interface OldNotification {
  key: string;
  caseId: string;
  kind: string;
  status: string;
  dueAt: string;
  leaseUntil?: string;
  payload?: Record<string, string>;
  activityId?: string;
  conversationId?: string;
  error?: string;
  completedAt?: string;
}

const KINDS: readonly EffectKind[] = ['channelPost', 'leadRequest', 'feedback', 'reminder', 'escalation', 'reviewReminder', 'holdEnd'];
const STATUSES: readonly EffectStatus[] = ['pending', 'sent', 'failed', 'skipped'];

/** The effect an old notification becomes, or undefined for one that belongs to no case. */
export function effectFrom(n: OldNotification): Effect | undefined {
  const kind = KINDS.find((k) => k === n.kind);
  const status = STATUSES.find((s) => s === n.status);
  if (!kind || !status) return undefined;
  const key = n.key.replace(`:${n.caseId}`, '');
  // A claim still held when Panel stopped: its holder is gone, so it is free when its lease ends.
  const held = status === 'pending' && n.leaseUntil && n.leaseUntil > n.dueAt;
  return {
    key,
    kind,
    status,
    dueAt: n.dueAt,
    attempts: 0,
    ...(held && { lease: { holder: 'before-upgrade', until: n.leaseUntil! } }),
    ...(n.payload && { payload: n.payload }),
    ...(n.activityId && { activityId: n.activityId }),
    ...(n.conversationId && { conversationId: n.conversationId }),
    ...(n.error && { error: n.error }),
    ...(n.completedAt && { doneAt: n.completedAt }),
  };
}

/** The case with its old notifications moved in (an effect already there is kept), and its next-due time. */
export function withNotifications(record: CaseRecord, old: OldNotification[]): { record: CaseRecord; nextDue: string | undefined } {
  const effects = { ...record.effects };
  for (const n of old) {
    const effect = effectFrom(n);
    if (effect && !effects[effect.key]) effects[effect.key] = effect;
  }
  const next = { ...record, effects };
  return { record: next, nextDue: nextDueAt(next) };
}
