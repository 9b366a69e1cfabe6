import Database from 'better-sqlite3';
import { CosmosClient } from '@azure/cosmos';
import { existsSync, readFileSync } from 'node:fs';
import { TEST_KEY } from './cosmos-test-server.js';
import type { PanelHarness } from './panel-harness.js';

/**
 * Everything a harness's store holds, as text: every byte of the SQLite file and its
 * write-ahead log (after a checkpoint), or every document of every Cosmos container. What
 * a scan for personal data reads: nothing deleted may linger in it.
 */
export async function storeContents(panel: PanelHarness): Promise<string> {
  if (panel.storeKind === 'sqlite') {
    const db = new Database(panel.dbPath);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const wal = `${panel.dbPath}-wal`;
    return readFileSync(panel.dbPath).toString('latin1') + (existsSync(wal) ? readFileSync(wal).toString('latin1') : '');
  }
  const client = new CosmosClient({ endpoint: panel.cosmos!.endpoint, key: TEST_KEY, agent: panel.cosmos!.agent });
  try {
    const all = await Promise.all(['cases', 'meta'].map((c) => client.database(panel.database).container(c).items.readAll().fetchAll()));
    return JSON.stringify(all.map((r) => r.resources));
  } finally {
    client.dispose();
  }
}
