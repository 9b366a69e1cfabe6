import { afterAll, beforeAll } from 'vitest';
import { ConnectorStandIn } from './connector-stand-in.js';
import { PanelHarness } from './panel-harness.js';

export interface HttpSuite {
  connector: ConnectorStandIn;
  panel: PanelHarness;
  /** The stand-in's URL: the `serviceUrl` of every activity the suite sends. */
  serviceUrl(): string;
}

/**
 * For a describe block: the real server (local mode unless `env` says otherwise) and a
 * Bot Connector stand-in, started before its tests and stopped after them.
 */
export function httpSuite(env: Record<string, string> = {}): HttpSuite {
  const connector = new ConnectorStandIn();
  const panel = new PanelHarness(env);
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
