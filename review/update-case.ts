import type { CaseRecord } from './case.js';
import { ConflictError, type CaseStore, type CaseWrite, type Versioned } from './store.js';

/** A change to a case, with what is written beside it in the same write (audit events, items). */
export interface Change extends CaseWrite {
  record: CaseRecord;
}

/**
 * Read, change, write back only if nobody else wrote in between; on a conflict, read
 * again and re-apply the change. `change` must be a pure function of the record it is
 * given, because it may run more than once; the effects it owes are inside the record,
 * so they are stored with it or not at all. A change that returns the record it was
 * given, with nothing beside it, writes nothing. `known` is a version already in hand
 * (the one a turn has just written), to save the first read.
 */
export async function updateCaseVersion(
  store: CaseStore,
  reference: string,
  change: (record: CaseRecord) => CaseRecord | Change,
  options: { attempts?: number; known?: Versioned<CaseRecord> | undefined } = {},
): Promise<Versioned<CaseRecord>> {
  const attempts = options.attempts ?? 10;
  let known = options.known;
  for (let attempt = 1; ; attempt++) {
    const current = known ?? (await store.getCaseVersion(reference));
    known = undefined;
    if (!current) throw new RangeError(`no case ${reference}`);
    const changed = change(current.value);
    const { record, ...also } = 'record' in changed ? changed : { record: changed };
    if (record === current.value && !also.audit?.length && !also.items?.length) return current;
    try {
      return { value: record, etag: await store.replaceCase(record, current.etag, also) };
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= attempts) throw err;
    }
  }
}

/** `updateCaseVersion`, for a caller that needs only the record. */
export async function updateCase(
  store: CaseStore,
  reference: string,
  change: (record: CaseRecord) => CaseRecord | Change,
  options: { attempts?: number; known?: Versioned<CaseRecord> | undefined } = {},
): Promise<CaseRecord> {
  return (await updateCaseVersion(store, reference, change, options)).value;
}
