import type { Container, ItemDefinition } from '@azure/cosmos';
import type { AuditEvent } from '../review/audit.js';
import type { CaseRecord } from '../review/case.js';
import { auditOperations, readHead, tryBatch } from './cosmos-audit.js';
import { caseDocument } from './cosmos-create.js';
import { ConflictError, StoreBusyError } from '../review/store.js';
import { guard, statusOf, strip } from './cosmos-items.js';
import { withNotifications, type OldNotification } from './upgrade-notifications.js';

/**
 * A container from before the effects outbox holds `notification:…` documents beside the
 * cases: at start-up each case takes its own in as effects (a conditional replace), and
 * the old documents are deleted. Safe to run on several instances at once and again after
 * a crash: an effect already moved is kept, and a document already deleted is gone.
 */
export async function moveNotifications(cases: Container): Promise<number> {
  const { resources } = await guard('notifications', () =>
    cases.items.query<OldNotification & ItemDefinition>("SELECT * FROM c WHERE c.type = 'notification'").fetchAll(),
  );
  const byCase = new Map<string, (OldNotification & ItemDefinition)[]>();
  for (const n of resources) byCase.set(n.caseId, [...(byCase.get(n.caseId) ?? []), n]);
  for (const [caseId, old] of byCase) {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const { resource, etag } = await guard('case', () => cases.item('case', caseId).read<CaseRecord & ItemDefinition>());
      if (!resource) break;
      const { record } = withNotifications(strip<CaseRecord>(resource), old);
      try {
        await guard('case', () =>
          cases.item('case', caseId).replace(caseDocument(record), { accessCondition: { type: 'IfMatch', condition: etag } }),
        );
        break;
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt === 5) throw err;
      }
    }
    for (const n of old) {
      await guard('notification', () => cases.item(n.id!, caseId).delete()).catch((err: unknown) => {
        if (statusOf(err) !== 404) throw err;
      });
    }
  }
  return resources.length;
}

/**
 * Audit events written before the trails were chained (ids `audit:<time>:…`, no number)
 * are linked in the order they were written, each moved to its numbered id with the
 * head in one batch: the chain proves nothing changed after this upgrade, not before.
 * Safe to run again after a crash: what was moved is gone from the query.
 */
export async function chainUnlinkedAudit(cases: Container): Promise<number> {
  const { resources } = await guard('audit', () =>
    cases.items.query<AuditEvent & ItemDefinition>("SELECT * FROM c WHERE c.type = 'audit' AND NOT IS_DEFINED(c.seq)").fetchAll(),
  );
  const byTrail = new Map<string, (AuditEvent & ItemDefinition)[]>();
  for (const e of resources) byTrail.set(e.caseId, [...(byTrail.get(e.caseId) ?? []), e]);
  for (const [trail, old] of byTrail) {
    for (const e of old.sort((a, b) => (a.id! < b.id! ? -1 : 1))) {
      const event = { ...strip<AuditEvent>(e), caseId: trail };
      const { operations } = auditOperations(trail, [event], await readHead(cases, trail));
      const moved = [...operations, { operationType: 'Delete', id: e.id! } as const];
      if ((await tryBatch(cases, trail, moved)) === undefined) throw new StoreBusyError();
    }
  }
  return resources.length;
}
