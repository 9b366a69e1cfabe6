/**
 * The audit trails' hash chains. Each trail (a case's, and the partnership's) numbers its
 * events 1, 2, 3 … and each event carries the hash of the one before it and its own, over
 * its number and every field; the store keeps each trail's head (its last number and
 * hash) beside it. An edited event no longer matches its hash, a deleted or reordered one
 * breaks the numbering or the links, and a deleted last event leaves the head pointing
 * past the end. The stores link events as they write them (`linkEvents`); `verifyTrail`
 * checks a trail as read back.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from './audit.js';

/** The hash before a trail's first event. */
export const GENESIS = '0'.repeat(64);

/** An audit event as stored: its place in its trail, the previous event's hash and its own. */
export interface ChainedAuditEvent extends AuditEvent {
  seq: number;
  prev: string;
  hash: string;
}

/** A trail's last event: where the next one links on. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** The hash of an event at its place: every field, in a fixed order, so none can change unseen. */
export function eventHash(event: AuditEvent, seq: number, prev: string): string {
  const fields = [event.caseId, seq, prev, event.at, event.actor, event.action, event.detail ?? null];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Events appended to a trail after `head` (none yet: undefined), linked; and the trail's new head. */
export function linkEvents(
  events: readonly AuditEvent[],
  head: AuditHead | undefined,
): { linked: ChainedAuditEvent[]; head: AuditHead | undefined } {
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS;
  const linked = events.map((event) => {
    seq += 1;
    const hash = eventHash(event, seq, prev);
    const chained = { ...event, seq, prev, hash };
    prev = hash;
    return chained;
  });
  return { linked, head: linked.length > 0 ? { seq, hash: prev } : head };
}

/** A trail that fails: the first event that does not check out (its number), and how. */
export interface BrokenTrail {
  trail: string;
  seq: number;
  problem: 'edited' | 'missing or out of order' | 'link broken' | 'ends early' | 'past its head' | 'no head';
}

/**
 * Checks a trail as read back (in `seq` order) against its head: undefined if it holds,
 * or the first event that fails.
 */
export function verifyTrail(trail: string, events: readonly ChainedAuditEvent[], head: AuditHead | undefined): BrokenTrail | undefined {
  let prev = GENESIS;
  for (const [i, event] of events.entries()) {
    const expected = i + 1;
    if (event.seq !== expected || event.caseId !== trail)
      return { trail, seq: Math.min(event.seq, expected), problem: 'missing or out of order' };
    if (event.prev !== prev) return { trail, seq: event.seq, problem: 'link broken' };
    if (eventHash(event, event.seq, event.prev) !== event.hash) return { trail, seq: event.seq, problem: 'edited' };
    prev = event.hash;
  }
  if (!head) return events.length > 0 ? { trail, seq: events.length, problem: 'no head' } : undefined;
  if (head.seq > events.length) return { trail, seq: events.length + 1, problem: 'ends early' };
  if (head.seq < events.length) return { trail, seq: head.seq + 1, problem: 'past its head' };
  return head.hash === prev ? undefined : { trail, seq: head.seq, problem: 'edited' };
}
