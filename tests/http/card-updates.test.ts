import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEffectRunner } from '../../bot/effects/performers.js';
import { VERBS } from '../../cards/verbs.js';
import { castVote } from '../../review/decision-actions.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../support/activities.js';
import { cardOf, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { validReferralForm } from '../support/referral-form.js';

/**
 * Two Panel instances update one decision card: an update made from an older state can
 * land after one made from a newer state. The card must still end on the case as stored.
 */
describe.each(STORES)('a card updated by two instances at once, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);

  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' = 'personal') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  const vote = (who: PersonKey, reference: string) =>
    castVote(panel.panel.deps.review, {
      caller: { aadObjectId: PEOPLE[who].aadObjectId, displayName: PEOPLE[who].name },
      reference,
      data: { reference, ballot: '1', choice: 'partnership' },
    });

  it('ends on the latest state when an older update lands last', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() });
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel');
    await panel.idle();
    await act('alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() });
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await panel.idle();
    const card = (await panel.store.getCase(reference))?.panel?.ballot?.card;
    expect(card).toBeDefined();
    const ofCard = new RegExp(`/activities/${card?.activityId}$`);
    // The card as posted was refreshed once already (from the case as it was when its post was recorded).
    const base = connector.matching('PUT', ofCard).length;
    const puts = () => connector.matching('PUT', ofCard).slice(base);
    const shown = (i: number) => texts(cardOf(puts()[i]!.body)).join('\n');

    // The stand-in holds the first update of the card until the test lets it go.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    connector.respondWith(async (call) => {
      if (call.method === 'PUT' && ofCard.test(call.path) && puts().length === 1) await held;
      return undefined;
    });
    const deps = panel.panel.deps;
    const [first, second] = [createEffectRunner(() => deps, deps.review, deps.log), createEffectRunner(() => deps, deps.review, deps.log)];
    try {
      expect((await vote('priya', reference)).status).toBe('voted');
      // Instance one puts the card with one vote, and Teams is slow to answer.
      const slow = first.run(reference);
      await connector.waitFor((call) => call.method === 'PUT' && ofCard.test(call.path));
      // Meanwhile a second vote lands, and instance two puts the card with two.
      expect((await vote('noor', reference)).status).toBe('voted');
      await second.run(reference);
      expect(shown(1)).toMatch(/2 of 9 have voted/);
      release();
      await slow;
    } finally {
      release();
      connector.respondWith(() => undefined);
    }
    // Instance one's put landed last, with one vote; it saw a newer refresh asked for meanwhile and put it again.
    expect(shown(0)).toMatch(/1 of 9 have voted/);
    expect(puts()).toHaveLength(3);
    expect(shown(2)).toMatch(/2 of 9 have voted/);
  });
});
