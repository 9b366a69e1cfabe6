import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatReference } from '../review/case.js';
import type { CaseStore } from '../review/store.js';
import { SqliteStore } from '../storage/sqlite-store.js';

/**
 * The reminder sweep's cost against the number of open cases: each case has a reminder
 * planned, and the same number are due now whatever the number of cases. The sweep
 * reads what is due (one indexed query, paged) and takes each over, as
 * `scheduler/outbox.ts` does; sending is left out, being the same for the same number
 * due. On SQLite: the Cosmos test server scans every item on every query.
 */
const DUE = 200;
const NOW = '2026-12-14T09:05:00.000Z';
const LATER = '2026-12-21T09:00:00.000Z';

async function fill(store: CaseStore, cases: number): Promise<void> {
  for (let i = 1; i <= cases; i++) {
    const caseId = formatReference(2026, i);
    await store.scheduleNotification({
      key: `reminder:${caseId}:police:lead`,
      caseId,
      kind: 'reminder',
      dueAt: i <= DUE ? '2026-12-14T09:00:00.000Z' : LATER,
      payload: { agencyId: 'police' },
    });
  }
}

async function sweep(store: CaseStore): Promise<number> {
  let taken = 0;
  let continuation: string | undefined;
  do {
    const page = await store.listDueNotifications(NOW, { limit: 50, ...(continuation && { continuation }) });
    for (const n of page.items) {
      if (await store.takeOverNotification(n.caseId, n.key, { now: NOW, until: LATER })) taken++;
    }
    continuation = page.continuation;
  } while (continuation);
  return taken;
}

/** Median milliseconds of a sweep over `cases` open cases, fresh due reminders each time. */
export async function sweepMs(cases: number, rounds = 5): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'panel-sweep-'));
  const store = new SqliteStore(join(dir, 'panel.db'));
  try {
    await fill(store, cases);
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Each round takes over what the last one took: give the due reminders back first.
      const t = performance.now();
      const taken = await sweep(store);
      times.push(performance.now() - t);
      if (taken !== DUE && round === 0) throw new Error(`the sweep took ${taken} reminders, not ${DUE}`);
      for (let i = 1; i <= DUE; i++) {
        const caseId = formatReference(2026, i);
        await store.takeOverNotification(caseId, `reminder:${caseId}:police:lead`, { now: LATER, until: '2026-12-14T09:00:00.000Z' });
      }
    }
    return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
