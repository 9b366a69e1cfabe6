import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { CLOSE_FORM_HOLD_MINUTES } from '../../review/decision.js';
import { cardAction, channelMention, PANEL_CHANNEL, personalMessage, type PersonKey } from '../support/activities.js';
import { cardOf, input, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NOW } from '../support/panel-harness.js';
import { validReferralForm } from '../support/referral-form.js';

/**
 * Updating a card replaces every view of it that Teams shows, the chair's close form
 * with what they typed in it too. So while the chair writes the decision, a late vote
 * is counted but the shared card is held still; it catches up when they close or go back,
 * or after CLOSE_FORM_HOLD_MINUTES.
 */
describe.each(STORES)("the chair's close form, kept while they write, on $name", ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' | 'panel' = 'panel') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  const vote = (who: PersonKey, reference: string, choice: string) => act(who, VERBS.castVote, { reference, ballot: '1', choice });

  it('holds the shared card while the form is open, and updates it when the chair goes back, after the hold, and at the close', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }, 'personal');
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel');
    await panel.idle();
    await act('alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() }, 'personal');
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await panel.idle();
    const card = (await panel.store.getCase(reference))?.panel?.ballot?.card;
    expect(card).toBeDefined();
    const puts = () => connector.matching('PUT', new RegExp(`/activities/${card?.activityId}$`));
    const shown = () => texts(cardOf(puts().at(-1)!.body)).join('\n');
    const ballot = async () => (await panel.store.getCase(reference))?.panel?.ballot;

    await vote('priya', reference, 'partnership');
    await vote('noor', reference, 'partnership');
    await panel.idle();
    expect(shown()).toMatch(/2 of 9 have voted/);

    // Only a closer opens the form; nothing is held for anyone else.
    expect((await act('priya', VERBS.closeVoteForm, { reference, ballot: '1' })).value).toMatch(/Only the independent chair/);
    expect((await ballot())?.closing).toBeUndefined();

    const form = await act('jo', VERBS.closeVoteForm, { reference, ballot: '1' });
    expect(input(form.value, 'rationale').value).toBe('');
    expect((await ballot())?.closing).toMatchObject({ since: NOW.toISOString() });
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toContain('vote.closing');

    // A late vote is counted, and the card the chair is writing on is left alone.
    const before = puts().length;
    expect(texts((await vote('ellis', reference, 'noReview')).value)).toContain('Your vote is recorded: No LCSPR: the criteria are not met.');
    await panel.idle();
    expect((await ballot())?.votes).toHaveLength(3);
    expect(puts()).toHaveLength(before);

    // Back: the hold ends and the card catches up.
    await act('jo', VERBS.showDecision, { reference });
    await panel.idle();
    expect((await ballot())?.closing).toBeUndefined();
    expect(puts()).toHaveLength(before + 1);
    expect(shown()).toMatch(/3 of 9 have voted/);

    // A form left open does not hold the card for ever.
    await act('jo', VERBS.closeVoteForm, { reference, ballot: '1' });
    panel.clock = new Date(NOW.getTime() + CLOSE_FORM_HOLD_MINUTES * 60_000);
    try {
      await vote('rowan', reference, 'partnership');
      await panel.idle();
      expect(shown()).toMatch(/4 of 9 have voted/);

      // The close updates the card for everyone.
      await act('jo', VERBS.closeVoteForm, { reference, ballot: '1' });
      const rationale = 'Agencies missed chances to share what they knew; a review will find the learning.';
      const done = await act('jo', VERBS.closeVote, { reference, ballot: '1', rationale, reviewer: 'local', notices: 'nationalPanel,ofsted' });
      expect(texts(done.value).join('\n')).toMatch(/Decided: Partnership review\./);
      await panel.idle();
      expect(shown()).toMatch(/Decided: Partnership review\./);
    } finally {
      panel.clock = NOW;
    }
  });
});
