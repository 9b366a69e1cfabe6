import type { CaseRecord } from './case.js';
import { ConflictError, type CaseStore } from './store.js';

/**
 * Read, change, write back only if nobody else wrote in between; on a conflict, read
 * again and re-apply the change. `change` must be a pure function of the record it is
 * given, because it may run more than once.
 */
export async function updateCase(
  store: CaseStore,
  reference: string,
  change: (record: CaseRecord) => CaseRecord,
  attempts = 10,
): Promise<CaseRecord> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.getCaseVersion(reference);
    if (!current) throw new RangeError(`no case ${reference}`);
    const next = change(current.value);
    try {
      await store.replaceCase(next, current.etag);
      return next;
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= attempts) throw err;
    }
  }
}
