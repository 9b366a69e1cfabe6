import { afterAll, beforeAll } from 'vitest';
import { ConnectorStandIn } from './connector-stand-in.js';
import { PanelHarness, type StoreKind } from './panel-harness.js';

export interface HttpSuite {
  connector: ConnectorStandIn;
  panel: PanelHarness;
  /** The stand-in's URL: the `serviceUrl` of every activity the suite sends. */
  serviceUrl(): string;
}

/**
 * For a describe block: the real server (local mode unless `env` says otherwise) on the
 * given store, and a Bot Connector stand-in, started before its tests and stopped after.
 */
export function httpSuite(env: Record<string, string> = {}, store: StoreKind = 'sqlite'): HttpSuite {
  const connector = new ConnectorStandIn();
  const panel = new PanelHarness(env, store);
  beforeAll(async () => {
    await connector.start();
    await panel.start();
  });
  afterAll(async () => {
    await panel.stop();
    await connector.stop();
  });
  return { connector, panel, serviceUrl: () => connector.url };
}

/** The referral suites run on both stores. */
export const STORES = [
  { name: 'SQLite', store: 'sqlite' },
  { name: 'Cosmos DB (test server)', store: 'cosmos' },
] as const;
