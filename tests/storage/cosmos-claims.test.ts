import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReference, type CaseRecord } from '../../review/case.js';
import { leaseEnd, StoreBusyError, type NotificationClaim } from '../../review/store.js';
import { CosmosStore } from '../../storage/cosmos-store.js';
import { startCosmosTestServer, TEST_KEY, type CosmosTestServer } from '../support/cosmos-test-server.js';
import { caseRecord } from '../unit/fixtures.js';

/**
 * On Cosmos DB a new case's claims are written before the case, in separate writes, so
 * deliveries of one submission and the outbox can meet half-way. Whatever the
 * interleaving, one of them holds a claim at a time, and a claim that was sent is never
 * held again. Each test stops one request at a chosen point to make the meeting happen.
 */
describe('claims of a new case on Cosmos DB', () => {
  let server: CosmosTestServer;
  let store: CosmosStore;
  const AT = '2026-12-01T10:00:00.000Z';
  const minutesAfter = (minutes: number, from = AT) => new Date(Date.parse(from) + minutes * 60_000).toISOString();

  beforeAll(async () => {
    server = await startCosmosTestServer();
    store = await CosmosStore.open({ endpoint: server.endpoint, database: `claims-${randomUUID()}`, key: TEST_KEY, agent: server.agent });
  });
  afterAll(async () => {
    await store.close();
    await server.stop();
  });

  const caseWrite = (req: IncomingMessage) => req.method === 'POST' && /\/colls\/cases\/docs$/.test(req.url ?? '');
  const claimWrite = (req: IncomingMessage) => req.method === 'PUT' && decodeURIComponent(req.url ?? '').includes('/docs/notification:');
  const postKey = (reference: string) => `channel-post:${reference}`;

  /** A delivery of submission `key` at `at`, its case owing one post. */
  const deliver = (key: string, at: string) =>
    store.createCaseOnce(
      key,
      2026,
      (n): CaseRecord => ({ ...caseRecord(), reference: formatReference(2026, n), sequence: n, receivedAt: at }),
      'dana',
      (record): NotificationClaim[] => [{ key: postKey(record.reference), caseId: record.reference, kind: 'channelPost', at }],
    );

  /** A delivery whose claim is written and whose case is throttled, and which cannot let the claim go. */
  const failAfterClaiming = async (key: string, at: string) => {
    let writes = 0;
    server.throttle((req) => (caseWrite(req) && ++writes > 1) || claimWrite(req));
    await expect(deliver(key, at)).rejects.toBeInstanceOf(StoreBusyError);
    server.throttle(undefined);
    const claimed = await store.listDueNotifications(minutesAfter(1, at), { limit: 100 });
    return claimed.items.find((n) => n.status === 'pending' && n.at === at)?.caseId ?? '';
  };
  const audited = async (reference: string) => (await store.listAudit(reference)).filter((e) => e.action === 'case.created');

  it('the delivery holding the claim does it, even when another delivery’s write of the case wins', async () => {
    const key = `dana:${randomUUID()}`;
    let writes = 0;
    // The first delivery's claim is written; its case waits, while a second delivery runs.
    const first = server.holdBack((req) => caseWrite(req) && ++writes === 2, 'request');
    const one = deliver(key, AT);
    await first.reached;
    const two = await deliver(key, AT);
    expect(two.created).toBe(false);
    expect(await store.getCase(two.record.reference)).toBeDefined();

    first.release();
    const { record, created } = await one;
    expect(created).toBe(true);
    expect(record.reference).toBe(two.record.reference);
    expect(await store.getNotification(record.reference, postKey(record.reference))).toMatchObject({ status: 'pending', leaseUntil: leaseEnd({ at: AT }) });
    expect(await audited(record.reference)).toHaveLength(1);
  });

  it('a delivery throttled on the case after another delivery made it releases the claim, still pending, for the outbox', async () => {
    const key = `dana:${randomUUID()}`;
    const at = '2026-12-03T10:00:00.000Z';
    // The first delivery claims the post; its look for the case (none) is held back while
    // a second delivery makes the case, finding the claim held, so leaving the post to it.
    const lookup = server.holdBack((req) => req.method === 'GET' && decodeURIComponent(req.url ?? '').endsWith('/docs/case'), 'answer');
    const one = deliver(key, at);
    await lookup.reached;
    const two = await deliver(key, at);
    expect(two.created).toBe(false);
    const reference = two.record.reference;

    // Then the first delivery's write of the case is throttled past the SDK's retries.
    server.throttle(caseWrite);
    lookup.release();
    await expect(one).rejects.toBeInstanceOf(StoreBusyError);
    server.throttle(undefined);

    // Not let go: the case exists, and the claim is free at once for the outbox to post.
    expect(await store.getNotification(reference, postKey(reference))).toMatchObject({ status: 'pending', leaseUntil: at });
    const due = await store.listDueNotifications(minutesAfter(1, at), { limit: 100 });
    expect(due.items.filter((n) => n.caseId === reference).map((n) => n.key)).toEqual([postKey(reference)]);
    expect(await store.takeOverNotification(reference, postKey(reference), { now: minutesAfter(1, at), until: minutesAfter(3, at) })).toBe(true);
  });

  it('once the case is made, a later delivery leaves a claim whose lease ran out to the outbox: its holder may still be posting', async () => {
    const key = `dana:${randomUUID()}`;
    const at = '2026-12-04T10:00:00.000Z';
    const one = await deliver(key, at);
    expect(one.created).toBe(true);
    const reference = one.record.reference;
    const later = await deliver(key, minutesAfter(30, at));
    expect(later.created).toBe(false);
    expect(await store.getNotification(reference, postKey(reference))).toMatchObject({ status: 'pending', leaseUntil: leaseEnd({ at }) });
  });

  it('a delivery held up past its lease, whose claim another delivery took meanwhile, leaves the post to that one', async () => {
    const key = `dana:${randomUUID()}`;
    const at = '2026-12-05T10:00:00.000Z';
    // The first delivery claims the post; its look for the case is held back for longer than its lease.
    const lookup = server.holdBack((req) => req.method === 'GET' && decodeURIComponent(req.url ?? '').endsWith('/docs/case'), 'answer');
    const one = deliver(key, at);
    await lookup.reached;
    // Half an hour on, a second delivery finds the claim's lease run out and no case: it holds the claim and makes the case.
    const two = await deliver(key, minutesAfter(30, at));
    expect(two.created).toBe(true);
    lookup.release();
    const first = await one;
    expect(first.record.reference).toBe(two.record.reference);
    expect(first.created).toBe(false);
    expect(await store.getNotification(two.record.reference, postKey(two.record.reference))).toMatchObject({ leaseUntil: leaseEnd({ at: minutesAfter(30, at) }) });
  });

  it('a delivery that finds the claim free but loses it to the outbox leaves it, and never holds it again once sent', async () => {
    const key = `dana:${randomUUID()}`;
    const at = '2026-12-02T10:00:00.000Z';
    const reference = await failAfterClaiming(key, at);
    expect(reference).not.toBe('');

    // Half an hour on, the lease has run out. A second delivery reads the claim as free;
    // before its write lands, the outbox takes the claim over, posts and records it.
    const later = minutesAfter(30, at);
    const rehold = server.holdBack(claimWrite, 'request');
    const two = deliver(key, later);
    await rehold.reached;
    expect(await store.takeOverNotification(reference, postKey(reference), { now: later, until: minutesAfter(32, at) })).toBe(true);
    await store.completeNotification(postKey(reference), { status: 'sent', activityId: 'a-1' }, { caseId: reference, at: later, actor: 'panel', action: 'channel.posted' });
    rehold.release();

    expect((await two).created).toBe(false);
    expect(await store.getNotification(reference, postKey(reference))).toMatchObject({ status: 'sent', activityId: 'a-1' });
    const three = await deliver(key, minutesAfter(60, at));
    expect(three.created).toBe(false);
    expect(await store.getNotification(reference, postKey(reference))).toMatchObject({ status: 'sent' });
    expect((await store.listDueNotifications(minutesAfter(120, at), { limit: 100 })).items.filter((n) => n.caseId === reference)).toEqual([]);
  });

  it('five deliveries at once, throttled and then not, make one case with one holder of its claim', async () => {
    const key = `dana:${randomUUID()}`;
    server.throttle(caseWrite);
    // Every claim write and case write is refused: every delivery is told Panel is busy.
    const refused = await Promise.allSettled(Array.from({ length: 5 }, () => deliver(key, AT)));
    server.throttle(undefined);
    expect(refused.every((r) => r.status === 'rejected' && r.reason instanceof StoreBusyError)).toBe(true);

    // Only the case is throttled: the claim is written, then let go by whoever wrote it.
    let writes = 0;
    server.throttle((req) => caseWrite(req) && ++writes > 1);
    const busy = await Promise.allSettled(Array.from({ length: 5 }, () => deliver(key, minutesAfter(1))));
    server.throttle(undefined);
    expect(busy.every((r) => r.status === 'rejected')).toBe(true);

    const made = await Promise.all(Array.from({ length: 5 }, () => deliver(key, minutesAfter(2))));
    const reference = made[0]?.record.reference ?? '';
    expect(new Set(made.map((m) => m.record.reference))).toEqual(new Set([reference]));
    expect(made.filter((m) => m.created)).toHaveLength(1);
    expect(await store.getNotification(reference, postKey(reference))).toMatchObject({ status: 'pending', leaseUntil: leaseEnd({ at: minutesAfter(2) }) });
    expect(await audited(reference)).toHaveLength(1);
  });
});
