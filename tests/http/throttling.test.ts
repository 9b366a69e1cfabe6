import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BUSY_NOTICE } from '../../bot/handlers/submit-referral.js';
import { VERBS } from '../../cards/verbs.js';
import { sweepOutbox } from '../../scheduler/outbox.js';
import { cardAction, channelMention, personalMessage, REFERRALS_CHANNEL } from '../support/activities.js';
import { input, texts } from '../support/cards.js';
import { httpSuite } from '../support/http-suite.js';
import { NOW } from '../support/panel-harness.js';
import { validReferralForm } from '../support/referral-form.js';

/**
 * Cosmos DB throttling (429): the SDK retries as Retry-After says; once its retries
 * are spent the user hears that Panel is busy, keeps what they typed, and a second
 * submit completes the same referral, once.
 */
describe('a throttled Cosmos DB', () => {
  const { connector, panel, serviceUrl } = httpSuite({}, 'cosmos');
  const cosmos = () => {
    if (!panel.cosmos) throw new Error('the suite runs on Cosmos');
    return panel.cosmos;
  };

  const channelPosts = () =>
    connector.matching('POST', /^\/v3\/conversations$/).filter((c) => JSON.stringify(c.body).includes(REFERRALS_CHANNEL)).length;
  const referenceIn = (reply: { value?: unknown }) => /Referral received: (REF-\d{4}-\d{4})/.exec(texts(reply.value).join('\n'))?.[1] ?? '';
  const caseWrite = (req: IncomingMessage) => req.method === 'POST' && /\/colls\/cases\/docs$/.test(req.url ?? '');
  const claimWrite = (req: IncomingMessage) => req.method === 'PUT' && decodeURIComponent(req.url ?? '').includes('/docs/notification:');

  /** A submit whose post is claimed and whose case is throttled; with `stuck`, releasing the claim is throttled too. */
  const failAfterClaiming = async (data: Record<string, unknown>, stuck: boolean) => {
    let writes = 0;
    cosmos().throttle((req) => (caseWrite(req) && ++writes > 1) || (stuck && claimWrite(req)));
    const busy = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
    cosmos().throttle(undefined);
    expect(texts(busy.value)).toContain(BUSY_NOTICE);
  };

  it('a submit whose case cannot be written gets the same card back, saying Panel is busy', async () => {
    const data = { ...validReferralForm(), submissionId: randomUUID() };
    // Let the submission key through, throttle the case itself: the worst moment.
    cosmos().throttle(caseWrite);
    const busy = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
    expect(cosmos().throttled()).toBeGreaterThan(1);
    expect(texts(busy.value)).toContain(BUSY_NOTICE);
    expect(input(busy.value, 'subjectName').value).toBe('Charlie Brook');
    expect(await panel.store.getCase('REF-2026-0001')).toBeUndefined();

    cosmos().throttle(undefined);
    const done = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
    expect(texts(done.value).join('\n')).toMatch(/Referral received: REF-2026-0001/);
    const again = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
    expect(texts(again.value).join('\n')).toMatch(/Referral received: REF-2026-0001/);
    expect(await panel.store.getCase('REF-2026-0002')).toBeUndefined();
    const audit = await panel.store.listAudit('REF-2026-0001');
    expect(audit.filter((e) => e.action === 'case.created')).toHaveLength(1);
  });

  it('a submit throttled after claiming its post releases the claim, so the next submit posts the referral at once', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const postsBefore = channelPosts();
    const data = { ...validReferralForm(), submissionId: randomUUID() };
    await failAfterClaiming(data, false);

    const done = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
    const reference = referenceIn(done);
    await panel.idle();
    expect(channelPosts()).toBe(postsBefore + 1);
    expect(await panel.store.getNotification(reference, `channel-post:${reference}`)).toMatchObject({ status: 'sent' });
    panel.clock = new Date(NOW.getTime() + 60 * 60_000);
    try {
      expect(await sweepOutbox(panel.panel.deps)).toBe(0);
    } finally {
      panel.clock = NOW;
    }
    expect(channelPosts()).toBe(postsBefore + 1);
  });

  it('a claim its submit could not release is left pending by the outbox while its case is missing, and the next submit posts once', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const postsBefore = channelPosts();
    const data = { ...validReferralForm(), submissionId: randomUUID() };
    await failAfterClaiming(data, true);

    // Half an hour on, the outbox finds the claim with no case: it leaves it as it is.
    panel.clock = new Date(NOW.getTime() + 30 * 60_000);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      expect(await sweepOutbox(panel.panel.deps)).toBe(0);
      expect(channelPosts()).toBe(postsBefore);

      // The second submit holds the claim again, makes the case, and posts; while the
      // stand-in holds the post back, the outbox does not take it from under it.
      connector.respondWith(async (call) => {
        if (call.method === 'POST' && call.path === '/v3/conversations') await held;
        return undefined;
      });
      const done = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
      const reference = referenceIn(done);
      const whilePosting = await panel.store.getNotification(reference, `channel-post:${reference}`);
      expect(whilePosting?.status).toBe('pending');
      expect(whilePosting && Date.parse(whilePosting.leaseUntil)).toBeGreaterThan(panel.clock.getTime());
      expect(await sweepOutbox(panel.panel.deps)).toBe(0);
      release();
      await panel.idle();

      expect(channelPosts()).toBe(postsBefore + 1);
      expect(await panel.store.getNotification(reference, `channel-post:${reference}`)).toMatchObject({ status: 'sent' });
      expect((await panel.store.listAudit(reference)).map((e) => e.action)).toEqual(['case.created', 'channel.posted']);
      // Nothing is left for the outbox: the referral is posted once.
      panel.clock = new Date(NOW.getTime() + 60 * 60_000);
      expect(await sweepOutbox(panel.panel.deps)).toBe(0);
      expect(channelPosts()).toBe(postsBefore + 1);
    } finally {
      release();
      await panel.idle();
      connector.respondWith(() => undefined);
      panel.clock = NOW;
    }
  });

  it('after a day with no case the outbox lets the claim go; a submit still making the case takes it up and posts once', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const postsBefore = channelPosts();
    const data = { ...validReferralForm(), submissionId: randomUUID() };
    await failAfterClaiming(data, true);
    const claimed = (await panel.store.listDueNotifications(new Date(NOW.getTime() + 3 * 60_000).toISOString(), { limit: 100 })).items;
    const reference = claimed.find((n) => n.kind === 'channelPost' && n.status === 'pending')?.caseId ?? '';

    panel.clock = new Date(NOW.getTime() + 25 * 60 * 60_000);
    try {
      expect(await sweepOutbox(panel.panel.deps)).toBe(1);
      expect(await panel.store.getNotification(reference, `channel-post:${reference}`)).toMatchObject({ status: 'skipped' });
      expect(channelPosts()).toBe(postsBefore);

      const done = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
      expect(referenceIn(done)).toBe(reference);
      await panel.idle();
      expect(channelPosts()).toBe(postsBefore + 1);
      expect(await panel.store.getNotification(reference, `channel-post:${reference}`)).toMatchObject({ status: 'sent' });
      expect((await panel.store.listAudit(reference)).map((e) => e.action)).toEqual(['case.created', 'notification.skipped', 'channel.posted']);
      panel.clock = new Date(NOW.getTime() + 26 * 60 * 60_000);
      expect(await sweepOutbox(panel.panel.deps)).toBe(0);
      expect(channelPosts()).toBe(postsBefore + 1);
    } finally {
      panel.clock = NOW;
    }
  });

  it('a submit that makes the case while the outbox is letting its day-old claim go: the outbox sees the case after, and posts once', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const postsBefore = channelPosts();
    const data = { ...validReferralForm(), submissionId: randomUUID() };
    await failAfterClaiming(data, true);

    panel.clock = new Date(NOW.getTime() + 25 * 60 * 60_000);
    try {
      // The outbox finds no case and takes the claim over; the answer to its taking over
      // is held back while the referrer submits again, which makes the case but finds the
      // claim held by the outbox, so leaves it.
      const takeOver = cosmos().holdBack(claimWrite, 'answer');
      const sweep = sweepOutbox(panel.panel.deps);
      await takeOver.reached;
      const done = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
      const reference = referenceIn(done);
      await panel.idle();
      expect(await panel.store.getCase(reference)).toBeDefined();
      expect(channelPosts()).toBe(postsBefore);

      // The outbox lets the claim go, looks for the case again, finds it, and posts.
      takeOver.release();
      expect(await sweep).toBe(1);
      await panel.idle();
      expect(channelPosts()).toBe(postsBefore + 1);
      expect(await panel.store.getNotification(reference, `channel-post:${reference}`)).toMatchObject({ status: 'sent' });
      expect((await panel.store.listAudit(reference)).map((e) => e.action)).toEqual(
        expect.arrayContaining(['notification.skipped', 'channel.posted']),
      );
      panel.clock = new Date(NOW.getTime() + 26 * 60 * 60_000);
      expect(await sweepOutbox(panel.panel.deps)).toBe(0);
      expect(channelPosts()).toBe(postsBefore + 1);
    } finally {
      panel.clock = NOW;
    }
  });

  it('a message turn on a throttled store is told Panel is busy', async () => {
    cosmos().throttle(() => true);
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'sam', 'status REF-2026-0001'));
    cosmos().throttle(undefined);
    const reply = connector.calls.slice(before).find((c) => c.method === 'POST');
    expect(String(reply?.body.text)).toMatch(/very busy just now and nothing was changed/);
  });
});
