import {
  CardFactory,
  ConfigurationBotFrameworkAuthentication,
  CloudAdapter,
  MessageFactory,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import { ProactiveConnector } from '../bot/proactive-connector.js';
import { channelCaseCard } from '../cards/case-cards.js';
import { anonymise } from '../review/case.js';
import { caseRecord } from '../tests/unit/fixtures.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import restify from 'restify';
import { loadConfig } from '../bot/config.js';
import { createLogger } from '../bot/logger.js';
import { startPanel } from '../bot/server.js';
import { CosmosStore } from '../storage/cosmos-store.js';
import type { CaseStore } from '../review/store.js';
import { startCosmosTestServer, TEST_KEY } from '../tests/support/cosmos-test-server.js';
import { NOW } from '../tests/support/panel-harness.js';

/**
 * One benchmark target in its own process, so that neither the load generator nor the
 * Bot Connector stand-in shares its event loop: `tsx bench/serve.ts echo|echo-post|sqlite|cosmos`.
 * Prints one JSON line, { port }, when ready; runs until killed.
 */
type Target = 'echo' | 'echo-post' | 'sqlite' | 'cosmos' | 'cosmos-latency';
const TARGETS: readonly string[] = ['echo', 'echo-post', 'sqlite', 'cosmos', 'cosmos-latency'] satisfies Target[];

/**
 * The baseline: the plainest botbuilder bot, echoing each message through the connector.
 * With `post`, a second baseline: after each echo it also posts a case card the size of
 * Panel's (about 3 KB) to a channel, as Panel posts each referral to the business unit's
 * channel after answering, through the same kind of kept connector client.
 */
async function startEchoBot(post: boolean): Promise<number> {
  const auth = new ConfigurationBotFrameworkAuthentication({});
  const adapter = new CloudAdapter(auth);
  const connector = new ProactiveConnector(auth, '');
  const card = CardFactory.adaptiveCard(
    channelCaseCard(anonymise(caseRecord()), { today: caseRecord().receivedOn, agencyNames: new Map() }),
  );
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context: TurnContext) => {
      if (context.activity.type !== 'message') return;
      await context.sendActivity(`echo: ${context.activity.text}`);
      if (!post) return;
      const serviceUrl = context.activity.serviceUrl;
      void connector
        .client(serviceUrl)
        .then((client) =>
          client.conversations.createConversation({
            isGroup: true,
            bot: { id: '', name: 'echo' },
            members: [],
            channelData: { channel: { id: '19:bench@thread.tacv2' } },
            activity: MessageFactory.attachment(card) as Activity,
          }),
        )
        .catch(() => undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/**
 * Cosmos DB in the same region answers in a few milliseconds: each store call waits 3 to
 * 8 ms before the test server (on loopback, well under a millisecond) does it.
 */
function inRegion(store: CaseStore): CaseStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, 3 + Math.random() * 5));
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

async function startPanelOn(target: 'sqlite' | 'cosmos' | 'cosmos-latency'): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'panel-bench-'));
  const config = loadConfig({ LOCAL_MODE: 'true', PORT: '0', SQLITE_PATH: join(dir, 'panel.db'), LOG_LEVEL: 'silent' });
  const log = createLogger('silent');
  // The referral fixture's dates are valid on the test suite's date.
  const now = () => NOW;
  if (target === 'sqlite') return (await startPanel(config, { log, now })).port;
  const cosmos = await startCosmosTestServer();
  const opened = await CosmosStore.open({ endpoint: cosmos.endpoint, database: 'bench', key: TEST_KEY, agent: cosmos.agent });
  const store = target === 'cosmos-latency' ? inRegion(opened) : opened;
  return (await startPanel(config, { log, store, now })).port;
}

async function main(): Promise<void> {
  const target = process.argv[2] as Target;
  if (!TARGETS.includes(target)) throw new Error(`usage: serve.ts ${TARGETS.join('|')}`);
  const port = target === 'echo' || target === 'echo-post' ? await startEchoBot(target === 'echo-post') : await startPanelOn(target);
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  // Exit normally when stopped, so `node --cpu-prof` can write its profile.
  process.once('SIGTERM', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
