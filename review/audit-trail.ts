/**
 * Reading the audit trails: a case's trail for the business unit (`audit REF-…`), a page
 * at a time, each event's actor named from the partnership file; and every trail checked
 * against its hashes (`npm run panel -- audit verify`). Reading a trail is itself audited.
 */
import { DateTime } from 'luxon';
import type { AuditAction } from './audit.js';
import { verifyTrail, type BrokenTrail } from './audit-chain.js';
import { anonymise, type AnonymousCase } from './case.js';
import { recordAudit, type Caller, type ReviewDeps } from './deps.js';
import { ROLE_NAMES } from './roles.js';
import type { Directory } from './partnership.js';
import type { CaseStore } from './store.js';

/** Events to a page: a card of them stays well inside Teams' size limit. */
export const AUDIT_PAGE_SIZE = 20;

/** One event as the business unit reads it: who by name and role, what, when. */
export interface TrailLine {
  seq: number;
  /** Partnership time, e.g. "Tue 1 Dec 2026 10:05". */
  when: string;
  who: string;
  role: string;
  action: AuditAction;
  detail?: string;
}

export type AuditTrailResult =
  | { status: 'refused' | 'notFound' }
  | {
      status: 'shown';
      record: AnonymousCase;
      lines: TrailLine[];
      /** 1 is the newest events. */
      page: number;
      pages: number;
      total: number;
      broken?: BrokenTrail;
    };

/** Who an actor is, by name and role from the partnership file; Panel itself, or an operator at the command line. */
export function actorOf(directory: Directory, actor: string): { who: string; role: string } {
  if (actor === 'panel') return { who: 'Panel', role: 'Panel itself' };
  if (actor.startsWith('operator:')) return { who: actor.slice('operator:'.length), role: 'Operator (command line)' };
  const person = directory.find(actor);
  if (!person) return { who: `Not in the partnership file (…${actor.slice(-4)})`, role: '' };
  return { who: person.name, role: person.roles.map((r) => ROLE_NAMES[r]).join(', ') || 'Practitioner' };
}

/** A case's trail, newest first, a page at a time, to the business unit only; its hashes checked; the view audited. */
export async function showAuditTrail(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; page?: number },
): Promise<AuditTrailResult> {
  const record = await deps.store.getCase(input.reference);
  if (!deps.directory.hasRole(input.caller.aadObjectId, 'businessUnit')) {
    if (record) await recordAudit(deps, input.reference, input.caller.aadObjectId, 'audit.view.refused');
    return { status: 'refused' };
  }
  if (!record) return { status: 'notFound' };
  const events = await deps.store.listAudit(input.reference);
  const broken = verifyTrail(input.reference, events, await deps.store.getAuditHead(input.reference));
  const pages = Math.max(1, Math.ceil(events.length / AUDIT_PAGE_SIZE));
  const page = Math.min(Math.max(1, input.page ?? 1), pages);
  const newestFirst = [...events].reverse().slice((page - 1) * AUDIT_PAGE_SIZE, page * AUDIT_PAGE_SIZE);
  const zone = deps.partnership.timezone;
  const lines = newestFirst.map((e) => ({
    seq: e.seq,
    when: DateTime.fromISO(e.at, { zone }).toFormat('ccc d LLL yyyy HH:mm'),
    ...actorOf(deps.directory, e.actor),
    action: e.action,
    ...(e.detail && { detail: e.detail }),
  }));
  await recordAudit(deps, input.reference, input.caller.aadObjectId, 'audit.viewed', `page=${page}`);
  return { status: 'shown', record: anonymise(record), lines, page, pages, total: events.length, ...(broken && { broken }) };
}

/** One trail's check: its events counted, and where it breaks if it does. */
export interface TrailCheck {
  trail: string;
  events: number;
  broken?: BrokenTrail;
}

/**
 * Checks every trail the store holds (or the one named), and every case's having one:
 * a case whose trail is gone entirely is broken at its first event.
 */
export async function verifyTrails(store: CaseStore, only?: string): Promise<TrailCheck[]> {
  const trails = new Set(only ? [only] : await store.listAuditTrails());
  if (!only) {
    let continuation: string | undefined;
    do {
      const page = await store.listCases({ limit: 100, ...(continuation && { continuation }) });
      for (const c of page.items) trails.add(c.reference);
      continuation = page.continuation;
    } while (continuation);
  }
  const checks: TrailCheck[] = [];
  for (const trail of [...trails].sort()) {
    const events = await store.listAudit(trail);
    const head = await store.getAuditHead(trail);
    const broken =
      verifyTrail(trail, events, head) ?? (events.length === 0 ? { trail, seq: 1, problem: 'ends early' as const } : undefined);
    checks.push({ trail, events: events.length, ...(broken && { broken }) });
  }
  return checks;
}
