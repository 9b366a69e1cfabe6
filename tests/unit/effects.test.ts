/**
 * The effects model (review/effects.ts) and its runner (review/run-effects.ts), against a
 * real SQLite store on a temp file, with fake performers, an injected clock, and no timers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditAction } from '../../review/audit.js';
import { formatReference, type CaseRecord } from '../../review/case.js';
import {
  oweAgain,
  FAIL_AFTER_MS,
  cancel,
  CASE_CARD,
  CHANNEL_POST,
  completed,
  DECISION_CARD,
  deferred,
  holds,
  isFree,
  leased,
  LEASE_MS,
  MAX_ATTEMPTS,
  nextDueAt,
  owe,
  refreshCard,
  refreshCards,
  retried,
  type Effect,
  type EffectKind,
  type Owed,
} from '../../review/effects.js';
import {
  digestKey,
  EffectFailure,
  EffectRunner,
  type DigestPerformer,
  type EffectLog,
  type EffectRunnerOptions,
  type Failed,
  type Performed,
  type Performer,
} from '../../review/run-effects.js';
import { StoreBusyError } from '../../review/store.js';
import { updateCase } from '../../review/update-case.js';
import { SqliteStore } from '../../storage/sqlite-store.js';
import { caseRecord } from './fixtures.js';

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

const T0 = '2026-12-01T10:00:00.000Z';
/** T0 moved by `ms`, as an ISO string. */
const plus = (ms: number, from: string = T0) => new Date(Date.parse(from) + ms).toISOString();
const MINUTE = 60_000;
/** The backoff after the `attempts`-th transient failure, with random 0.5 (retried()'s formula). */
const backoff = (attempts: number) => 1000 + Math.floor(0.5 * Math.min(60 * MINUTE, 15_000 * 2 ** (attempts - 1)));

// ---------------------------------------------------------------------------
// Fakes
// ---------------------------------------------------------------------------

type PerformedKind = Exclude<EffectKind, 'reminder'>;

interface Call {
  effect: Effect;
  record: CaseRecord;
}

interface FakePerformer extends Performer {
  calls: Call[];
  failures: (Call & { error: string })[];
  /** Resolves once `perform` has been entered `n` times. */
  entered(n: number): Promise<void>;
}

type Behaviour = (effect: Effect, record: CaseRecord, call: number) => Performed | Promise<Performed>;

const SENT: Behaviour = () => ({ status: 'sent' });

/** A performer that records what it is asked to do, and does `behaviour`. */
function fake(behaviour: Behaviour = SENT, failed?: (effect: Effect, error: string) => Failed): FakePerformer {
  const calls: Call[] = [];
  const failures: (Call & { error: string })[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    calls,
    failures,
    entered(n) {
      return calls.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async perform(effect, record) {
      calls.push({ effect, record });
      for (const w of waiters.filter((w) => calls.length >= w.n)) w.resolve();
      return behaviour(effect, record, calls.length);
    },
    failed(effect, record, error) {
      failures.push({ effect, record, error });
      return failed
        ? failed(effect, error)
        : { audit: [{ action: 'channel.post.failed', detail: `${effect.key} ${error}` }], notice: `Panel could not do ${effect.key}.` };
    },
  };
}

/**
 * A fake performer for every kind, made on first use: so the file needs no list of the
 * kinds (other kinds are being added), and a test replaces the ones it cares about.
 */
function performers(over: Partial<Record<PerformedKind, FakePerformer>> = {}): Record<PerformedKind, FakePerformer> {
  const made: Partial<Record<PerformedKind, FakePerformer>> = { ...over };
  const fakeFor = (kind: PerformedKind): FakePerformer =>
    (made[kind] ??= kind === 'threadNotice' ? fake(() => ({ status: 'sent', audit: [{ action: 'case.noticePosted' }] })) : fake());
  return new Proxy(made as Record<PerformedKind, FakePerformer>, {
    get: (target, kind) => (typeof kind === 'string' ? fakeFor(kind as PerformedKind) : Reflect.get(target, kind)),
  });
}

interface FakeDigest extends DigestPerformer {
  sends: { person: string; items: Call[] }[];
}

/** Sends every reminder it is given, audited `reminder.sent`. */
function fakeDigest(): FakeDigest {
  const sends: { person: string; items: Call[] }[] = [];
  return {
    sends,
    async send(person, items) {
      sends.push({ person, items });
      const sent: Performed = { status: 'sent', audit: [{ action: 'reminder.sent' }] };
      return new Map(items.map(({ effect, record }) => [digestKey(record.reference, effect.key), sent]));
    },
    failed: (effect, _record, error) => ({ audit: [{ action: 'reminder.failed', detail: `${effect.key} ${error}` }] }),
  };
}

interface Entry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

function collectingLog(): EffectLog & { entries: Entry[] } {
  const entries: Entry[] = [];
  return {
    entries,
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
  };
}

/** A promise released by hand. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

// ---------------------------------------------------------------------------
// Owed effects, by hand
// ---------------------------------------------------------------------------

const LEAD = '33333333-3333-4333-8333-333333333333';
const OTHER_LEAD = '44444444-4444-4444-8444-444444444444';

const channelPost = (dueAt = T0): Owed => ({ key: CHANNEL_POST, kind: 'channelPost', dueAt });
const leadRequest = (dueAt = T0): Owed => ({
  key: `lead-request:police:${LEAD}:1`,
  kind: 'leadRequest',
  dueAt,
  payload: { agencyId: 'police', aadObjectId: LEAD },
});
const feedback = (dueAt = T0): Owed => ({ key: 'feedback:1', kind: 'feedback', dueAt });
const reminder = (person: string, dueAt = T0): Owed => ({
  key: `reminder:police:${person.toLowerCase()}:2026-12-08`,
  kind: 'reminder',
  dueAt,
  payload: { agencyId: 'police', aadObjectId: person },
});
const escalation = (dueAt = T0): Owed => ({
  key: 'escalation:police:2026-12-11',
  kind: 'escalation',
  dueAt,
  payload: { agencyId: 'police' },
});
const reviewReminder = (dueAt = T0): Owed => ({ key: 'review-reminder:1:2027-03-01:10', kind: 'reviewReminder', dueAt });

const BALLOT_CARD = { serviceUrl: 'https://smba.example/uk/', conversationId: '19:panel@thread.tacv2', activityId: 'd1' };
const withBallotCard = (record: CaseRecord): CaseRecord => ({
  ...record,
  panel: { decisions: [], ballot: { number: 1, openedAt: T0, votes: [], card: BALLOT_CARD } },
});

// ---------------------------------------------------------------------------
// The model: pure functions of a record
// ---------------------------------------------------------------------------

describe('the effects model', () => {
  const lease = (until: string, holder = 'other:1') => ({ holder, until });

  describe('nextDueAt', () => {
    it('is the earliest time a pending effect is due', () => {
      const record = owe(caseRecord(), channelPost(plus(5 * MINUTE)), leadRequest(plus(2 * MINUTE)), feedback(plus(9 * MINUTE)));
      expect(nextDueAt(record)).toBe(plus(2 * MINUTE));
    });

    it("is a leased effect's lease end, if that is after its due time", () => {
      const record = owe(caseRecord(), channelPost(T0));
      const held = leased(record, CHANNEL_POST, lease(plus(LEASE_MS)), T0)!;
      expect(nextDueAt(held)).toBe(plus(LEASE_MS));
      // A lease that ended before the effect was due again counts for nothing.
      const stale: CaseRecord = {
        ...record,
        effects: { [CHANNEL_POST]: { ...record.effects![CHANNEL_POST]!, lease: lease(plus(-MINUTE)) } },
      };
      expect(nextDueAt(stale)).toBe(T0);
      // The leased one is passed over for an earlier free one.
      expect(nextDueAt(owe(held, feedback(plus(MINUTE))))).toBe(plus(MINUTE));
    });

    it('is nothing when every effect is done, or there are none', () => {
      expect(nextDueAt(caseRecord())).toBeUndefined();
      let record = owe(caseRecord(), channelPost(), leadRequest(), feedback());
      record = completed(record, CHANNEL_POST, { status: 'sent', activityId: 'a1' }, T0);
      record = completed(record, leadRequest().key, { status: 'failed', error: 'gone' }, T0);
      record = completed(record, feedback().key, { status: 'skipped', error: 'not needed' }, T0);
      expect(nextDueAt(record)).toBeUndefined();
    });
  });

  it('owes an effect once per key: a second owe of the key changes nothing', () => {
    const once = owe(caseRecord(), leadRequest(T0));
    expect(once.effects?.[leadRequest().key]).toEqual({
      key: leadRequest().key,
      kind: 'leadRequest',
      status: 'pending',
      dueAt: T0,
      attempts: 0,
      payload: { agencyId: 'police', aadObjectId: LEAD },
    });
    expect(owe(once, { ...leadRequest(plus(MINUTE)), payload: { agencyId: 'la' } })).toBe(once);
    // Even once it is done: a failed request is owed again only under a new key.
    const done = completed(once, leadRequest().key, { status: 'failed', error: 'gone' }, T0);
    expect(owe(done, leadRequest(plus(MINUTE)))).toBe(done);
    // Several at once, the repeated one once.
    expect(Object.keys(owe(caseRecord(), channelPost(), feedback(), channelPost(plus(MINUTE))).effects ?? {})).toEqual([
      CHANNEL_POST,
      'feedback:1',
    ]);
  });

  it('refreshCard arms the card once more each time, and re-arms a done card', () => {
    const first = refreshCard(caseRecord(), CASE_CARD, T0);
    expect(first.effects?.[CASE_CARD]).toEqual({ key: CASE_CARD, kind: 'caseCard', status: 'pending', dueAt: T0, attempts: 0, armed: 1 });
    const second = refreshCard(first, CASE_CARD, plus(MINUTE));
    expect(second.effects?.[CASE_CARD]).toMatchObject({ status: 'pending', dueAt: plus(MINUTE), armed: 2 });
    const done = completed(second, CASE_CARD, { status: 'sent' }, plus(MINUTE));
    expect(done.effects?.[CASE_CARD]).toMatchObject({ status: 'sent', armed: 2, doneAt: plus(MINUTE) });
    const retriedOnce = retried(refreshCard(done, CASE_CARD, plus(2 * MINUTE)), CASE_CARD, 'x', new Date(plus(2 * MINUTE)), () => 0.5);
    const again = refreshCard(retriedOnce, CASE_CARD, plus(3 * MINUTE));
    // Pending again, its attempts back to none.
    expect(again.effects?.[CASE_CARD]).toEqual({
      key: CASE_CARD,
      kind: 'caseCard',
      status: 'pending',
      dueAt: plus(3 * MINUTE),
      attempts: 0,
      armed: 4,
    });
  });

  it('a decision card is armed only once the ballot has a card', () => {
    const none = caseRecord();
    expect(refreshCard(none, DECISION_CARD, T0)).toBe(none);
    const noCard: CaseRecord = { ...none, panel: { decisions: [], ballot: { number: 1, openedAt: T0, votes: [] } } };
    expect(refreshCard(noCard, DECISION_CARD, T0)).toBe(noCard);
    expect(Object.keys(refreshCards(noCard, T0).effects ?? {})).toEqual([CASE_CARD]);
    const carded = withBallotCard(none);
    expect(refreshCard(carded, DECISION_CARD, T0).effects?.[DECISION_CARD]).toMatchObject({ kind: 'decisionCard', armed: 1 });
    expect(Object.keys(refreshCards(carded, T0).effects ?? {})).toEqual([CASE_CARD, DECISION_CARD]);
  });

  it('cancel skips the pending effects that match, and leaves the rest', () => {
    let record = owe(caseRecord(), reminder(LEAD), reminder(OTHER_LEAD), escalation(), channelPost());
    record = leased(record, reminder(LEAD).key, lease(plus(LEASE_MS)), T0)!;
    record = completed(record, CHANNEL_POST, { status: 'sent' }, T0);
    const cancelled = cancel(record, (e) => e.kind === 'reminder' || e.kind === 'channelPost', 'return received', plus(MINUTE));
    expect(cancelled.effects?.[reminder(LEAD).key]).toEqual({
      ...owe(caseRecord(), reminder(LEAD)).effects![reminder(LEAD).key],
      status: 'skipped',
      error: 'return received',
      doneAt: plus(MINUTE),
    });
    expect(cancelled.effects?.[reminder(OTHER_LEAD).key]?.status).toBe('skipped');
    expect(cancelled.effects?.[escalation().key]?.status).toBe('pending');
    expect(cancelled.effects?.[CHANNEL_POST]).toEqual(record.effects?.[CHANNEL_POST]);
  });

  it('isFree, leased and holds: an effect is taken by one holder until its lease runs out', () => {
    const record = owe(caseRecord(), channelPost(plus(MINUTE)));
    const effect = (r: CaseRecord) => r.effects![CHANNEL_POST]!;
    expect(isFree(effect(record), T0)).toBe(false); // not due yet
    expect(leased(record, CHANNEL_POST, lease(plus(LEASE_MS), 'a:1'), T0)).toBeUndefined();
    expect(leased(record, 'no-such-effect', lease(plus(LEASE_MS), 'a:1'), plus(MINUTE))).toBeUndefined();
    const held = leased(record, CHANNEL_POST, lease(plus(MINUTE + LEASE_MS), 'a:1'), plus(MINUTE))!;
    expect(holds(held, CHANNEL_POST, 'a:1')).toBe(true);
    expect(holds(held, CHANNEL_POST, 'b:1')).toBe(false);
    expect(isFree(effect(held), plus(2 * MINUTE))).toBe(false);
    expect(leased(held, CHANNEL_POST, lease(plus(2 * MINUTE + LEASE_MS), 'b:1'), plus(2 * MINUTE))).toBeUndefined();
    // Once the lease has run out another may take it.
    const later = plus(MINUTE + LEASE_MS);
    expect(isFree(effect(held), later)).toBe(true);
    expect(holds(leased(held, CHANNEL_POST, lease(plus(LEASE_MS, later), 'b:1'), later)!, CHANNEL_POST, 'b:1')).toBe(true);
    // Done is never free.
    expect(isFree(effect(completed(held, CHANNEL_POST, { status: 'sent' }, later)), later)).toBe(false);
  });

  it('completed ends the lease and the last error; deferred keeps it pending, untried, until then', () => {
    const held = leased(
      retried(owe(caseRecord(), channelPost()), CHANNEL_POST, 'x', new Date(T0), () => 0.5),
      CHANNEL_POST,
      lease(plus(LEASE_MS + 10_000)),
      plus(10_000),
    )!;
    expect(held.effects?.[CHANNEL_POST]).toMatchObject({ attempts: 1, error: 'x', lease: { holder: 'other:1' } });
    expect(completed(held, CHANNEL_POST, { status: 'sent', activityId: 'a1' }, plus(20_000)).effects?.[CHANNEL_POST]).toEqual({
      key: CHANNEL_POST,
      kind: 'channelPost',
      status: 'sent',
      dueAt: plus(backoff(1)),
      attempts: 1,
      firstFailedAt: T0,
      activityId: 'a1',
      doneAt: plus(20_000),
    });
    expect(deferred(held, CHANNEL_POST, plus(30 * MINUTE)).effects?.[CHANNEL_POST]).toEqual({
      key: CHANNEL_POST,
      kind: 'channelPost',
      status: 'pending',
      dueAt: plus(30 * MINUTE),
      attempts: 1,
      firstFailedAt: T0,
      error: 'x',
    });
    expect(completed(held, 'none', { status: 'sent' }, T0)).toBe(held);
    expect(deferred(held, 'none', T0)).toBe(held);
  });

  it('oweAgain revives an effect a hold skipped under the same key, and leaves one sent or failed', () => {
    const planned = owe(caseRecord(), channelPost(plus(60_000)), escalation(plus(120_000)));
    const held = cancel(planned, (e) => e.key !== CHANNEL_POST, 'the case is on hold', T0);
    const sent = completed(held, CHANNEL_POST, { status: 'sent' }, T0);
    const again = oweAgain(sent, channelPost(plus(600_000)), escalation(plus(900_000)));
    expect(again.effects?.[CHANNEL_POST]).toMatchObject({ status: 'sent' });
    expect(again.effects?.[escalation().key]).toMatchObject({ status: 'pending', dueAt: plus(900_000), attempts: 0 });
  });

  it('retried backs off exponentially with full jitter, at least a second, then fails at MAX_ATTEMPTS over a day', () => {
    let record = owe(caseRecord(), channelPost());
    const now = new Date(T0);
    expect(retried(record, CHANNEL_POST, 'x', now, () => 0).effects?.[CHANNEL_POST]?.dueAt).toBe(plus(1000));
    expect(retried(record, CHANNEL_POST, 'x', now, () => 0.999_999).effects?.[CHANNEL_POST]?.dueAt).toBe(plus(1000 + 14_999));
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) {
      record = retried(record, CHANNEL_POST, `x${attempts}`, now, () => 0.5);
      expect(record.effects?.[CHANNEL_POST]).toMatchObject({
        status: 'pending',
        attempts,
        error: `x${attempts}`,
        dueAt: plus(backoff(attempts)),
      });
    }
    expect([1, 2, 3, 4, 5].map(backoff)).toEqual([8_500, 16_000, 31_000, 61_000, 121_000]);
    // MAX_ATTEMPTS failures in a few minutes are a short outage: tried again.
    record = retried(record, CHANNEL_POST, 'sixth', now, () => 0.5);
    expect(record.effects?.[CHANNEL_POST]).toMatchObject({ status: 'pending', attempts: MAX_ATTEMPTS, firstFailedAt: T0 });
    // Failed for good only once they have gone on for FAIL_AFTER_MS since the first.
    const later = new Date(plus(FAIL_AFTER_MS));
    record = retried(record, CHANNEL_POST, 'last', later, () => 0.5);
    expect(record.effects?.[CHANNEL_POST]).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS + 1,
      error: 'last',
      doneAt: later.toISOString(),
    });
  });
});

// ---------------------------------------------------------------------------
// The runner, on a real SQLite store
// ---------------------------------------------------------------------------

describe('EffectRunner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panel-effects-'));
  let files = 0;
  let store: SqliteStore;
  let clock: Date;
  let reminding: boolean;
  let log: ReturnType<typeof collectingLog>;
  let perf: Record<PerformedKind, FakePerformer>;
  let digest: FakeDigest;
  let submissions = 0;

  beforeEach(() => {
    store = new SqliteStore(join(dir, `panel-${++files}.db`));
    clock = new Date(T0);
    reminding = false;
    log = collectingLog();
    perf = performers();
    digest = fakeDigest();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const options = (instance = 'test', p: Record<PerformedKind, Performer> = perf): EffectRunnerOptions => ({
    store,
    now: () => clock,
    log,
    performers: p,
    digest,
    mayRemindAt: () => reminding,
    instance,
    random: () => 0.5,
    wait: async () => {},
  });
  /** A runner; holders are `<instance>#<runner>:<counter>`. */
  const runner = (instance = 'test', p: Record<PerformedKind, Performer> = perf) => new EffectRunner(options(instance, p));

  /** Stores a new case, with what `build` makes of it (the effects it owes). */
  async function seed(build: (record: CaseRecord) => CaseRecord = (r) => r): Promise<string> {
    const { record } = await store.createCaseOnce(
      `submission-${++submissions}`,
      2026,
      (sequence) => build(caseRecord({ reference: formatReference(2026, sequence), sequence })),
      'dana',
    );
    return record.reference;
  }
  const effectIn = async (reference: string, key: string) => (await store.getCase(reference))?.effects?.[key];
  const actions = async (reference: string): Promise<AuditAction[]> => (await store.listAudit(reference)).map((e) => e.action);
  const dueNow = async () => (await store.listDueCases(clock.toISOString(), { limit: 1000 })).items.map((c) => c.reference);

  it('does an owed effect once, recording it sent with its audit event and its follow-up in one write', async () => {
    perf.channelPost = fake(() => ({
      status: 'sent',
      activityId: 'a1',
      conversationId: '19:bu@thread.tacv2;messageid=a1',
      audit: [{ action: 'channel.posted', detail: 'a1' }],
      change: (r) => ({ ...r, stage: 'rapidReview' }),
    }));
    const reference = await seed((r) => owe(r, channelPost()));
    expect(await dueNow()).toEqual([reference]);
    const writes = vi.spyOn(store, 'replaceCase');

    await runner().run(reference, await store.getCaseVersion(reference));

    expect(perf.channelPost.calls).toHaveLength(1);
    // The performer saw the effect as taken: leased to this runner.
    expect(perf.channelPost.calls[0]!.record.effects?.[CHANNEL_POST]?.lease).toEqual({
      holder: expect.stringMatching(/^test#\d+:1$/),
      until: plus(LEASE_MS),
    });
    const record = await store.getCase(reference);
    expect(record?.stage).toBe('rapidReview');
    expect(record?.effects?.[CHANNEL_POST]).toEqual({
      key: CHANNEL_POST,
      kind: 'channelPost',
      status: 'sent',
      dueAt: T0,
      attempts: 0,
      activityId: 'a1',
      conversationId: '19:bu@thread.tacv2;messageid=a1',
      doneAt: T0,
    });
    expect((await store.listAudit(reference)).slice(1)).toMatchObject([
      { caseId: reference, at: T0, actor: 'panel', action: 'channel.posted', detail: 'a1' },
    ]);
    // Two writes: the lease, then the outcome with its audit event and follow-up together.
    expect(writes).toHaveBeenCalledTimes(2);
    const [outcome, , also] = writes.mock.calls[1]!;
    expect(outcome.stage).toBe('rapidReview');
    expect(outcome.effects?.[CHANNEL_POST]?.status).toBe('sent');
    expect(also?.audit?.map((e) => e.action)).toEqual(['channel.posted']);
    expect(await dueNow()).toEqual([]);

    // Again: nothing more is done or written.
    clock = new Date(plus(10 * MINUTE));
    await runner().run(reference);
    await runner().sweep();
    expect(perf.channelPost.calls).toHaveLength(1);
    expect(writes).toHaveBeenCalledTimes(2);
    expect(await actions(reference)).toEqual(['case.created', 'channel.posted']);
  });

  it('does what people wait for first, oldest due first, and card refreshes last', async () => {
    const order: string[] = [];
    const noting: Behaviour = (effect) => {
      order.push(effect.key);
      return { status: 'sent' };
    };
    for (const kind of ['channelPost', 'leadRequest', 'feedback', 'caseCard'] as const) perf[kind] = fake(noting);
    const reference = await seed((r) =>
      owe(refreshCard(r, CASE_CARD, plus(-3 * MINUTE)), feedback(plus(-MINUTE)), channelPost(plus(-2 * MINUTE)), leadRequest(plus(MINUTE))),
    );
    await runner().run(reference);
    expect(order).toEqual([CHANNEL_POST, 'feedback:1', CASE_CARD]);
    clock = new Date(plus(MINUTE));
    await runner().run(reference);
    expect(order).toEqual([CHANNEL_POST, 'feedback:1', CASE_CARD, leadRequest().key]);
  });

  it('two runners running one case at once do each effect exactly once', async () => {
    const release = gate();
    const slow = fake(async () => {
      await release.opened;
      return { status: 'sent' };
    });
    const both = performers({ channelPost: slow, leadRequest: slow, feedback: slow });
    const reference = await seed((r) => owe(r, channelPost(plus(-3000)), leadRequest(plus(-2000)), feedback(plus(-1000))));
    const [a, b] = [runner('test-a', both), runner('test-b', both)];

    // Both start together, from the same version of the case.
    const runs = Promise.all([a.run(reference), b.run(reference)]);
    // Each has taken one effect and is in its performer, held there.
    await slow.entered(2);
    expect(slow.calls.map((c) => c.effect.key)).toEqual([CHANNEL_POST, leadRequest().key]);
    // One effect each: the second runner lost the first effect to the first (a conditional write) and took the next.
    const holders = slow.calls.map((c) => c.record.effects?.[c.effect.key]?.lease?.holder?.split('#')[0]);
    expect(holders).toEqual(['test-a', 'test-b']);
    release.open();
    await runs;

    expect(slow.calls.map((c) => c.effect.key).sort()).toEqual([CHANNEL_POST, 'feedback:1', leadRequest().key].sort());
    const record = await store.getCase(reference);
    expect(Object.values(record?.effects ?? {}).map((e) => [e.key, e.status, e.lease])).toEqual([
      [CHANNEL_POST, 'sent', undefined],
      [leadRequest().key, 'sent', undefined],
      ['feedback:1', 'sent', undefined],
    ]);
  });

  it('a runner that starts while another holds the effect leaves it to that one', async () => {
    const release = gate();
    perf.channelPost = fake(async () => {
      await release.opened;
      return { status: 'sent', audit: [{ action: 'channel.posted' }] };
    });
    const reference = await seed((r) => owe(r, channelPost()));
    const first = runner('test-a').run(reference);
    await perf.channelPost.entered(1);
    // A sweep on another instance, later but within the lease.
    clock = new Date(plus(MINUTE));
    expect(await dueNow()).toEqual([]); // leased: not due till the lease ends
    await runner('test-b').run(reference);
    expect(perf.channelPost.calls).toHaveLength(1);
    release.open();
    await first;
    expect(perf.channelPost.calls).toHaveLength(1);
    expect(await actions(reference)).toEqual(['case.created', 'channel.posted']);
  });

  it('a lease left by a runner that died runs out, and the effect is done again by the next', async () => {
    const reference = await seed((r) => owe(r, channelPost()));
    // A runner took it, then died.
    await updateCase(store, reference, (r) => leased(r, CHANNEL_POST, { holder: 'dead:1', until: plus(LEASE_MS) }, T0) ?? r);
    await runner().run(reference);
    expect(perf.channelPost.calls).toHaveLength(0);
    clock = new Date(plus(LEASE_MS - 1));
    expect(await runner().sweep()).toBe(0);
    clock = new Date(plus(LEASE_MS));
    expect(await runner().sweep()).toBe(1);
    expect(perf.channelPost.calls).toHaveLength(1);
    expect((await effectIn(reference, CHANNEL_POST))?.status).toBe('sent');
  });

  it('two runners with the same instance name still do an effect once', async () => {
    const release = gate();
    const slow = fake(async () => {
      await release.opened;
      return { status: 'sent' };
    });
    const both = performers({ channelPost: slow });
    const reference = await seed((r) => owe(r, channelPost()));
    const runs = Promise.all([runner('test', both).run(reference), runner('test', both).run(reference)]);
    await new Promise((r) => setImmediate(r));
    release.open();
    await runs;
    expect(slow.calls).toHaveLength(1);
  });

  it('the sweep runs each case once, even when its next-due time moves on to a later page', async () => {
    await seed((r) => owe(r, channelPost(plus(-100_000)), escalation(plus(-1000))));
    for (let i = 0; i < 50; i++) await seed((r) => owe(r, channelPost(plus(-50_000 + i * 100))));
    expect(await runner().sweep()).toBe(51);
  });

  describe('a transient failure', () => {
    it('is tried again after the backoff, then failed for good after MAX_ATTEMPTS over a day, audited, and the business unit told', async () => {
      perf.channelPost = fake(() => {
        throw new EffectFailure('x', true);
      });
      const reference = await seed((r) => owe(r, channelPost()));
      let due = T0;
      for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) {
        clock = new Date(due);
        const before = await store.getCase(reference);
        await runner().run(reference);
        expect(perf.channelPost.calls).toHaveLength(attempts);
        const effect = await effectIn(reference, CHANNEL_POST);
        expect(effect).toEqual({
          key: CHANNEL_POST,
          kind: 'channelPost',
          status: 'pending',
          dueAt: plus(backoff(attempts), due),
          attempts,
          firstFailedAt: T0,
          error: 'x',
        });
        // As retried() has it, with random 0.5.
        expect(effect).toEqual(retried(before!, CHANNEL_POST, 'x', clock, () => 0.5).effects?.[CHANNEL_POST]);
        // Not tried again until its time.
        clock = new Date(plus(-1, effect!.dueAt));
        expect(await dueNow()).toEqual([]);
        await runner().run(reference);
        expect(await runner().sweep()).toBe(0);
        expect(perf.channelPost.calls).toHaveLength(attempts);
        due = effect!.dueAt;
      }
      expect(perf.channelPost.failures).toHaveLength(0);
      expect(await actions(reference)).toEqual(['case.created']);

      // The sixth failure, minutes after the first: still tried again.
      clock = new Date(due);
      expect(await dueNow()).toEqual([reference]);
      await runner().run(reference);
      expect(await effectIn(reference, CHANNEL_POST)).toMatchObject({ status: 'pending', attempts: MAX_ATTEMPTS });
      // A day after the first failure, the next one is final.
      due = plus(FAIL_AFTER_MS);
      clock = new Date(due);
      await runner().run(reference);
      expect(perf.channelPost.calls).toHaveLength(MAX_ATTEMPTS + 1);
      expect(await effectIn(reference, CHANNEL_POST)).toMatchObject({
        status: 'failed',
        attempts: MAX_ATTEMPTS + 1,
        error: 'x',
        doneAt: due,
      });
      expect(perf.channelPost.failures.map((f) => [f.effect.key, f.error])).toEqual([[CHANNEL_POST, 'x']]);
      // The failure's audit, then the notice owed in the same write, done by the threadNotice performer in the same run.
      expect(await store.listAudit(reference)).toMatchObject([
        expect.objectContaining({ action: 'case.created' }),
        { caseId: reference, at: due, actor: 'panel', action: 'channel.post.failed', detail: `${CHANNEL_POST} x` },
        { caseId: reference, at: due, actor: 'panel', action: 'case.noticePosted' },
      ]);
      expect(perf.threadNotice.calls.map((c) => [c.effect.key, c.effect.kind, c.effect.payload])).toEqual([
        [`notice:${CHANNEL_POST}`, 'threadNotice', { text: `Panel could not do ${CHANNEL_POST}.` }],
      ]);
      expect(await effectIn(reference, `notice:${CHANNEL_POST}`)).toMatchObject({ status: 'sent', dueAt: due });
      // Done for good.
      clock = new Date(plus(48 * 60 * MINUTE));
      expect(await runner().sweep()).toBe(0);
      expect(perf.channelPost.calls).toHaveLength(MAX_ATTEMPTS + 1);
    });

    it('a busy store while performing is transient too', async () => {
      perf.leadRequest = fake((_e, _r, call) => {
        if (call === 1) throw new StoreBusyError();
        return { status: 'sent', audit: [{ action: 'rapidReview.requestSent' }] };
      });
      const reference = await seed((r) => owe(r, leadRequest()));
      await runner().run(reference);
      expect(await effectIn(reference, leadRequest().key)).toMatchObject({
        status: 'pending',
        attempts: 1,
        error: 'the store was busy',
        dueAt: plus(backoff(1)),
      });
      expect(log.entries).toEqual([]);
      await runner().run(reference);
      expect(perf.leadRequest.calls).toHaveLength(1);
      clock = new Date(plus(backoff(1)));
      expect(await runner().sweep()).toBe(1);
      expect(perf.leadRequest.calls).toHaveLength(2);
      expect(await effectIn(reference, leadRequest().key)).toMatchObject({ status: 'sent', attempts: 1 });
      expect(await actions(reference)).toEqual(['case.created', 'rapidReview.requestSent']);
    });
  });

  it('a permanent failure fails at once, audited, with a notice owed and done', async () => {
    perf.leadRequest = fake(
      () => {
        throw new EffectFailure('gone', false);
      },
      (effect, error) => ({
        audit: [{ action: 'rapidReview.requestUndelivered', detail: `agency=${effect.payload?.agencyId} reason=${error}` }],
        change: (r) => ({ ...r, descriptor: `${r.descriptor} (undelivered)` }),
        notice: 'Panel could not reach the Police lead.',
      }),
    );
    const reference = await seed((r) => owe(r, leadRequest()));
    await runner().run(reference);
    expect(perf.leadRequest.calls).toHaveLength(1);
    const record = await store.getCase(reference);
    expect(record?.effects?.[leadRequest().key]).toEqual({
      key: leadRequest().key,
      kind: 'leadRequest',
      status: 'failed',
      dueAt: T0,
      attempts: 0,
      payload: { agencyId: 'police', aadObjectId: LEAD },
      error: 'gone',
      doneAt: T0,
    });
    expect(record?.descriptor).toBe('Young Person G (undelivered)');
    expect((await store.listAudit(reference)).slice(1)).toMatchObject([
      { caseId: reference, at: T0, actor: 'panel', action: 'rapidReview.requestUndelivered', detail: 'agency=police reason=gone' },
      { caseId: reference, at: T0, actor: 'panel', action: 'case.noticePosted' },
    ]);
    expect(perf.threadNotice.calls.map((c) => c.effect.payload?.text)).toEqual(['Panel could not reach the Police lead.']);
    expect(record?.effects?.[`notice:${leadRequest().key}`]?.status).toBe('sent');
    clock = new Date(plus(60 * MINUTE));
    await runner().run(reference);
    expect(perf.leadRequest.calls).toHaveLength(1);
  });

  it("'later' leaves the effect pending, untried, until then; never into the past", async () => {
    perf.decisionCard = fake((_e, _r, call) => (call === 1 ? { status: 'later', until: plus(10 * MINUTE) } : { status: 'sent' }));
    perf.holdEnd = fake((_e, _r, call) => (call === 1 ? { status: 'later', until: plus(-MINUTE) } : { status: 'sent' }));
    const reference = await seed((r) =>
      owe(refreshCard(withBallotCard(r), DECISION_CARD, T0), { key: 'hold-end:2026-11-30', kind: 'holdEnd', dueAt: T0 }),
    );
    await runner().run(reference);
    expect(await effectIn(reference, DECISION_CARD)).toEqual({
      key: DECISION_CARD,
      kind: 'decisionCard',
      status: 'pending',
      dueAt: plus(10 * MINUTE),
      attempts: 0,
      armed: 1,
    });
    // A "later" in the past is put off by a minute, so the run does not pick it straight up.
    expect(await effectIn(reference, 'hold-end:2026-11-30')).toMatchObject({ status: 'pending', dueAt: plus(MINUTE), attempts: 0 });
    expect([perf.decisionCard.calls.length, perf.holdEnd.calls.length]).toEqual([1, 1]);

    clock = new Date(plus(MINUTE - 1));
    await runner().run(reference);
    expect([perf.decisionCard.calls.length, perf.holdEnd.calls.length]).toEqual([1, 1]);
    clock = new Date(plus(MINUTE));
    await runner().run(reference);
    expect([perf.decisionCard.calls.length, perf.holdEnd.calls.length]).toEqual([1, 2]);
    clock = new Date(plus(10 * MINUTE - 1));
    await runner().run(reference);
    expect(perf.decisionCard.calls).toHaveLength(1);
    clock = new Date(plus(10 * MINUTE));
    await runner().run(reference);
    expect(perf.decisionCard.calls).toHaveLength(2);
    expect(await effectIn(reference, DECISION_CARD)).toMatchObject({ status: 'sent', attempts: 0, doneAt: plus(10 * MINUTE) });
  });

  describe('a card refresh', () => {
    it('is put once, without a lease, when nothing changes meanwhile', async () => {
      const reference = await seed((r) => refreshCard(r, CASE_CARD, T0));
      const writes = vi.spyOn(store, 'replaceCase');
      await runner().run(reference);
      expect(perf.caseCard.calls).toHaveLength(1);
      expect(perf.caseCard.calls[0]!.record.effects?.[CASE_CARD]?.lease).toBeUndefined();
      expect(writes).toHaveBeenCalledTimes(1);
      expect(writes.mock.calls.some(([r]) => r.effects?.[CASE_CARD]?.lease !== undefined)).toBe(false);
      expect(await effectIn(reference, CASE_CARD)).toEqual({
        key: CASE_CARD,
        kind: 'caseCard',
        status: 'sent',
        dueAt: T0,
        attempts: 0,
        armed: 1,
        doneAt: T0,
      });
    });

    it('is put again from the newer case when a change re-arms it while the put is in flight', async () => {
      const release = gate();
      perf.caseCard = fake(async (_e, _r, call) => {
        if (call === 1) await release.opened;
        return { status: 'sent' };
      });
      const reference = await seed((r) => refreshCard(r, CASE_CARD, T0));
      const running = runner().run(reference);
      await perf.caseCard.entered(1);
      // A change lands meanwhile and asks for the card again.
      clock = new Date(plus(1000));
      await updateCase(store, reference, (r) => refreshCard({ ...r, descriptor: 'Young Person H' }, CASE_CARD, clock.toISOString()));
      release.open();
      await running;

      expect(perf.caseCard.calls.map((c) => [c.record.descriptor, c.effect.armed])).toEqual([
        ['Young Person G', 1],
        ['Young Person H', 2],
      ]);
      expect(await effectIn(reference, CASE_CARD)).toMatchObject({ status: 'sent', armed: 2, doneAt: plus(1000) });
      await runner().run(reference);
      expect(perf.caseCard.calls).toHaveLength(2);
    });
  });

  describe('scheduled effects', () => {
    it('escalations and review reminders are not done by run(), only by the sweep in working hours', async () => {
      const reference = await seed((r) => owe(r, escalation(), reviewReminder(), channelPost()));
      await runner().run(reference);
      expect(perf.channelPost.calls).toHaveLength(1);
      expect([perf.escalation.calls.length, perf.reviewReminder.calls.length]).toEqual([0, 0]);

      reminding = false;
      expect(await runner().sweep()).toBe(1);
      expect([perf.escalation.calls.length, perf.reviewReminder.calls.length]).toEqual([0, 0]);
      expect(await dueNow()).toEqual([reference]);

      reminding = true;
      expect(await runner().sweep()).toBe(1);
      expect([perf.escalation.calls.length, perf.reviewReminder.calls.length]).toEqual([1, 1]);
      expect((await effectIn(reference, escalation().key))?.status).toBe('sent');
      expect((await effectIn(reference, reviewReminder().key))?.status).toBe('sent');
      expect(await dueNow()).toEqual([]);
    });

    it('reminders go only through the digest, one send per person across cases, in working hours', async () => {
      const one = await seed((r) => owe(r, reminder(LEAD.toUpperCase()), escalation()));
      const two = await seed((r) => owe(r, reminder(LEAD), reminder(OTHER_LEAD)));
      // Not by run(), even a scheduled one.
      await runner().run(one, undefined, true);
      expect(perf.escalation.calls).toHaveLength(1);
      expect(digest.sends).toEqual([]);
      expect((await effectIn(one, reminder(LEAD).key))?.status).toBe('pending');

      reminding = false;
      expect(await runner().sweep()).toBe(2);
      expect(digest.sends).toEqual([]);

      reminding = true;
      expect(await runner().sweep()).toBe(2);
      expect(digest.sends.map((s) => [s.person, s.items.map((i) => digestKey(i.record.reference, i.effect.key))])).toEqual([
        [LEAD, [digestKey(one, reminder(LEAD).key), digestKey(two, reminder(LEAD).key)]],
        [OTHER_LEAD, [digestKey(two, reminder(OTHER_LEAD).key)]],
      ]);
      // Each item as taken: leased for the digest.
      for (const { items } of digest.sends) {
        for (const { effect } of items) expect(effect.lease?.holder).toMatch(/^test#\d+:/);
      }
      expect((await effectIn(one, reminder(LEAD).key))?.status).toBe('sent');
      expect((await effectIn(two, reminder(LEAD).key))?.status).toBe('sent');
      expect((await effectIn(two, reminder(OTHER_LEAD).key))?.status).toBe('sent');
      expect(await actions(one)).toEqual(['case.created', 'reminder.sent']);
      expect(await actions(two)).toEqual(['case.created', 'reminder.sent', 'reminder.sent']);
      expect(await runner().sweep()).toBe(0);
      expect(digest.sends).toHaveLength(2);
    });

    it('a digest that fails transiently retries each of its reminders', async () => {
      digest.send = async () => {
        throw new EffectFailure('throttled', true);
      };
      const one = await seed((r) => owe(r, reminder(LEAD)));
      const two = await seed((r) => owe(r, reminder(LEAD)));
      reminding = true;
      expect(await runner().sweep()).toBe(2);
      for (const reference of [one, two]) {
        expect(await effectIn(reference, reminder(LEAD).key)).toEqual({
          ...owe(caseRecord(), reminder(LEAD)).effects![reminder(LEAD).key],
          attempts: 1,
          firstFailedAt: clock.toISOString(),
          error: 'throttled',
          dueAt: plus(backoff(1)),
        });
      }
    });
  });

  it('an unexpected error is logged by its name only, and tried again', async () => {
    perf.feedback = fake((_e, _r, call) => {
      if (call === 1) throw new TypeError('Charlie Brook, 12 Elm Row');
      if (call === 2) throw 'Morgan Brook';
      return { status: 'sent', audit: [{ action: 'decision.feedbackSent' }] };
    });
    const reference = await seed((r) => owe(r, feedback()));
    await runner().run(reference);
    expect(log.entries).toEqual([
      {
        level: 'error',
        obj: { job: 'effects', reference, effect: 'feedback:1', err: 'TypeError' },
        msg: 'effect failed unexpectedly',
      },
    ]);
    expect(await effectIn(reference, 'feedback:1')).toMatchObject({
      status: 'pending',
      attempts: 1,
      error: 'TypeError',
      dueAt: plus(backoff(1)),
    });

    clock = new Date(plus(backoff(1)));
    await runner().run(reference);
    expect(log.entries[1]).toEqual({
      level: 'error',
      obj: { job: 'effects', reference, effect: 'feedback:1', err: 'string' },
      msg: 'effect failed unexpectedly',
    });
    expect(await effectIn(reference, 'feedback:1')).toMatchObject({ status: 'pending', attempts: 2, error: 'error' });

    clock = new Date(plus(backoff(2), clock.toISOString()));
    await runner().run(reference);
    expect(await effectIn(reference, 'feedback:1')).toMatchObject({ status: 'sent', attempts: 2 });
    const said = JSON.stringify([log.entries, await store.getCase(reference).then((r) => r?.effects), await store.listAudit(reference)]);
    for (const personal of ['Charlie', 'Elm Row', 'Morgan']) expect(said).not.toContain(personal);
  });

  it('the sweep pages through every due case, more than a page of them', async () => {
    const due: string[] = [];
    for (let i = 0; i < 63; i++) due.push(await seed((r) => owe(r, channelPost(plus(-(i % 7) * 1000)))));
    const notYet = await seed((r) => owe(r, channelPost(plus(MINUTE))));
    const pages = vi.spyOn(store, 'listDueCases');

    expect(await runner().sweep()).toBe(63);
    expect(pages).toHaveBeenCalledTimes(2);
    expect(pages.mock.calls[0]![1]).toEqual({ limit: 50 });
    expect(pages.mock.calls[1]![1]).toMatchObject({ limit: 50, continuation: expect.any(String) });
    expect(perf.channelPost.calls.map((c) => c.record.reference).sort()).toEqual([...due].sort());
    for (const reference of due) expect((await effectIn(reference, CHANNEL_POST))?.status).toBe('sent');
    expect((await effectIn(notYet, CHANNEL_POST))?.status).toBe('pending');

    expect(await runner().sweep()).toBe(0);
    expect(perf.channelPost.calls).toHaveLength(63);
  });

  it('one failing case does not stop the sweep', async () => {
    const gone = await seed((r) => owe(r, channelPost(plus(-1000))));
    const fine = await seed((r) => owe(r, channelPost()));
    const read = store.getCaseVersion.bind(store);
    vi.spyOn(store, 'getCaseVersion').mockImplementation(async (reference) => {
      if (reference === gone) throw new RangeError('disk said no about Charlie Brook');
      return read(reference);
    });
    expect(await runner().sweep()).toBe(2);
    expect(perf.channelPost.calls.map((c) => c.record.reference)).toEqual([fine]);
    expect(log.entries).toEqual([
      { level: 'error', obj: { job: 'effects', reference: gone, err: 'RangeError' }, msg: 'effects of a case failed' },
    ]);
  });

  describe('a busy store', () => {
    it('when taking an effect: nothing is done, and the effect is left due for the sweep', async () => {
      const reference = await seed((r) => owe(r, channelPost()));
      vi.spyOn(store, 'replaceCase').mockRejectedValueOnce(new StoreBusyError());
      await runner().run(reference);
      expect(perf.channelPost.calls).toHaveLength(0);
      expect(await effectIn(reference, CHANNEL_POST)).toEqual(owe(caseRecord(), channelPost()).effects?.[CHANNEL_POST]);
      expect(log.entries).toEqual([
        {
          level: 'warn',
          obj: { job: 'effects', reference, effect: CHANNEL_POST },
          msg: 'store busy: effect left for the sweep',
        },
      ]);
      expect(await runner().sweep()).toBe(1);
      expect(perf.channelPost.calls).toHaveLength(1);
    });

    it('when recording an outcome: tried again with backoff, reading the case afresh', async () => {
      perf.channelPost = fake(() => ({ status: 'sent', audit: [{ action: 'channel.posted' }] }));
      const reference = await seed((r) => owe(r, channelPost()));
      const write = store.replaceCase.bind(store);
      let writes = 0;
      vi.spyOn(store, 'replaceCase').mockImplementation(async (record, etag, also) => {
        writes++;
        if (writes === 2 || writes === 3) throw new StoreBusyError();
        return write(record, etag, also);
      });
      const waits: number[] = [];
      const r = new EffectRunner({ ...options(), wait: async (ms) => void waits.push(ms) });
      await r.run(reference);
      expect(waits).toEqual([200, 400]);
      expect(perf.channelPost.calls).toHaveLength(1);
      expect((await effectIn(reference, CHANNEL_POST))?.status).toBe('sent');
      expect(await actions(reference)).toEqual(['case.created', 'channel.posted']);
      expect(log.entries).toEqual([]);
    });

    it('when recording an outcome, six times: given up, and the lease left to run out (at least once)', async () => {
      perf.channelPost = fake(() => ({ status: 'sent', audit: [{ action: 'channel.posted' }] }));
      const reference = await seed((r) => owe(r, channelPost()));
      const write = store.replaceCase.bind(store);
      let writes = 0;
      const spy = vi.spyOn(store, 'replaceCase').mockImplementation(async (record, etag, also) => {
        writes++;
        if (writes > 1) throw new StoreBusyError();
        return write(record, etag, also);
      });
      const waits: number[] = [];
      await new EffectRunner({ ...options(), wait: async (ms) => void waits.push(ms) }).run(reference);
      expect(waits).toEqual([200, 400, 800, 1600, 3200]);
      expect(writes).toBe(7);
      expect(log.entries).toEqual([
        {
          level: 'error',
          obj: { job: 'effects', reference, effect: CHANNEL_POST, err: 'StoreBusyError' },
          msg: 'outcome not recorded: the effect may be done again',
        },
      ]);
      expect(await effectIn(reference, CHANNEL_POST)).toMatchObject({
        status: 'pending',
        lease: { holder: expect.stringMatching(/^test#\d+:1$/), until: plus(LEASE_MS) },
      });
      spy.mockRestore();
      clock = new Date(plus(LEASE_MS));
      expect(await runner().sweep()).toBe(1);
      expect(perf.channelPost.calls).toHaveLength(2);
      expect(await actions(reference)).toEqual(['case.created', 'channel.posted']);
    });
  });

  it('a late outcome is not recorded over the holder that took the effect after the lease ran out', async () => {
    const release = gate();
    perf.channelPost = fake(async (_e, _r, call) => {
      if (call === 1) await release.opened;
      return { status: 'sent', activityId: `a${call}`, audit: [{ action: 'channel.posted', detail: `a${call}` }] };
    });
    const reference = await seed((r) => owe(r, channelPost()));
    const slow = runner('test-a').run(reference);
    await perf.channelPost.entered(1);
    clock = new Date(plus(LEASE_MS));
    await runner('test-b').run(reference);
    release.open();
    await slow;
    expect(perf.channelPost.calls).toHaveLength(2);
    expect(await effectIn(reference, CHANNEL_POST)).toMatchObject({ status: 'sent', activityId: 'a2' });
    expect((await store.listAudit(reference)).slice(1).map((e) => e.detail)).toEqual(['a2']);
  });
});
