import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BUSY_NOTICE } from '../../bot/handlers/submit-referral.js';
import { VERBS } from '../../cards/verbs.js';
import type { CaseRecord } from '../../review/case.js';
import { effectsOf, type Effect } from '../../review/effects.js';
import { chatKey } from '../../review/store.js';
import { cardAction, channelMention, PEOPLE, personalMessage, REFERRALS_CHANNEL, type PersonKey } from '../support/activities.js';
import { texts } from '../support/cards.js';
import type { ConnectorCall } from '../support/connector-stand-in.js';
import { httpSuite } from '../support/http-suite.js';
import type { InvokeBody } from '../support/panel-harness.js';
import { validReferralForm, NO_RISK } from '../support/referral-form.js';

/**
 * The failure windows of the old notifications, closed by the effects outbox (docs/effects.md):
 * a rapid review stored whose requests were never sent, a hold told busy although stored
 * (and never ended), a throttled store read reported as Teams unreachable, bursts of
 * throttling across a whole case, and two runners on one store. On the Cosmos DB test
 * server, whose throttle answers 429 until cleared: the SDK retries a few times, then
 * Panel meets a StoreBusyError. Time is moved with the harness's clock; nothing sleeps.
 */

/** The leads of the demo partnership's agencies, one each. */
const LEADS: Record<string, PersonKey> = { la: 'lee', icb: 'ravi', police: 'alex', mh: 'morgan', education: 'chris' };
/** What the bot says to a turn that met a busy store (bot/server.ts onTurnError). */
const VERY_BUSY = /Panel is very busy just now and nothing was changed/;
const HOUR = 60 * 60_000;

const url = (req: IncomingMessage) => decodeURIComponent(req.url ?? '');
const isQuery = (req: IncomingMessage) => String(req.headers['content-type']).includes('query+json');
/** A write of a document (a create, upsert, batch, replace or patch), not a query. */
const isWrite = (req: IncomingMessage) =>
  ['POST', 'PUT', 'PATCH'].includes(req.method ?? '') && /\/colls\/\w+\/docs(\/|$)/.test(url(req)) && !isQuery(req);
/** A write in the cases container: a case's replace, or a batch with its audit events. */
const isCaseWrite = (req: IncomingMessage) => isWrite(req) && /\/colls\/cases\/docs/.test(url(req));
/** A point read of a case document. */
const isCaseRead = (req: IncomingMessage) => req.method === 'GET' && /\/colls\/cases\/docs\/case$/.test(url(req));
/** The point read of where Panel reaches someone one to one (a `chat:` setting). */
const isChatRead = (who: PersonKey) => (req: IncomingMessage) =>
  req.method === 'GET' && url(req).endsWith(`/colls/meta/docs/${chatKey(PEOPLE[who].aadObjectId)}`);

/** Whether a card action was answered with the busy message instead of a card. */
const toldBusy = (answer: InvokeBody) => typeof answer.value === 'string' && VERY_BUSY.test(answer.value);

/** Waits, a few seconds at most, for something Panel does in the background. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the condition was not met in time');
}

/** A Cosmos DB suite and the ways these tests drive it. */
function throttledSuite() {
  const suite = httpSuite({}, 'cosmos');
  const { connector, panel, serviceUrl } = suite;
  const cosmos = () => {
    if (!panel.cosmos) throw new Error('the suite runs on Cosmos');
    return panel.cosmos;
  };
  /** While the test itself reads the store (after Panel has gone idle), nothing is throttled. */
  let looking = 0;
  async function look<T>(read: () => Promise<T>): Promise<T> {
    looking++;
    try {
      return await read();
    } finally {
      looking--;
    }
  }
  /** Throttles what `match` selects, except the test's own reads. */
  const throttle = (match: ((req: IncomingMessage) => boolean) | undefined) =>
    cosmos().throttle(match && ((req) => looking === 0 && match(req)));
  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' = 'personal') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  const stored = async (reference: string): Promise<CaseRecord> => {
    const record = await look(() => panel.store.getCase(reference));
    if (!record) throw new Error(`no case ${reference}`);
    return record;
  };
  const referenceIn = (answer: InvokeBody) => /REF-\d{4}-\d{4}/.exec(texts(answer.value).join('\n'))![0];

  /** The business unit's channel, and leads who have opened Panel (so Panel knows their chats). */
  async function setUp(leads: PersonKey[]): Promise<void> {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    for (const who of leads) await panel.send(personalMessage(serviceUrl(), who, 'help'));
  }

  /** A referral, stored and posted, with nothing throttled. */
  async function referral(): Promise<string> {
    const reference = referenceIn(await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }));
    await panel.idle();
    return reference;
  }

  const confirm = (reference: string, agencies: string) =>
    act('sam', VERBS.confirmRapidReview, { reference, agencies, dueOn: '2026-12-11' }, 'channel');

  /** Where Panel reaches someone one to one, as it last stored it. */
  const chatOf = async (who: PersonKey) => (await look(() => panel.store.getSetting(chatKey(PEOPLE[who].aadObjectId))))?.conversationId;
  const isRequest = (call: ConnectorCall, reference: string) =>
    call.method === 'POST' && JSON.stringify(call.body).includes(`Rapid review request: ${reference}`);
  /** Every post of the case's rapid review request, to anyone. */
  const requestPosts = (reference: string) => connector.calls.filter((c) => isRequest(c, reference));
  /** The case's requests posted into someone's chat (of `calls`, all by default). */
  async function requestsTo(who: PersonKey, reference: string, calls = connector.calls): Promise<ConnectorCall[]> {
    const chat = await chatOf(who);
    return calls.filter((c) => isRequest(c, reference) && c.path === `/v3/conversations/${chat}/activities`);
  }
  /** New threads in the business unit's channel carrying the case's card. */
  const channelThreads = (reference: string) =>
    connector
      .matching('POST', /^\/v3\/conversations$/)
      .filter(
        (c) =>
          (c.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id === REFERRALS_CHANNEL &&
          JSON.stringify(c.body).includes(reference),
      );
  /** What was said in the case's thread (notices), after its card; not the reminders of its statutory duties. */
  const threadReplies = () =>
    connector
      .matching('POST', new RegExp(`^/v3/conversations/${REFERRALS_CHANNEL};messageid=\\d+/activities$`))
      .map((c) => String(c.body.text))
      .filter((text) => !text.includes('(a statutory duty)'));

  const runner = () => panel.panel.deps.effects;
  /** Moves Panel's clock on (past any backoff: at most an hour) and sweeps. */
  async function sweepLater(ms = 2 * HOUR): Promise<void> {
    panel.clock = new Date(panel.clock.getTime() + ms);
    await runner().sweep();
    await panel.idle();
  }
  /**
   * Sweeps, moving the clock on each time, until no case has anything due but the
   * reminders of its statutory duties (which go on each working day until recorded).
   */
  async function sweepUntilNothingDue(): Promise<void> {
    for (let round = 0; round < 12; round++) {
      await sweepLater();
      const now = panel.clock.toISOString();
      const due = await look(() => panel.store.listDueCases(now, { limit: 50 }));
      const cases = await Promise.all(due.items.map((d) => look(() => panel.store.getCase(d.reference))));
      if (cases.every((c) => !c || effectsOf(c).every((e) => e.kind === 'dutyReminder' || e.status !== 'pending' || e.dueAt > now))) return;
    }
    throw new Error('effects were still due after 12 sweeps');
  }
  const audit = (reference: string) => look(() => panel.store.listAudit(reference));
  const actionsOf = async (reference: string) => (await audit(reference)).map((e) => e.action);
  const count = (actions: string[], action: string) => actions.filter((a) => a === action).length;

  return {
    ...suite,
    cosmos,
    throttle,
    look,
    audit,
    act,
    stored,
    setUp,
    referral,
    referenceIn,
    confirm,
    requestPosts,
    requestsTo,
    channelThreads,
    threadReplies,
    runner,
    sweepLater,
    sweepUntilNothingDue,
    actionsOf,
    count,
  };
}

const requestEffects = (record: CaseRecord): Effect[] => effectsOf(record).filter((e) => e.kind === 'leadRequest');

describe('a rapid review whose requests cannot be sent at first', () => {
  const t = throttledSuite();
  const leads = ['alex', 'lee', 'chris'] as const;

  it('its lease writes throttled: nothing is sent, nothing is lost, and a later sweep asks each lead once', async () => {
    await t.setUp([...leads]);
    const reference = await t.referral();
    // The start's own write goes through; every write to the case after it is refused.
    let writes = 0;
    t.throttle((req) => isCaseWrite(req) && ++writes > 1);
    const refusedBefore = t.cosmos().throttled();
    const started = await t.confirm(reference, 'police,la,education');
    expect(texts(started.value).join('\n')).toMatch(/0 of 3 returns/);
    await t.panel.idle();
    expect(t.cosmos().throttled()).toBeGreaterThan(refusedBefore);
    expect(t.requestPosts(reference)).toHaveLength(0);
    // The requests were stored with the start, and are still owed, untaken.
    const owed = requestEffects(await t.stored(reference));
    expect(owed).toHaveLength(3);
    for (const effect of owed) expect(effect).toMatchObject({ status: 'pending', attempts: 0 });
    for (const effect of owed) expect(effect.lease).toBeUndefined();

    // A sweep while still throttled changes nothing.
    await t.sweepLater();
    expect(t.requestPosts(reference)).toHaveLength(0);

    t.throttle(undefined);
    await t.sweepLater();
    for (const who of leads) expect(await t.requestsTo(who, reference), who).toHaveLength(1);
    expect(t.requestPosts(reference)).toHaveLength(3);
    for (const effect of requestEffects(await t.stored(reference))) expect(effect.status).toBe('sent');
    const actions = await t.actionsOf(reference);
    expect(t.count(actions, 'rapidReview.started')).toBe(1);
    expect(t.count(actions, 'rapidReview.requestSent')).toBe(3);
    // More sweeps send nothing more.
    await t.sweepLater();
    expect(t.requestPosts(reference)).toHaveLength(3);
  });

  it('Teams answering 503 to one-to-one posts for a while: backed off, then each lead asked once, with nothing said of it', async () => {
    const reference = await t.referral();
    const accepted: ConnectorCall[] = [];
    let teamsDown = true;
    t.connector.respondWith((call) => {
      const oneToOne = call.path.startsWith('/v3/conversations/a:') && call.path.endsWith('/activities');
      if (oneToOne && teamsDown) return { status: 503, headers: { 'retry-after': '0' }, body: { error: { code: 'ServiceUnavailable' } } };
      if (oneToOne) accepted.push(call);
      return undefined;
    });
    try {
      const repliesBefore = t.threadReplies().length;
      await t.confirm(reference, 'police,la,education');
      await t.panel.idle();
      await t.sweepLater();
      expect(t.requestPosts(reference).length).toBeGreaterThan(0);
      expect(accepted).toHaveLength(0);
      for (const effect of requestEffects(await t.stored(reference))) {
        expect(effect).toMatchObject({ status: 'pending', attempts: 2, error: 'the Bot Connector answered 503' });
      }

      teamsDown = false;
      await t.sweepLater();
      for (const who of leads) expect(await t.requestsTo(who, reference, accepted), who).toHaveLength(1);
      expect(accepted.filter((c) => JSON.stringify(c.body).includes(`Rapid review request: ${reference}`))).toHaveLength(3);
      const review = (await t.stored(reference)).rapidReview!;
      for (const request of review.requests) expect(Object.values(request.deliveries)).toMatchObject([{ status: 'sent' }]);
      // A transient failure is not the business unit's concern: nothing was said in the thread.
      expect(t.threadReplies().length).toBe(repliesBefore);
      expect(t.count(await t.actionsOf(reference), 'rapidReview.requestUndelivered')).toBe(0);
    } finally {
      t.connector.respondWith(() => undefined);
    }
  });
});

describe('a hold while the store is throttled', () => {
  const t = throttledSuite();
  let reference = '';
  const hold = () =>
    t.act('sam', VERBS.confirmHold, { reference, reason: 'Awaiting the criminal investigation', until: '2026-12-14' }, 'channel');

  it('its own write refused: told nothing was changed, and nothing was; pressed again, it is held', async () => {
    await t.setUp([]);
    reference = await t.referral();
    t.throttle(isCaseWrite);
    const busy = await hold();
    t.throttle(undefined);
    expect(toldBusy(busy)).toBe(true);
    const record = await t.stored(reference);
    expect(record.hold).toBeUndefined();
    expect(effectsOf(record).filter((e) => e.kind === 'holdEnd')).toEqual([]);
    expect(await t.actionsOf(reference)).not.toContain('case.onHold');

    // Stored, with everything after its write refused: the answer says so, truly.
    let writes = 0;
    t.throttle((req) => isCaseWrite(req) && ++writes > 1);
    const refusedBefore = t.cosmos().throttled();
    const held = await hold();
    expect(texts(held.value).join('\n')).toMatch(/On hold: until Mon 14 Dec 2026/);
    const holding = await t.stored(reference);
    expect(holding.hold).toMatchObject({ until: '2026-12-14', by: PEOPLE.sam.aadObjectId });
    // Its end is in the same document as the hold.
    const ends = effectsOf(holding).filter((e) => e.kind === 'holdEnd');
    expect(ends).toEqual([expect.objectContaining({ key: `hold-end:${holding.hold!.since}`, status: 'pending' })]);
    expect(ends[0]!.dueAt.slice(0, 10)).toBe('2026-12-14');
    // The work after the answer (the card's refresh) was refused too.
    await until(() => t.cosmos().throttled() > refusedBefore);
    t.throttle(undefined);
    await t.panel.idle();
  });

  it('it comes off hold by itself on its date, once, however many sweeps run', async () => {
    t.panel.clock = new Date('2026-12-11T15:00:00Z');
    await t.runner().sweep();
    expect((await t.stored(reference)).hold).toBeDefined();
    t.panel.clock = new Date('2026-12-14T10:00:00Z');
    await Promise.all([t.runner().sweep(), t.runner().sweep()]);
    await t.panel.idle();
    const record = await t.stored(reference);
    expect(record.hold).toBeUndefined();
    expect(effectsOf(record).find((e) => e.kind === 'holdEnd')).toMatchObject({ status: 'sent' });
    const audit = await t.audit(reference);
    expect(audit.filter((e) => e.action === 'case.offHold')).toEqual([expect.objectContaining({ actor: 'panel' })]);
    expect(audit.filter((e) => e.action === 'case.onHold')).toHaveLength(1);
  });
});

describe('a throttled store read while sending a request', () => {
  const t = throttledSuite();
  let reference = '';
  const key = `lead-request:police:${PEOPLE.alex.aadObjectId}:1`;

  /** What shows a request was given up as undeliverable: on the case, in its audit, in its thread. */
  async function expectNotGivenUp(repliesBefore: number): Promise<void> {
    const record = await t.stored(reference);
    const effect = record.effects![key]!;
    expect(effect.status).toBe('pending');
    expect(effect.error).toBe('the store was busy');
    expect(effect.error).not.toMatch(/Bot Connector|Teams/);
    expect(effectsOf(record).filter((e) => e.kind === 'threadNotice')).toEqual([]);
    const police = record.rapidReview!.requests.find((r) => r.agencyId === 'police')!;
    expect(Object.values(police.deliveries).filter((d) => d.status === 'unreachable')).toEqual([]);
    expect(t.threadReplies().length).toBe(repliesBefore);
    expect(await t.actionsOf(reference)).not.toContain('rapidReview.requestUndelivered');
    expect(await t.requestsTo('alex', reference)).toHaveLength(0);
  }

  it('the lead’s chat cannot be read: the request is tried again later, not reported undeliverable', async () => {
    await t.setUp(['alex', 'lee']);
    reference = await t.referral();
    const repliesBefore = t.threadReplies().length;
    t.throttle(isChatRead('alex'));
    await t.confirm(reference, 'police,la');
    await t.panel.idle();
    // Lee's request went; Alex's met a busy store, not Teams.
    expect(await t.requestsTo('lee', reference)).toHaveLength(1);
    expect((await t.stored(reference)).effects![key]).toMatchObject({ attempts: 1 });
    await expectNotGivenUp(repliesBefore);

    // Still throttled at the next sweep: one more transient failure, still nothing said.
    await t.sweepLater();
    expect((await t.stored(reference)).effects![key]).toMatchObject({ attempts: 2 });
    await expectNotGivenUp(repliesBefore);
  });

  it('the case cannot be read by the sweep: nothing is sent or marked, and the next sweep sends it once', async () => {
    const repliesBefore = t.threadReplies().length;
    t.throttle(isCaseRead);
    const refused = t.cosmos().throttled();
    await t.sweepLater();
    expect(t.cosmos().throttled()).toBeGreaterThan(refused);
    expect((await t.stored(reference)).effects![key]).toMatchObject({ attempts: 2 });
    await expectNotGivenUp(repliesBefore);

    t.throttle(undefined);
    await t.sweepLater();
    expect(await t.requestsTo('alex', reference)).toHaveLength(1);
    const record = await t.stored(reference);
    expect(record.effects![key]).toMatchObject({ status: 'sent' });
    const police = record.rapidReview!.requests.find((r) => r.agencyId === 'police')!;
    expect(Object.values(police.deliveries)).toMatchObject([{ status: 'sent' }]);
    expect(t.threadReplies().length).toBe(repliesBefore);
    await t.sweepLater();
    expect(await t.requestsTo('alex', reference)).toHaveLength(1);
  });
});

describe('bursts of throttling across a whole case, with people pressing again when told Panel is busy', () => {
  const t = throttledSuite();
  type Step = 'referral' | 'start' | 'nilReturn';
  const told: Record<Step, { busy: number; done: number }> = {
    referral: { busy: 0, done: 0 },
    start: { busy: 0, done: 0 },
    nilReturn: { busy: 0, done: 0 },
  };

  /**
   * Presses until the answer is not "busy": each busy answer must have changed nothing
   * (`unchanged`), the answer that is not must be true at once (`done`).
   */
  async function pressUntilDone(
    step: Step,
    press: () => Promise<InvokeBody>,
    busy: (answer: InvokeBody) => boolean,
    check: { unchanged: () => Promise<void>; done: (answer: InvokeBody) => Promise<void> },
  ): Promise<InvokeBody> {
    for (let attempt = 1; ; attempt++) {
      const answer = await press();
      await t.panel.idle();
      if (!busy(answer)) {
        told[step].done++;
        await check.done(answer);
        return answer;
      }
      told[step].busy++;
      await check.unchanged();
      expect(attempt, `presses (${step})`).toBeLessThan(6);
    }
  }

  it.each([0, 1, 2, 3])(
    'every fourth write refused eight times running (from write %i): one thread, one request per lead, nothing lost or doubled, every answer true',
    async (offset) => {
      // Chris has never opened Panel: their chat is created, and its address stored, on the way.
      if (offset === 0) await t.setUp(['lee', 'ravi', 'alex', 'morgan']);
      // More than the SDK's retries (six attempts): the caller meets a busy store.
      let writes = offset;
      let refusing = 0;
      t.throttle((req) => {
        if (!isWrite(req)) return false;
        if (refusing > 0) {
          refusing--;
          return true;
        }
        if (++writes % 4 !== 0) return false;
        refusing = 7;
        return true;
      });
      const refusedBefore = t.cosmos().throttled();

      const submission = { ...validReferralForm(NO_RISK), submissionId: randomUUID() };
      const submit = () => t.act('dana', VERBS.submitReferral, submission);
      const openCases = async () => (await t.look(() => t.panel.store.listOpenCases({ limit: 100 }))).items.length;
      const casesBefore = await openCases();
      const received = await pressUntilDone('referral', submit, (a) => texts(a.value).includes(BUSY_NOTICE), {
        // Told busy: no case was stored.
        unchanged: async () => expect(await openCases()).toBe(casesBefore),
        done: async (answer) => {
          expect(await openCases()).toBe(casesBefore + 1);
          expect(await t.stored(t.referenceIn(answer))).toBeDefined();
        },
      });
      const reference = t.referenceIn(received);
      // Pressed once more: the same referral, not another.
      expect(
        t.referenceIn(
          await pressUntilDone('referral', submit, (a) => texts(a.value).includes(BUSY_NOTICE), {
            unchanged: async () => {},
            done: async () => {},
          }),
        ),
      ).toBe(reference);

      await pressUntilDone('start', () => t.confirm(reference, 'la,icb,police,mh,education'), toldBusy, {
        unchanged: async () => expect((await t.stored(reference)).rapidReview).toBeUndefined(),
        done: async (answer) => {
          expect(texts(answer.value).join('\n')).toMatch(/0 of 5 returns/);
          expect((await t.stored(reference)).rapidReview?.requests).toHaveLength(5);
        },
      });
      // Each lead has their request before answering it: the sweep finishes what a turn could not.
      for (let round = 0; t.requestPosts(reference).length < 5; round++) {
        expect(round, 'sweeps until every lead was asked').toBeLessThan(8);
        await t.sweepLater();
      }

      for (const [agencyId, who] of Object.entries(LEADS)) {
        const press = { reference, agencyId, submissionId: randomUUID() };
        const current = async () => (await t.stored(reference)).rapidReview!.requests.find((r) => r.agencyId === agencyId)!.current;
        await pressUntilDone('nilReturn', () => t.act(who, VERBS.nilReturn, press), toldBusy, {
          unchanged: async () => expect(await current(), who).toBeUndefined(),
          done: async (answer) => {
            expect(texts(answer.value).join('\n'), who).toMatch(/nil return was received/);
            expect(await current(), who).toMatchObject({ involved: false });
          },
        });
      }
      expect(t.cosmos().throttled()).toBeGreaterThan(refusedBefore);

      t.throttle(undefined);
      await t.sweepUntilNothingDue();

      expect(t.channelThreads(reference)).toHaveLength(1);
      for (const who of Object.values(LEADS)) expect(await t.requestsTo(who, reference), who).toHaveLength(1);
      expect(t.requestPosts(reference)).toHaveLength(5);
      const record = await t.stored(reference);
      expect(effectsOf(record).filter((e) => e.kind !== 'dutyReminder' && e.status !== 'sent' && e.status !== 'skipped')).toEqual([]);
      expect(record.rapidReview?.closed?.reason).toBe('allReturned');
      const actions = await t.actionsOf(reference);
      expect(t.count(actions, 'case.created')).toBe(1);
      expect(t.count(actions, 'channel.posted')).toBe(1);
      expect(t.count(actions, 'rapidReview.started')).toBe(1);
      expect(t.count(actions, 'rapidReview.requestSent')).toBe(5);
      expect(t.count(actions, 'return.submitted')).toBe(5);
      expect(t.count(actions, 'rapidReview.closed')).toBe(1);
      for (const failure of ['channel.post.failed', 'rapidReview.requestUndelivered', 'case.noticePosted', 'card.updateFailed'])
        expect(actions).not.toContain(failure);
    },
  );

  // Which presses meet a burst follows from how many writes come before them: over the four
  // starting points, each step met one.
  it('across those cases, each step was told busy at least once, and pressed again', () => {
    for (const step of ['referral', 'start', 'nilReturn'] as const) expect(told[step].busy, step).toBeGreaterThan(0);
    expect(told).toMatchObject({ referral: { done: 8 }, start: { done: 4 }, nilReturn: { done: 20 } });
  });
});

describe('two runners on one store', () => {
  const t = throttledSuite();

  it('several sweeps at once do each effect once', async () => {
    await t.setUp(['lee', 'ravi', 'alex', 'morgan', 'chris']);
    const reference = await t.referral();
    // The turn's own run cannot take them: the requests are left for the sweeps.
    let writes = 0;
    t.throttle((req) => isCaseWrite(req) && ++writes > 1);
    await t.confirm(reference, 'la,icb,police,mh,education');
    await t.panel.idle();
    t.throttle(undefined);
    expect(t.requestPosts(reference)).toHaveLength(0);

    await Promise.all([t.runner().sweep(), t.runner().sweep(), t.runner().sweep(), t.runner().sweep()]);
    await t.panel.idle();
    for (const who of Object.values(LEADS)) expect(await t.requestsTo(who, reference), who).toHaveLength(1);
    expect(t.requestPosts(reference)).toHaveLength(5);
    const actions = await t.actionsOf(reference);
    expect(t.count(actions, 'rapidReview.requestSent')).toBe(5);
    for (const effect of requestEffects(await t.stored(reference))) expect(effect.status).toBe('sent');
  });

  it('a turn’s background work racing two sweeps does each effect once', async () => {
    const reference = await t.referral();
    // The turn's run is held at its first lease write while two sweeps run.
    const held = t.cosmos().holdBack((req) => req.method === 'PUT' && /\/colls\/cases\/docs\/case$/.test(url(req)), 'request');
    await t.confirm(reference, 'la,icb,police,mh,education');
    await held.reached;
    await Promise.all([t.runner().sweep(), t.runner().sweep()]);
    // The sweeps did them while the turn's run waited.
    expect(t.requestPosts(reference)).toHaveLength(5);
    held.release();
    await t.panel.idle();
    for (const who of Object.values(LEADS)) expect(await t.requestsTo(who, reference), who).toHaveLength(1);
    expect(t.requestPosts(reference)).toHaveLength(5);
    const actions = await t.actionsOf(reference);
    expect(t.count(actions, 'rapidReview.requestSent')).toBe(5);
    const record = await t.stored(reference);
    for (const effect of requestEffects(record)) expect(effect.status).toBe('sent');
    expect(effectsOf(record).filter((e) => e.status === 'failed')).toEqual([]);
  });
});

describe('a return recorded, then its draft’s delete throttled', () => {
  const t = throttledSuite();
  it('the lead is told the return is recorded, not that nothing was changed', async () => {
    await t.setUp(['alex']);
    const reference = await t.referral();
    await t.confirm(reference, 'police');
    await t.panel.idle();
    t.throttle((req) => req.method === 'DELETE' && url(req).endsWith('/colls/cases/docs/item:draft:police'));
    const answer = await t.act('alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() });
    t.throttle(undefined);
    await t.panel.idle();
    expect((await t.stored(reference)).rapidReview!.requests[0]!.current).toMatchObject({ involved: false });
    expect(await t.actionsOf(reference)).toEqual(expect.arrayContaining(['return.submitted', 'rapidReview.closed']));
    expect(JSON.stringify(answer.value)).not.toMatch(VERY_BUSY);
  });
});

describe('a case closed, then its retention marker throttled', () => {
  const t = throttledSuite();
  it('is not told that nothing was changed, and its retention starts when the store lets it', async () => {
    await t.setUp([]);
    const reference = await t.referral();
    t.throttle((req) => isWrite(req) && url(req).includes('/colls/meta/docs'));
    const answer = await t.act('sam', VERBS.confirmClose, { reference }, 'channel');
    await t.panel.idle();
    t.throttle(undefined);
    expect(JSON.stringify(answer.value)).not.toMatch(VERY_BUSY);
    expect((await t.stored(reference)).closedAt).toBeDefined();
    // Its retention is an effect of the close: backed off, then told to the store by a later sweep.
    t.panel.clock = new Date(t.panel.clock.getTime() + 2 * 60 * 60_000);
    await t.panel.panel.deps.effects.sweep();
    expect((await t.stored(reference)).effects?.retention).toMatchObject({ status: 'sent' });
    expect(await t.panel.store.listExpiries()).toEqual([{ reference, expiresAt: (await t.stored(reference)).expiresAt }]);
  });
});

describe('every store call a request makes, throttled past the SDK’s retries in turn', () => {
  const t = throttledSuite();
  /** Store requests (on documents) the start makes before its write, and its request after, counted once untroubled. */
  let before = 0;
  let calls = 0;
  const isStoreCall = (req: IncomingMessage) => /\/colls\/\w+\/docs/.test(url(req));

  it('untroubled, a request takes a few store calls', async () => {
    await t.setUp(['alex']);
    const reference = await t.referral();
    t.cosmos().resetRequests();
    await t.confirm(reference, 'police');
    await t.panel.idle();
    // The start's own reads and its write (a batch, with its audit event) come first; the effect's calls are the rest.
    const store = t
      .cosmos()
      .requests()
      .filter((r) => r.store);
    before = store.findIndex((r) => r.batch) + 1;
    calls = store.length - before;
    expect(before).toBeGreaterThan(0);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(await t.requestsTo('alex', reference)).toHaveLength(1);
  });

  it('whichever call is refused, the lead is asked exactly once, and told nothing false', async () => {
    for (let refused = 1; refused <= calls; refused++) {
      const reference = await t.referral();
      let seen = 0;
      let refusals = 0;
      // Past the start's own reads and write, the `refused`-th store call and its retries are refused.
      t.throttle((req) => {
        if (!isStoreCall(req)) return false;
        if (refusals > 0 && refusals < 8) return ++refusals > 0;
        if (++seen !== refused + before) return false;
        refusals = 1;
        return true;
      });
      const answer = await t.confirm(reference, 'police');
      await t.panel.idle();
      t.throttle(undefined);
      expect(toldBusy(answer), `call ${refused}`).toBe(false);
      await t.sweepUntilNothingDue();
      expect(await t.requestsTo('alex', reference), `call ${refused}`).toHaveLength(1);
      const record = await t.stored(reference);
      expect(
        requestEffects(record).map((e) => e.status),
        `call ${refused}`,
      ).toEqual(['sent']);
      const actions = await t.actionsOf(reference);
      expect(t.count(actions, 'rapidReview.requestSent'), `call ${refused}`).toBe(1);
      expect(actions, `call ${refused}`).not.toContain('rapidReview.requestUndelivered');
      expect(
        t.threadReplies().filter((text) => text.includes(reference) && /could not/.test(text)),
        `call ${refused}`,
      ).toEqual([]);
    }
  });
});
