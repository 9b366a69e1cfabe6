import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosmosStore } from '../../storage/cosmos-store.js';
import { SqliteStore } from '../../storage/sqlite-store.js';
import { startCosmosTestServer, TEST_KEY, type CosmosTestServer } from '../support/cosmos-test-server.js';
import { storeContract, type StoreUnderTest } from './store-contract.js';

/** A temporary SQLite file. */
function sqlite(): StoreUnderTest {
  const dir = mkdtempSync(join(tmpdir(), 'panel-contract-'));
  return {
    open: async () => new SqliteStore(join(dir, 'panel.db')),
    stop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The Cosmos test server, a fresh database per suite, through the real SDK. */
function cosmos(): StoreUnderTest {
  let server: CosmosTestServer | undefined;
  const database = `panel-${randomUUID()}`;
  return {
    async open() {
      server ??= await startCosmosTestServer();
      return CosmosStore.open({ endpoint: server.endpoint, database, key: TEST_KEY, agent: server.agent });
    },
    stop: async () => server?.stop(),
  };
}

storeContract('SQLite', sqlite);
storeContract('Cosmos DB (test server)', cosmos);
