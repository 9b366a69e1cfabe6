import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, REFERRALS_CHANNEL } from '../support/activities.js';
import { texts } from '../support/cards.js';
import { httpSuite } from '../support/http-suite.js';
import { validReferralForm, NO_RISK } from '../support/referral-form.js';

/** A second channel of the business unit's team. */
const OTHER_CHANNEL = '19:other@thread.tacv2';

/**
 * The post to the business unit's channel follows the referrer's answer. Teams'
 * throttling is retried as Retry-After says; a refusal is recorded and audited; the
 * referral is stored and acknowledged whatever happens to the post.
 */
describe('posting a referral to the business unit channel', () => {
  const { connector, panel, serviceUrl } = httpSuite();
  const submit = () =>
    panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }));
  const posts = () => connector.matching('POST', /^\/v3\/conversations$/);

  it('with no channel chosen yet, the referral is acknowledged and the missing post recorded', async () => {
    const answer = await submit();
    await panel.idle();
    expect(texts(answer.value).join('\n')).toMatch(/Referral received: REF-2026-0001/);
    expect(posts()).toHaveLength(0);
    const audit = await panel.store.listAudit('REF-2026-0001');
    expect(audit.at(-1)).toMatchObject({ action: 'channel.post.failed', detail: 'no referral channel has been chosen' });
    expect((await panel.store.getCase('REF-2026-0001'))?.effects?.['channel-post']).toMatchObject({ status: 'failed' });
    // Recorded, and out of the sweep's way: a sweep does not try it again.
    await panel.panel.deps.effects.sweep();
    await panel.idle();
    expect(posts()).toHaveLength(0);
    expect((await panel.store.getCase('REF-2026-0001'))?.effects?.['channel-post']).toMatchObject({ status: 'failed' });
  });

  it('Teams throttling (429, then 201) is retried: one post, recorded on the case', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    let throttled = 0;
    connector.respondWith((call) => {
      if (call.path !== '/v3/conversations' || throttled >= 2) return undefined;
      throttled++;
      return { status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 'TooManyRequests' } } };
    });
    const before = posts().length;
    await submit();
    await panel.idle();
    expect(posts().length - before).toBe(3);
    const audit = await panel.store.listAudit('REF-2026-0002');
    expect(audit.map((e) => e.action)).toEqual(['case.created', 'channel.posted']);
  });

  it('a refusal (403) is not retried; it is recorded and audited, and the referral stands', async () => {
    connector.respondWith((call) =>
      call.path === '/v3/conversations' ? { status: 403, body: { error: { code: 'BotNotInConversationRoster' } } } : undefined,
    );
    const before = posts().length;
    const answer = await submit();
    await panel.idle();
    connector.respondWith(() => undefined);
    expect(texts(answer.value).join('\n')).toMatch(/Referral received: REF-2026-0003/);
    expect(posts().length - before).toBe(1);
    const audit = await panel.store.listAudit('REF-2026-0003');
    expect(audit.at(-1)).toMatchObject({ action: 'channel.post.failed', detail: expect.stringMatching(/^Teams refused \(403\)/) });
  });

  it("a case's card is updated in its own thread after the business unit chooses another channel", async () => {
    const answer = await submit();
    await panel.idle();
    const reference = /REF-\d{4}-\d{4}/.exec(texts(answer.value).join('\n'))![0];
    const post = (await panel.store.getCase(reference))?.effects?.['channel-post'];
    expect(post).toMatchObject({ status: 'sent', conversationId: `${REFERRALS_CHANNEL};messageid=${post?.activityId}` });

    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals', OTHER_CHANNEL));
    await panel.invoke(
      cardAction(serviceUrl(), 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel'),
    );
    await panel.idle();
    const updates = connector.matching('PUT', new RegExp(`/activities/${post?.activityId}$`));
    expect(updates.map((c) => c.path)).toEqual([
      `/v3/conversations/${REFERRALS_CHANNEL};messageid=${post?.activityId}/activities/${post?.activityId}`,
    ]);
  });
});
