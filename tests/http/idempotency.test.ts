import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention } from '../support/activities.js';
import { texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { validReferralForm, NO_RISK } from '../support/referral-form.js';

/** Teams redelivers, users double-click, twenty people refer at once: one case each. */
describe.each(STORES)('submitting a referral more than once, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  beforeAll(async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
  });

  const referenceIn = (body: { value: unknown }) => /Referral received: (REF-\d{4}-\d{4})/.exec(texts(body.value).join('\n'))?.[1];
  const channelPosts = async () => {
    await panel.idle();
    return connector.matching('POST', /^\/v3\/conversations$/).length;
  };

  it('the same activity delivered twice makes one case and one channel post', async () => {
    const activity = cardAction(serviceUrl(), 'dana', VERBS.submitReferral, {
      ...validReferralForm(NO_RISK),
      submissionId: randomUUID(),
    });
    const postsBefore = await channelPosts();
    const first = await panel.invoke(activity);
    const second = await panel.invoke(activity);
    expect(referenceIn(first)).toBe('REF-2026-0001');
    expect(referenceIn(second)).toBe('REF-2026-0001');
    expect((await channelPosts()) - postsBefore).toBe(1);
    expect(await panel.store.getCase('REF-2026-0002')).toBeUndefined();
  });

  it('a double-click (two activities from one card, at once) makes one case', async () => {
    const data = { ...validReferralForm(NO_RISK), submissionId: randomUUID() };
    const postsBefore = await channelPosts();
    const answers = await Promise.all([
      panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data)),
      panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data)),
    ]);
    expect(new Set(answers.map(referenceIn))).toEqual(new Set(['REF-2026-0002']));
    expect((await channelPosts()) - postsBefore).toBe(1);
    expect(await panel.store.getCase('REF-2026-0003')).toBeUndefined();
    const audit = await panel.store.listAudit('REF-2026-0002');
    expect(audit.filter((e) => e.action === 'case.created')).toHaveLength(1);
  });

  it('the same submission id from another person is their own referral', async () => {
    const submissionId = randomUUID();
    const mine = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId }),
    );
    const theirs = await panel.invoke(
      cardAction(serviceUrl(), 'alex', VERBS.submitReferral, {
        ...validReferralForm({ referrerName: 'Alex Jones', referrerAgency: 'police' }),
        submissionId,
      }),
    );
    expect(referenceIn(mine)).not.toBe(referenceIn(theirs));
  });

  it('twenty referrals at once get twenty distinct references, without errors', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() })),
      ),
    );
    const references = answers.map(referenceIn);
    expect(references.every((r) => r !== undefined)).toBe(true);
    expect(new Set(references).size).toBe(20);
  });
});
