import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatReference } from '../review/case.js';
import { leased, owe } from '../review/effects.js';
import type { CaseStore } from '../review/store.js';
import { updateCaseVersion } from '../review/update-case.js';
import { SqliteStore } from '../storage/sqlite-store.js';
import { caseRecord } from '../tests/unit/fixtures.js';

/**
 * The effects sweep's cost against the number of open cases: each case has a reminder
 * owed, and the same number are due now whatever the number of cases. The sweep reads
 * the cases due (one indexed query on their next-due time, paged) and takes each one's
 * reminder with a conditional write, as `review/run-effects.ts` does; sending is left
 * out, being the same for the same number due. On SQLite: the Cosmos test server scans
 * every item on every query.
 */
const DUE = 200;
const NOW = '2026-12-14T09:05:00.000Z';
const LATER = '2026-12-21T09:00:00.000Z';
const KEY = 'reminder:police:lead:2026-12-14';

async function fill(store: CaseStore, cases: number): Promise<void> {
  for (let i = 1; i <= cases; i++) {
    const reference = formatReference(2026, i);
    await store.createCaseOnce(
      `bench:${i}`,
      2026,
      () =>
        owe(caseRecord({ reference, sequence: i }), {
          key: KEY,
          kind: 'reminder',
          dueAt: i <= DUE ? '2026-12-14T09:00:00.000Z' : LATER,
          payload: { agencyId: 'police' },
        }),
      'bench',
    );
  }
}

async function sweep(store: CaseStore, round: number): Promise<number> {
  let taken = 0;
  let continuation: string | undefined;
  do {
    const page = await store.listDueCases(NOW, { limit: 50, ...(continuation && { continuation }) });
    for (const due of page.items) {
      const lease = { holder: `bench:${round}`, until: LATER };
      const after = await updateCaseVersion(store, due.reference, (r) => leased(r, KEY, lease, NOW) ?? r);
      if (after.value.effects?.[KEY]?.lease?.holder === lease.holder) taken++;
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
      const t = performance.now();
      const taken = await sweep(store, round);
      times.push(performance.now() - t);
      if (taken !== DUE) throw new Error(`the sweep took ${taken} reminders, not ${DUE}`);
      // Each round takes what the last one took: give the due reminders back first.
      for (let i = 1; i <= DUE; i++) {
        await updateCaseVersion(store, formatReference(2026, i), (r) => {
          const effect = r.effects?.[KEY];
          if (!effect) return r;
          const { lease: _lease, ...free } = effect;
          return { ...r, effects: { ...r.effects, [KEY]: free } };
        });
      }
    }
    return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
