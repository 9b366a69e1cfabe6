import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startPanel } from '../../bot/server.js';
import { PartnershipFileError } from '../../review/partnership.js';
import { StoreUnavailableError } from '../../review/store.js';
import { CosmosStore } from '../../storage/cosmos-store.js';
import { startCosmosTestServer, TEST_KEY } from '../support/cosmos-test-server.js';

/** Start-up stops with the setting to fix, never a stack trace. */
describe('start-up failures name what to fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panel-startup-'));
  const log = createLogger('silent');
  const start = (env: Record<string, string>) =>
    startPanel(loadConfig({ LOCAL_MODE: 'true', PORT: '0', SQLITE_PATH: join(dir, 'panel.db'), ...env }), { log });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing partnership file names PARTNERSHIP_FILE', async () => {
    const failure = start({ PARTNERSHIP_FILE: join(dir, 'missing.yaml') });
    await expect(failure).rejects.toBeInstanceOf(PartnershipFileError);
    await expect(failure).rejects.toThrow(/cannot be read \(ENOENT\): set PARTNERSHIP_FILE/);
  });

  it('an invalid partnership file names the file and the path of each problem', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: X\nnation: UK\nagencies: []\npeople: []\npanel: { day: 25, cutoffDay: 15 }\n');
    await expect(start({ PARTNERSHIP_FILE: file })).rejects.toThrow(/bad\.yaml is not valid:[\s\S]*nation: /);
  });

  it('a Cosmos DB that cannot be reached says so, naming COSMOS_ENDPOINT', async () => {
    const failure = start({ STORE: 'cosmos', COSMOS_ENDPOINT: 'https://127.0.0.1:1', COSMOS_KEY: TEST_KEY });
    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failure).rejects.toThrow(/cannot reach Cosmos DB at https:\/\/127\.0\.0\.1:1.*COSMOS_ENDPOINT/);
  });

  it('a Cosmos DB that refuses the credentials says so, naming COSMOS_KEY', async () => {
    const cosmos = await startCosmosTestServer();
    cosmos.refuseAll();
    const failure = CosmosStore.open({ endpoint: cosmos.endpoint, database: 'panel', key: TEST_KEY, agent: cosmos.agent });
    await expect(failure).rejects.toThrow(/refused Panel's credentials \(403\): check COSMOS_KEY/);
    await cosmos.stop();
  });

  it('an SQLite file that cannot be opened names SQLITE_PATH', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const failure = start({ SQLITE_PATH: join(blocker, 'panel.db') });
    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failure).rejects.toThrow(/set SQLITE_PATH to a writable file/);
  });
});

/** Probes: /healthz says the process is alive; /readyz that it can serve (the store answers). */
describe('health and readiness', () => {
  it('/readyz answers 200 while the store answers, and 503 with the reason once it does not', async () => {
    const cosmos = await startCosmosTestServer();
    const store = await CosmosStore.open({ endpoint: cosmos.endpoint, database: 'panel-ready', key: TEST_KEY, agent: cosmos.agent });
    const panel = await startPanel(loadConfig({ LOCAL_MODE: 'true', PORT: '0' }), { log: createLogger('silent'), store });
    const probe = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${panel.port}${path}`);
      return { status: res.status, body: (await res.json()) as { status: string; problems?: string[] } };
    };
    try {
      expect(await probe('/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
      await cosmos.stop();
      const unready = await probe('/readyz');
      expect(unready.status).toBe(503);
      expect(unready.body.problems).toContainEqual(expect.stringMatching(/the store did not answer/));
      // Alive all the same: a restart would not help a store that is down.
      expect((await probe('/healthz')).status).toBe(200);
    } finally {
      await panel.close(0);
    }
  });
});
