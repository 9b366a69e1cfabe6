import type { Container, ItemDefinition } from '@azure/cosmos';
import type { CaseRecord } from '../review/case.js';
import { caseDocument } from './cosmos-create.js';
import { ConflictError } from '../review/store.js';
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
