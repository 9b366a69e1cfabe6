import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import type { CaseRecord } from '../../review/case.js';
import { SCHEDULED, effectsOf, LEASE_MS, type Effect } from '../../review/effects.js';
import type { CaseStore } from '../../review/store.js';
import { CosmosStore } from '../../storage/cosmos-store.js';
import { SqliteStore } from '../../storage/sqlite-store.js';
import {
  cardAction,
  channelMention,
  PANEL_CHANNEL,
  PEOPLE,
  personalMessage,
  REFERRALS_CHANNEL,
  type PersonKey,
} from '../support/activities.js';
import { cardOf, texts } from '../support/cards.js';
import { ConnectorStandIn, type ConnectorCall } from '../support/connector-stand-in.js';
import { startCosmosTestServer, TEST_KEY, type CosmosTestServer } from '../support/cosmos-test-server.js';
import { STORES } from '../support/http-suite.js';
import { eventually, PanelProcess } from '../support/panel-process.js';
import { validReferralForm } from '../support/referral-form.js';

/**
 * The instants the Panel processes' clocks are fixed at (PANEL_TEST_NOW): Tuesday
 * 1 December 2026 from 10:00 in London (the HTTP suites' "now"), an hour apart, so each
 * process starts long after the leases (5 minutes) of the one killed before it ran out.
 * Each test starts at one and restarts at the next; the process one test restarts is the
 * one the next test starts with (starting one takes seconds), or a new one if it has gone.
 */
const AT = {
  ten: '2026-12-01T10:00:00.000Z',
  eleven: '2026-12-01T11:00:00.000Z',
  noon: '2026-12-01T12:00:00.000Z',
  one: '2026-12-01T13:00:00.000Z',
  two: '2026-12-01T14:00:00.000Z',
  /** Monday 14 December, 09:05 in London: in working hours, just after a hold to that day ends. */
  holdOver: '2026-12-14T09:05:00.000Z',
} as const;

/** Each test starts one or two Panel processes, a few seconds each, more on a busy machine. */
const TIMEOUT = 90_000;

/** An answer the stand-in never gives: the Bot Connector hanging while Panel waits on it. */
const NEVER = () => new Promise<undefined>(() => {});

const isChannelPost = (call: ConnectorCall) =>
  call.method === 'POST' &&
  call.path === '/v3/conversations' &&
  (call.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id === REFERRALS_CHANNEL;
const personalPost = (who: PersonKey) => (call: ConnectorCall) =>
  call.method === 'POST' && call.path === `/v3/conversations/a:personal-${who}/activities`;
const mentions = (call: ConnectorCall, text: string) => JSON.stringify(call.body).includes(text);
const postOf = (reference: string) => (call: ConnectorCall) => isChannelPost(call) && mentions(call, reference);

/**
 * One store's world: a Bot Connector stand-in, the store (a SQLite file, or a database of
 * its own on the Cosmos test server, which runs in this process), and the real Panel
 * processes on it, which the tests kill with SIGKILL and start again. The stand-in notes
 * the calls it answered, and leaves unanswered those a test says to hang.
 */
class World {
  readonly connector = new ConnectorStandIn();
  readonly dir = mkdtempSync(join(tmpdir(), 'panel-crash-'));
  env: Record<string, string> = {};
  /** The process the tests talk to. */
  panel: PanelProcess | undefined;
  /** Every call the stand-in answered (with Teams' success), from every process. */
  readonly answered: ConnectorCall[] = [];
  /** Calls the stand-in left unanswered, in this test. */
  readonly hung: ConnectorCall[] = [];
  private hangs: { match: (call: ConnectorCall) => boolean; times: number } | undefined;
  /** Holds back the answers to the calls `match` selects until `open` settles. */
  private gate: { match: (call: ConnectorCall) => boolean; open: Promise<unknown> } | undefined;
  private cosmos: CosmosTestServer | undefined;
  private opened: CaseStore | undefined;
  private readonly processes: PanelProcess[] = [];

  constructor(readonly storeKind: 'sqlite' | 'cosmos') {
    this.connector.respondWith(async (call) => {
      if (this.hangs?.match(call)) {
        if (--this.hangs.times <= 0) this.hangs = undefined;
        this.hung.push(call);
        return NEVER();
      }
      if (this.gate?.match(call)) await this.gate.open;
      this.answered.push(call);
      return undefined;
    });
  }

  async start(): Promise<void> {
    await this.connector.start();
    if (this.storeKind === 'sqlite') {
      this.env = { SQLITE_PATH: join(this.dir, 'panel.db') };
      return;
    }
    this.cosmos = await startCosmosTestServer();
    this.env = {
      STORE: 'cosmos',
      COSMOS_ENDPOINT: this.cosmos.endpoint,
      COSMOS_KEY: TEST_KEY,
      COSMOS_DATABASE: `panel-crash-${randomUUID()}`,
      // The test server's bundled certificate has expired: trusted by this child only.
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
    };
  }

  get serviceUrl(): string {
    return this.connector.url;
  }

  /** The process the test talks to, its clock at `now`: the one running at `now` if any, else a new one. */
  async panelAt(now: string): Promise<PanelProcess> {
    if (this.panel?.running && this.panel.clock === now) return this.panel;
    await this.panel?.kill();
    this.panel = await this.track(new PanelProcess(this.env)).start(now);
    return this.panel;
  }

  /** Another process on the store, its clock at `now`, spawned now to load while the test goes on; `launch` starts it. */
  prepare(now: string): PanelProcess {
    return this.track(new PanelProcess(this.env).prepare(now));
  }

  /** Starts a prepared process, waits for its start-up sweep, and talks to it from now on. */
  async launch(next: PanelProcess): Promise<PanelProcess> {
    await next.launch();
    await next.startupSweep();
    this.panel = next;
    return next;
  }

  /** Leaves the next `times` calls that `match` selects unanswered. */
  hang(match: (call: ConnectorCall) => boolean, times = 1): void {
    this.hangs = { match, times };
  }

  /** Answers the calls `match` selects only once `open` settles. */
  holdAnswers(match: (call: ConnectorCall) => boolean, open: Promise<unknown>): void {
    this.gate = { match, open };
  }

  /** The store, as the test reads it: opened once a Panel process has created it. */
  async store(): Promise<CaseStore> {
    this.opened ??=
      this.storeKind === 'sqlite'
        ? new SqliteStore(this.env.SQLITE_PATH!)
        : await CosmosStore.open({
            endpoint: this.cosmos!.endpoint,
            database: this.env.COSMOS_DATABASE!,
            key: TEST_KEY,
            agent: this.cosmos!.agent,
          });
    return this.opened;
  }

  async caseOf(reference: string): Promise<CaseRecord> {
    const record = await (await this.store()).getCase(reference);
    if (!record) throw new Error(`no case ${reference}`);
    return record;
  }

  async actions(reference: string): Promise<string[]> {
    return (await (await this.store()).listAudit(reference)).map((e) => e.action);
  }

  act(who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' | 'panel' = 'personal') {
    return this.panel!.invoke(cardAction(this.serviceUrl, who, verb, data, where));
  }

  say(who: PersonKey, text: string) {
    return this.panel!.send(personalMessage(this.serviceUrl, who, text));
  }

  /** The business unit chooses the channel (the referrals channel unless named). */
  choose(text: string, channel = REFERRALS_CHANNEL) {
    return this.panel!.send(channelMention(this.serviceUrl, 'sam', text, channel));
  }

  /** Dana refers a case from her personal chat: the reference her acknowledgement gives. */
  async refer(): Promise<string> {
    const ack = await this.act('dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() });
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))?.[0];
    if (!reference) throw new Error(`no reference in the acknowledgement: ${JSON.stringify(ack.value)}`);
    return reference;
  }

  /** Waits until the case owes nothing due by the process's clock: what its turns started is done (a leased effect is not). */
  async quiet(reference: string): Promise<CaseRecord> {
    const now = this.panel!.clock!;
    return eventually(`${reference} to owe nothing due`, async () => {
      const record = await this.caseOf(reference);
      // Reminders are the sweep's, in working hours: a turn's work never does them.
      return effectsOf(record).every((e) => e.status !== 'pending' || e.dueAt > now || SCHEDULED.has(e.kind)) && record;
    });
  }

  /** After each test: nothing hangs or is held back any more. */
  reset(): void {
    this.hangs = undefined;
    this.gate = undefined;
    this.hung.length = 0;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill()));
    await this.opened?.close();
    await this.connector.stop();
    await this.cosmos?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private track(panel: PanelProcess): PanelProcess {
    this.processes.push(panel);
    return panel;
  }
}

const effectsOfKind = (record: CaseRecord, kind: Effect['kind']) => effectsOf(record).filter((e) => e.kind === kind);
const count = (list: readonly string[], item: string) => list.filter((x) => x === item).length;

/**
 * Real Panel processes, killed with SIGKILL mid-way through what a turn owes and started
 * again on the same store an hour later by their clocks (PANEL_TEST_NOW), so the dead
 * process's leases have run out without anyone waiting. The start-up sweep finishes the
 * work: each effect done, and recorded, once. See docs/effects.md.
 */
describe.each(STORES)('a Panel process killed mid-way, and started again, on $name', ({ store }) => {
  const world = new World(store);
  beforeAll(() => world.start());
  afterEach(() => world.reset());
  afterAll(() => world.stop());

  it(
    "killed after a referral's acknowledgement, its channel post unanswered: posted once by the start-up sweep an hour later",
    async () => {
      const panel = await world.panelAt(AT.ten);
      const restarted = world.prepare(AT.eleven);
      await world.choose('use this channel for referrals');
      world.hang(isChannelPost);
      const reference = await world.refer();
      await eventually('the channel post to reach the stand-in', () => world.hung.length === 1);
      const dead = panel.pid;
      await panel.kill();

      // As the crash left it: the post owed, leased by the process that died.
      const left = await world.caseOf(reference);
      expect(left.effects?.['channel-post']).toMatchObject({
        status: 'pending',
        lease: { holder: expect.stringContaining(`:${dead}:`), until: new Date(Date.parse(AT.ten) + LEASE_MS).toISOString() },
      });
      expect(await world.actions(reference)).not.toContain('channel.posted');

      await world.launch(restarted);

      expect(world.connector.calls.filter(postOf(reference))).toHaveLength(2);
      expect(world.answered.filter(postOf(reference))).toHaveLength(1);
      const post = (await world.caseOf(reference)).effects?.['channel-post'];
      expect(post).toMatchObject({ status: 'sent', doneAt: AT.eleven });
      expect(post?.lease).toBeUndefined();
      expect(post?.conversationId).toMatch(new RegExp(`^${REFERRALS_CHANNEL};messageid=`));
      expect(count(await world.actions(reference), 'channel.posted')).toBe(1);
    },
    TIMEOUT,
  );

  it(
    "killed while a rapid review's requests are under way: each lead gets one request an hour later, each recorded as delivered",
    async () => {
      const leads: Record<string, PersonKey> = { la: 'lee', icb: 'ravi', police: 'alex' };
      const panel = await world.panelAt(AT.eleven);
      const restarted = world.prepare(AT.noon);
      await world.choose('use this channel for referrals');
      // Each lead has talked to Panel, so each request goes to the chat Panel knows.
      for (const who of Object.values(leads)) await world.say(who, 'help');
      const reference = await world.refer();
      await world.quiet(reference);

      const isRequest = (who: PersonKey) => (call: ConnectorCall) =>
        personalPost(who)(call) && mentions(call, `Rapid review request ${reference}`);
      world.hang((call) => Object.values(leads).some((who) => isRequest(who)(call)));
      const ack = await world.act(
        'sam',
        VERBS.confirmRapidReview,
        { reference, agencies: 'la,icb,police', dueOn: '2026-12-11' },
        'channel',
      );
      expect(texts(ack.value).join('\n')).toMatch(/0 of 3 returns/);
      await eventually('a request to reach the stand-in', () => world.hung.length === 1);
      const dead = panel.pid;
      await panel.kill();

      // The requests are owed; the one under way is leased by the process that died.
      const left = await world.caseOf(reference);
      const owed = effectsOfKind(left, 'leadRequest');
      expect(owed).toHaveLength(3);
      expect(owed.filter((e) => e.status === 'pending' && e.lease?.holder.includes(`:${dead}:`))).toHaveLength(1);

      await world.launch(restarted);

      for (const who of Object.values(leads)) expect(world.answered.filter(isRequest(who)), who).toHaveLength(1);
      const first = Object.values(leads).find((who) => isRequest(who)(world.hung[0]!))!;
      expect(world.connector.calls.filter(isRequest(first)), `${first}: the unanswered request, then the one answered`).toHaveLength(2);

      const record = await world.caseOf(reference);
      expect(effectsOfKind(record, 'leadRequest').map((e) => e.status)).toEqual(['sent', 'sent', 'sent']);
      expect(record.rapidReview?.requests.map((r) => r.agencyId).sort()).toEqual(Object.keys(leads).sort());
      for (const request of record.rapidReview!.requests) {
        const lead = PEOPLE[leads[request.agencyId]!].aadObjectId.toLowerCase();
        expect(request.deliveries, request.agencyId).toEqual({ [lead]: expect.objectContaining({ status: 'sent', attempt: 1 }) });
      }
      // Each delivery planned its lead's next reminder, once.
      const reminders = effectsOfKind(record, 'reminder').filter((e) => e.status === 'pending');
      expect(reminders.map((e) => e.payload?.agencyId).sort()).toEqual(Object.keys(leads).sort());
      const audit = await (await world.store()).listAudit(reference);
      expect(
        audit
          .filter((e) => e.action === 'rapidReview.requestSent')
          .map((e) => e.detail)
          .sort(),
      ).toEqual(
        Object.entries(leads)
          .map(([agency, who]) => `agency=${agency} to=${PEOPLE[who].aadObjectId}`)
          .sort(),
      );
    },
    TIMEOUT,
  );

  it(
    "killed after the chair's close while the decision card's update hangs: the referrer is told once, and the card shows the result",
    async () => {
      // The panel's team: everyone, as Teams lists its members (the voters' Teams ids come from it).
      world.connector.roster = Object.values(PEOPLE).map(({ id, name, aadObjectId }) => ({ id, name, aadObjectId }));
      const panel = await world.panelAt(AT.noon);
      const restarted = world.prepare(AT.one);
      await world.choose('use this channel for referrals');
      await world.choose('use this channel for the panel', PANEL_CHANNEL);
      const reference = await world.refer();
      await world.quiet(reference);
      await world.act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel');
      await world.quiet(reference);
      await world.act('alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() });
      await world.quiet(reference);
      await world.say('sam', 'post agenda');
      const card = await eventually('the decision card to be posted', async () => (await world.caseOf(reference)).panel?.ballot?.card);
      for (const who of ['priya', 'noor'] as const) {
        await world.act(who, VERBS.castVote, { reference, ballot: '1', choice: 'partnership' }, 'panel');
      }
      await world.quiet(reference);
      await world.act('jo', VERBS.closeVoteForm, { reference, ballot: '1' }, 'panel');

      const isCardPut = (call: ConnectorCall) => call.method === 'PUT' && call.path.endsWith(`/activities/${card.activityId}`);
      const isFeedback = (call: ConnectorCall) =>
        personalPost('dana')(call) && mentions(call, `Panel decision on your referral ${reference}`);
      world.hang(isCardPut);
      const close = { reference, ballot: '1', rationale: 'Agencies missed chances to share information.', reviewer: 'independent' };
      const done = await world.act('jo', VERBS.closeVote, { ...close, notices: 'nationalPanel' }, 'panel');
      expect(texts(done.value).join('\n')).toMatch(/Decided: Partnership review\./);
      await eventually("the decision card's update to reach the stand-in", () => world.hung.length === 1);
      await panel.kill();

      // The referrer's card went first (a person waits for it); the shared card's update is still owed.
      const left = await world.caseOf(reference);
      expect(left.effects?.['feedback:1']).toMatchObject({ status: 'sent', doneAt: AT.noon });
      expect(left.effects?.['card:decision']).toMatchObject({ status: 'pending' });

      await world.launch(restarted);

      expect(world.connector.calls.filter(isFeedback)).toHaveLength(1);
      const feedback = world.answered.filter(isFeedback);
      expect(feedback).toHaveLength(1);
      expect(texts(cardOf(feedback[0]!.body)).join('\n')).toContain('Decision: Partnership review');
      expect(count(await world.actions(reference), 'decision.feedbackSent')).toBe(1);

      const puts = world.answered.filter(isCardPut);
      expect(puts.length).toBeGreaterThan(0);
      const shown = texts(cardOf(puts.at(-1)!.body)).join('\n');
      expect(shown).toContain(`Panel decision: ${reference}`);
      expect(shown).toMatch(/Decided: Partnership review\./);
      const record = await world.caseOf(reference);
      expect(record.effects?.['card:decision']).toMatchObject({ status: 'sent', doneAt: AT.one });
      expect(record.effects?.['feedback:1']).toMatchObject({ status: 'sent', doneAt: AT.noon });
      // The business unit's card shows the decision too, whichever process put it.
      expect(record.effects?.['card:case']).toMatchObject({ status: 'sent' });
      // The case's own card (the review's card replies to it in the same thread).
      const post = record.effects?.['channel-post'];
      const businessUnitCard = world.answered
        .filter((c) => c.method === 'PUT' && c.path === `/v3/conversations/${post?.conversationId}/activities/${post?.activityId}`)
        .at(-1);
      expect(texts(cardOf(businessUnitCard!.body)).join('\n')).toContain('Decision: Partnership review');
    },
    TIMEOUT,
  );

  it(
    'two processes started at once on the store sweep together: each channel post the dead one left is done once',
    async () => {
      const panel = await world.panelAt(AT.one);
      const [first, second] = [world.prepare(AT.two), world.prepare(AT.two)];
      await world.choose('use this channel for referrals');
      world.hang(isChannelPost, 3);
      const references = [await world.refer(), await world.refer(), await world.refer()];
      await eventually('the three channel posts to reach the stand-in', () => world.hung.length === 3);
      await panel.kill();

      // The posts are answered only once both are up, so their start-up sweeps overlap.
      let bothUp: () => void = () => {};
      world.holdAnswers(isChannelPost, new Promise<void>((resolve) => (bothUp = resolve)));
      const before = world.connector.calls.length;
      await Promise.all([first.launch(), second.launch()]);
      bothUp();
      await Promise.all([first.startupSweep(), second.startupSweep()]);

      const since = world.connector.calls.slice(before);
      for (const reference of references) {
        expect(since.filter(postOf(reference)), reference).toHaveLength(1);
        expect(world.answered.filter(postOf(reference)), reference).toHaveLength(1);
        expect((await world.caseOf(reference)).effects?.['channel-post'], reference).toMatchObject({ status: 'sent', doneAt: AT.two });
        expect(count(await world.actions(reference), 'channel.posted'), reference).toBe(1);
      }
      // The next test goes on with one of them.
      await second.kill();
      world.panel = first;
    },
    TIMEOUT,
  );

  it(
    'killed right after a hold with an end date is stored: started again after that date, the case comes off hold once',
    async () => {
      const panel = await world.panelAt(AT.two);
      const restarted = world.prepare(AT.holdOver);
      await world.choose('use this channel for referrals');
      const reference = await world.refer();
      await world.quiet(reference);
      const reason = 'Awaiting the outcome of the criminal investigation';
      const held = await world.act('sam', VERBS.confirmHold, { reference, reason, until: '2026-12-14' }, 'channel');
      expect(texts(held.value).join('\n')).toMatch(/On hold: until Mon 14 Dec 2026/);
      await panel.kill();

      const left = await world.caseOf(reference);
      expect(left.hold).toMatchObject({ since: AT.two, until: '2026-12-14' });
      const end = left.effects?.[`hold-end:${AT.two}`];
      expect(end).toMatchObject({ kind: 'holdEnd', status: 'pending' });
      expect(end!.dueAt > AT.two && end!.dueAt <= AT.holdOver).toBe(true);

      await world.launch(restarted);

      const record = await world.caseOf(reference);
      expect(record.hold).toBeUndefined();
      expect(record.effects?.[`hold-end:${AT.two}`]).toMatchObject({ status: 'sent', doneAt: AT.holdOver });
      // Its card is brought up to date in the same start-up sweep.
      expect(record.effects?.['card:case']).toMatchObject({ status: 'sent', doneAt: AT.holdOver });
      const audit = await (await world.store()).listAudit(reference);
      expect(audit.filter((e) => e.action === 'case.onHold')).toHaveLength(1);
      expect(audit.filter((e) => e.action === 'case.offHold')).toEqual([expect.objectContaining({ actor: 'panel', at: AT.holdOver })]);
      expect(count(await world.actions(reference), 'case.holdEnded')).toBe(1);
    },
    TIMEOUT,
  );

  it(
    'stopped with SIGTERM during a burst of referrals: what it had begun is finished, the rest done once by the next process',
    async () => {
      const panel = await world.panelAt(AT.ten);
      await world.choose('use this channel for referrals');
      let open: () => void = () => {};
      world.holdAnswers(isChannelPost, new Promise<void>((resolve) => (open = resolve)));
      const references = await Promise.all(Array.from({ length: 8 }, () => world.refer()));
      // Some of the posts are under way, held by the Bot Connector, when the stop comes.
      await eventually('posts to be under way', () => world.connector.calls.filter(isChannelPost).length > 0);
      const stopped = panel.terminate();
      open();
      // It exits 0: it closed within its grace period, its posts under way finished and recorded.
      expect(await stopped).toBe(0);
      const begun = world.answered.filter(isChannelPost).length;
      expect(begun).toBeGreaterThan(0);

      await world.launch(world.prepare(AT.eleven));
      for (const reference of references) {
        expect(world.answered.filter(postOf(reference))).toHaveLength(1);
        expect((await world.caseOf(reference)).effects?.['channel-post']).toMatchObject({ status: 'sent' });
        expect(count(await world.actions(reference), 'channel.posted')).toBe(1);
      }
    },
    TIMEOUT,
  );
});
