import { DefaultAzureCredential } from '@azure/identity';
import { StoreUnavailableError, type CaseStore } from '../review/store.js';
import { CosmosStore } from './cosmos-store.js';
import { SqliteStore } from './sqlite-store.js';

/** Where cases are kept. Cosmos DB without a key signs in with Microsoft Entra ID. */
export type StoreConfig =
  { kind: 'sqlite'; path: string; synchronous: 'normal' | 'full' } | { kind: 'cosmos'; endpoint: string; database: string; key?: string };

/**
 * The store the configuration names. Cosmos DB without a key signs in with
 * DefaultAzureCredential: the managed identity in Azure, a developer's login locally.
 * `warn` hears of what could not be set up but need not stop Panel.
 */
export async function openStore(config: StoreConfig, warn?: (message: string) => void): Promise<CaseStore> {
  if (config.kind === 'sqlite') {
    try {
      return new SqliteStore(config.path, { synchronous: config.synchronous });
    } catch (err) {
      throw new StoreUnavailableError(
        `cannot open the SQLite file ${config.path} (${(err as Error).message}): set SQLITE_PATH to a writable file`,
      );
    }
  }
  return CosmosStore.open({
    endpoint: config.endpoint,
    database: config.database,
    ...(config.key ? { key: config.key } : { credential: new DefaultAzureCredential() }),
    ...(warn && { warn }),
  });
}
