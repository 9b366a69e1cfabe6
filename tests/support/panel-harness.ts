import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../bot/config.js';
import { createLogger, type Logger } from '../../bot/logger.js';
import { startPanel, type RunningPanel } from '../../bot/server.js';
import { randomUUID } from 'node:crypto';
import type { CaseStore } from '../../review/store.js';
import { CosmosStore } from '../../storage/cosmos-store.js';
import { SqliteStore } from '../../storage/sqlite-store.js';
import { startCosmosTestServer, TEST_KEY, type CosmosTestServer } from './cosmos-test-server.js';
import type { Activity } from './activities.js';

/** A fixed "now" for the suite: Tuesday 1 December 2026, 10:00 in London. */
export const NOW = new Date('2026-12-01T10:00:00Z');

export interface InvokeBody {
  statusCode: number;
  type: string;
  value: unknown;
}

export type StoreKind = 'sqlite' | 'cosmos';

/**
 * The real server on a random port, in local mode, with a temporary SQLite file or a
 * database on the in-process Cosmos test server. It can be restarted on the same store
 * to prove what was stored survives.
 */
export class PanelHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'panel-test-'));
  readonly dbPath = join(this.dir, 'panel.db');
  panel!: RunningPanel;
  private readonly env: Record<string, string>;
  /** What Panel takes for "now": the suite's date unless a test moves it on. */
  clock: Date = NOW;
  /** The Cosmos test server, once a Cosmos harness has started. */
  cosmos: CosmosTestServer | undefined;
  /** The Cosmos database the harness opens on the test server. */
  readonly database = `panel-${randomUUID()}`;

  constructor(
    env: Record<string, string> = {},
    readonly storeKind: StoreKind = 'sqlite',
    /** Where the server logs: nowhere, unless a test captures what it writes. */
    private readonly log: Logger = createLogger('silent'),
  ) {
    this.env = { LOCAL_MODE: 'true', PORT: '0', SQLITE_PATH: this.dbPath, LOG_LEVEL: 'silent', ...env };
  }

  async start(): Promise<this> {
    this.panel = await startPanel(loadConfig(this.env), {
      store: await this.openStore(),
      log: this.log,
      now: () => this.clock,
    });
    return this;
  }

  private async openStore(): Promise<CaseStore> {
    if (this.storeKind === 'sqlite') return new SqliteStore(this.dbPath);
    this.cosmos ??= await startCosmosTestServer();
    return CosmosStore.open({ endpoint: this.cosmos.endpoint, database: this.database, key: TEST_KEY, agent: this.cosmos.agent });
  }

  async restart(): Promise<void> {
    await this.panel.close();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.panel.close();
    await this.cosmos?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  get url(): string {
    return `http://127.0.0.1:${this.panel.port}/api/messages`;
  }

  /** Waits for the work that follows turns (channel posts) to finish. */
  idle(): Promise<void> {
    return this.panel.deps.background.idle();
  }

  get store() {
    return this.panel.deps.review.store;
  }

  /** POSTs an activity as Teams would, and returns the HTTP status and body. */
  async send(activity: Activity, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** Sends a card action and returns the card (or message) Panel answers with. */
  async invoke(activity: Activity): Promise<InvokeBody> {
    const { status, body } = await this.send(activity);
    if (status !== 200) throw new Error(`invoke answered ${status}: ${JSON.stringify(body)}`);
    return body as InvokeBody;
  }
}
