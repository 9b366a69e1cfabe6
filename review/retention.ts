/**
 * Retention: a closed case is kept for the years the partnership sets, then the nightly
 * purge deletes it and everything about it, leaving an anonymous tombstone (its figures
 * for the annual summary, and the length and last hash of the trail that went with it)
 * and recording the purge in the partnership's own audit trail.
 */
import { PARTNERSHIP_AUDIT, type AuditEvent } from './audit.js';
import { caseFigures, type Tombstone } from './case-figures.js';
import type { CaseRecord } from './case.js';
import type { Partnership } from './partnership.js';
import type { CaseStore, Expiry } from './store.js';

type Deps = { store: CaseStore; partnership: Pick<Partnership, 'timezone'>; now: () => Date };

/** What is left of `record` once purged at `at`, with its trail's length and last hash. */
export function tombstoneOf(record: CaseRecord, trail: { events: number; head: string }, at: string, timeZone: string): Tombstone {
  return {
    reference: record.reference,
    figures: caseFigures(record, timeZone),
    closedAt: record.closedAt ?? at,
    expiresAt: record.expiresAt ?? at,
    purgedAt: at,
    audit: trail,
  };
}

/** The closed cases whose retention has ended by now: what tonight's purge deletes. */
export async function expiredBy(store: CaseStore, now: Date): Promise<Expiry[]> {
  const at = now.toISOString();
  return (await store.listExpiries()).filter((e) => e.expiresAt <= at);
}

/** Purges every case whose retention has ended, and says which went. */
export async function purgeExpired(deps: Deps): Promise<string[]> {
  const at = deps.now().toISOString();
  const purged: string[] = [];
  for (const { reference } of await expiredBy(deps.store, deps.now())) {
    const record = await deps.store.getCase(reference);
    if (!record) {
      await deps.store.purgeCase(reference); // a purge stopped part-way: the rest of it
      continue;
    }
    const head = await deps.store.getAuditHead(reference);
    const trail = { events: head?.seq ?? 0, head: head?.hash ?? '' };
    const event: AuditEvent = {
      caseId: PARTNERSHIP_AUDIT,
      at,
      actor: 'panel',
      action: 'case.purged',
      detail: `reference=${reference} events=${trail.events} head=${trail.head}`,
    };
    await deps.store.purgeCase(reference, { tombstone: tombstoneOf(record, trail, at, deps.partnership.timezone), event });
    purged.push(reference);
  }
  return purged;
}
