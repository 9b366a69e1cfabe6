import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { effectsOf } from '../../review/effects.js';
import { CosmosStore } from '../../storage/cosmos-store.js';
import {
  cardAction,
  channelMention,
  PANEL_CHANNEL,
  personalMessage,
  REFERRALS_CHANNEL,
  type Activity,
  type PersonKey,
} from '../support/activities.js';
import { texts } from '../support/cards.js';
import { ConnectorStandIn, type ConnectorCall } from '../support/connector-stand-in.js';
import { startCosmosTestServer, TEST_KEY, type CosmosTestServer } from '../support/cosmos-test-server.js';
import { eventually, PanelProcess } from '../support/panel-process.js';
import { validReferralForm } from '../support/referral-form.js';

/** Tuesday 1 December 2026, 10:00 in London; Thursday 3 December at 09:05, when the first statutory duty reminders fall due. */
const AT = { ten: '2026-12-01T10:00:00.000Z', reminders: '2026-12-03T09:05:00.000Z', later: '2026-12-03T10:05:00.000Z' } as const;
const TIMEOUT = 120_000;
const STORM = 16;
/** The panel members who vote at once (the demo partnership's eight members). */
const VOTERS: PersonKey[] = ['priya', 'noor', 'ellis', 'rowan', 'sasha', 'quinn', 'avery', 'jamie'];

/** A round-robin proxy in front of the instances, as App Service's front end spreads turns. */
class RoundRobin {
  private turn = 0;
  private readonly server: Server;
  constructor(private readonly instances: () => PanelProcess[]) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const live = this.instances().filter((p) => p.running);
        const target = live[this.turn++ % live.length]!;
        void fetch(`http://127.0.0.1:${target.port}${req.url ?? '/'}`, {
          method: req.method ?? 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        }).then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(await answer.text());
        });
      });
    });
  }
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }
  async send(activity: Activity): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const isChannelPost = (call: ConnectorCall) =>
  call.method === 'POST' &&
  call.path === '/v3/conversations' &&
  (call.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id === REFERRALS_CHANNEL;
const mentions = (call: ConnectorCall, text: string) => JSON.stringify(call.body).includes(text);

/**
 * Two Panel processes on one Cosmos DB (the test server), behind a round-robin proxy: a
 * referral storm, eight votes at once, a reminder sweep due on both, and one instance
 * killed mid-way. Every case is stored once, every vote counted, every reminder and
 * post done once; the survivor finishes the dead one's effects once their leases end.
 */
describe('two Panel instances on one Cosmos DB', () => {
  const connector = new ConnectorStandIn();
  const answered: ConnectorCall[] = [];
  const hung: ConnectorCall[] = [];
  let hangNext: ((call: ConnectorCall) => boolean) | undefined;
  let cosmos: CosmosTestServer;
  let env: Record<string, string> = {};
  let instances: PanelProcess[] = [];
  const proxy = new RoundRobin(() => instances);
  const references: string[] = [];
  let store: CosmosStore | undefined;
  const storeOf = async () =>
    (store ??= await CosmosStore.open({ endpoint: cosmos.endpoint, database: env.COSMOS_DATABASE!, key: TEST_KEY, agent: cosmos.agent }));
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' | 'panel' = 'personal') => {
    const { status, body } = await proxy.send(cardAction(connector.url, who, verb, data, where));
    if (status !== 200) throw new Error(`invoke answered ${status}`);
    return (body as { value: unknown }).value;
  };
  const start = (now: string) => Promise.all([new PanelProcess(env).start(now), new PanelProcess(env).start(now)]);

  beforeAll(async () => {
    connector.respondWith((call) => {
      if (hangNext?.(call)) {
        hangNext = undefined;
        hung.push(call);
        return new Promise(() => {});
      }
      answered.push(call);
      return undefined;
    });
    await connector.start();
    cosmos = await startCosmosTestServer();
    env = {
      STORE: 'cosmos',
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: TEST_KEY,
      COSMOS_DATABASE: `panel-instances-${randomUUID()}`,
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
    };
    await proxy.start();
    instances = await start(AT.ten);
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(instances.map((p) => p.kill()));
    await proxy.stop();
    await store?.close();
    await connector.stop();
    await cosmos.stop();
  });

  it(
    'a referral storm through both: every case once, each posted to the channel once',
    async () => {
      await proxy.send(channelMention(connector.url, 'sam', 'use this channel for referrals'));
      await proxy.send(channelMention(connector.url, 'sam', 'use this channel for the panel', PANEL_CHANNEL));
      const acks = await Promise.all(
        Array.from({ length: STORM }, () => act('dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() })),
      );
      references.push(...acks.map((ack) => /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0]));
      expect(new Set(references).size).toBe(STORM);
      const s = await storeOf();
      await eventually('every case posted', async () => {
        const cases = await Promise.all(references.map((r) => s.getCase(r)));
        return cases.every((c) => c?.effects?.['channel-post']?.status === 'sent');
      });
      for (const reference of references) {
        expect(answered.filter((c) => isChannelPost(c) && mentions(c, reference))).toHaveLength(1);
      }
    },
    TIMEOUT,
  );

  it(
    'eight votes at once, spread over both instances: every vote counted',
    async () => {
      const reference = references[0]!;
      await act('sam', VERBS.listForPanel, { reference }, 'channel');
      await proxy.send(personalMessage(connector.url, 'sam', 'post agenda'));
      const s = await storeOf();
      await eventually('the vote to open', async () => (await s.getCase(reference))?.panel?.ballot);
      await Promise.all(VOTERS.map((who) => act(who, VERBS.castVote, { reference, ballot: '1', choice: 'partnership' }, 'panel')));
      expect((await s.getCase(reference))?.panel?.ballot?.votes).toHaveLength(VOTERS.length);
    },
    TIMEOUT,
  );

  it(
    'a reminder sweep due on both instances at once: each statutory duty reminder said once',
    async () => {
      await Promise.all(instances.map((p) => p.kill()));
      instances = [new PanelProcess(env).prepare(AT.reminders), new PanelProcess(env).prepare(AT.reminders)];
      await Promise.all(instances.map((p) => p.launch()));
      await Promise.all(instances.map((p) => p.startupSweep()));
      const s = await storeOf();
      for (const reference of references) {
        const record = (await s.getCase(reference))!;
        const due = effectsOf(record).filter((e) => e.kind === 'dutyReminder' && e.dueAt <= AT.reminders);
        expect(due.length).toBeGreaterThan(0);
        expect(due.every((e) => e.status === 'sent')).toBe(true);
        const thread = record.effects?.['channel-post']?.conversationId;
        const said = answered.filter(
          (c) => c.method === 'POST' && c.path === `/v3/conversations/${thread}/activities` && mentions(c, 'statutory duty'),
        );
        expect(said).toHaveLength(due.length);
      }
    },
    TIMEOUT,
  );

  it(
    'one instance killed mid-way: the other does its effect once the lease has run out',
    async () => {
      const [doomed, survivor] = instances as [PanelProcess, PanelProcess];
      hangNext = isChannelPost;
      const ack = await doomed.invoke(
        cardAction(connector.url, 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }),
      );
      const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
      await eventually('the post to hang', () => hung.length === 1);
      await doomed.kill();
      // An hour on by the survivor's clock, the dead instance's lease has run out.
      await survivor.kill();
      const next = new PanelProcess(env).prepare(AT.later);
      instances = [next];
      await next.launch();
      await next.startupSweep();
      expect(answered.filter((c) => isChannelPost(c) && mentions(c, reference))).toHaveLength(1);
      expect((await (await storeOf()).getCase(reference))?.effects?.['channel-post']).toMatchObject({ status: 'sent', doneAt: AT.later });
    },
    TIMEOUT,
  );
});
