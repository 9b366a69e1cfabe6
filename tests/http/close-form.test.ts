import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { CLOSE_FORM_HOLD_MINUTES } from '../../review/decision.js';
import { cardAction, channelMention, PANEL_CHANNEL, personalMessage, type PersonKey } from '../support/activities.js';
import { cardOf, input, texts } from '../support/cards.js';
import { httpSuite, STORES, type HttpSuite } from '../support/http-suite.js';
import type { CosmosTestServer } from '../support/cosmos-test-server.js';
import { NOW } from '../support/panel-harness.js';
import { validReferralForm } from '../support/referral-form.js';

const actAs =
  ({ panel, serviceUrl }: HttpSuite) =>
  (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' | 'panel' = 'panel') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));

/** A referral on the panel's agenda, its vote open: its reference, the shared card's updates, and its ballot. */
const openVote = (suite: HttpSuite) => async () => {
  const { connector, panel, serviceUrl } = suite;
  const act = actAs(suite);
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
  return { reference, puts, shown, ballot };
};

/**
 * Updating a card replaces every view of it that Teams shows, the chair's close form
 * with what they typed in it too. So while the chair writes the decision, a late vote
 * is counted but the shared card is held still; it catches up when they close or go back,
 * or after CLOSE_FORM_HOLD_MINUTES.
 */
describe.each(STORES)("the chair's close form, kept while they write, on $name", ({ store }) => {
  const suite = httpSuite({}, store);
  const { panel } = suite;
  const act = actAs(suite);
  const vote = (who: PersonKey, reference: string, choice: string) => act(who, VERBS.castVote, { reference, ballot: '1', choice });
  const onTheAgenda = openVote(suite);

  it('holds the shared card while the form is open, and updates it when the chair goes back, after the hold, and at the close', async () => {
    const { reference, puts, shown, ballot } = await onTheAgenda();

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
    expect(texts((await vote('ellis', reference, 'noReview')).value)).toContain(
      'Your vote is recorded: No LCSPR: the criteria are not met.',
    );
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
      const done = await act('jo', VERBS.closeVote, {
        reference,
        ballot: '1',
        rationale,
        reviewer: 'local',
        notices: 'nationalPanel,ofsted',
      });
      expect(texts(done.value).join('\n')).toMatch(/Decided: Partnership review\./);
      await panel.idle();
      expect(shown()).toMatch(/Decided: Partnership review\./);
    } finally {
      panel.clock = NOW;
    }
  });

  it('a close refused because a vote became a conflict lets the card go; a close sent back to correct holds it afresh', async () => {
    const { reference, puts, shown, ballot } = await onTheAgenda();
    await vote('priya', reference, 'partnership');
    await vote('noor', reference, 'partnership');
    await panel.idle();

    panel.clock = new Date(NOW.getTime() + 20 * 60_000);
    try {
      await act('jo', VERBS.closeVoteForm, { reference, ballot: '1' });
      // Twenty minutes on, the chair sends the form without a rationale: it comes back to
      // them, and the card is held for them from now.
      panel.clock = new Date(NOW.getTime() + 40 * 60_000);
      const sentBack = await act('jo', VERBS.closeVote, { reference, ballot: '1', rationale: '', reviewer: 'local', notices: '' });
      expect(texts(sentBack.value).join('\n')).toMatch(/Give the reasons for the decision/);
      expect((await ballot())?.closing).toMatchObject({ since: panel.clock.toISOString() });

      // Noor declares a conflict: two votes are needed, one is cast. The close is refused,
      // the chair is back on the card, and the card shows the latest.
      const before = puts().length;
      await vote('noor', reference, 'conflict');
      await panel.idle();
      expect(puts()).toHaveLength(before);
      const refused = await act('jo', VERBS.closeVote, { reference, ballot: '1', rationale: 'Reasons.', reviewer: 'local', notices: '' });
      expect(texts(refused.value).join('\n')).toMatch(/The vote cannot close yet: 2 votes are needed and 1 have been cast\./);
      await panel.idle();
      expect((await ballot())?.closing).toBeUndefined();
      expect(puts()).toHaveLength(before + 1);
      expect(shown()).toMatch(/2 of 9 have voted/);
    } finally {
      panel.clock = NOW;
    }
  });
});

describe("the chair's close form on Cosmos DB, when the vote moves as they open or send it", () => {
  const suite = httpSuite({}, 'cosmos');
  const { panel } = suite;
  const act = actAs(suite);
  const caseRead = (req: IncomingMessage) => req.method === 'GET' && decodeURIComponent(req.url ?? '').endsWith('/docs/case');

  /** A vote open with the two votes it needs, both for a partnership review. */
  const quorate = async () => {
    const { reference } = await openVote(suite)();
    await act('priya', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' });
    await act('noor', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' });
    await panel.idle();
    if (!panel.cosmos) throw new Error('the suite runs on Cosmos');
    return { reference, cosmos: panel.cosmos };
  };

  /** Jo sends a valid close; while its read of the case is held back, `who` votes `choice`. Jo's answer. */
  const closeWhile = async (cosmos: CosmosTestServer, reference: string, who: PersonKey, choice: string) => {
    const read = cosmos.holdBack(caseRead, 'answer');
    const closing = act('jo', VERBS.closeVote, { reference, ballot: '1', rationale: 'Reasons.', reviewer: 'local', notices: '' });
    await read.reached;
    await act(who, VERBS.castVote, { reference, ballot: '1', choice });
    read.release();
    const answer = await closing;
    await panel.idle();
    return answer;
  };

  it('shows the decided card, holds nothing and audits no close form', async () => {
    const { reference, cosmos } = await quorate();

    // The form's read of the case is answered as it stood; before the answer arrives, the
    // chair's close from another window is recorded.
    const read = cosmos.holdBack(caseRead, 'answer');
    const opening = act('jo', VERBS.closeVoteForm, { reference, ballot: '1' });
    await read.reached;
    const rationale = 'Agencies missed chances to share what they knew.';
    await act('jo', VERBS.closeVote, { reference, ballot: '1', rationale, reviewer: 'local', notices: 'nationalPanel,ofsted' });
    read.release();
    const form = await opening;
    await panel.idle();

    expect(texts(form.value).join('\n')).toMatch(/Decided: Partnership review\./);
    const record = await panel.store.getCase(reference);
    expect(record?.panel?.ballot?.closing).toBeUndefined();
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).not.toContain('vote.closing');
  });

  it('a close that loses its quorum between reading the votes and writing the decision is refused, and lets the card go', async () => {
    const { reference, cosmos } = await quorate();
    await act('jo', VERBS.closeVoteForm, { reference, ballot: '1' });
    expect((await panel.store.getCase(reference))?.panel?.ballot?.closing).toBeDefined();

    // The close reads two votes of two needed; before that answer arrives, Noor declares a conflict.
    const refused = await closeWhile(cosmos, reference, 'noor', 'conflict');

    expect(texts(refused.value).join('\n')).toMatch(/The vote cannot close yet: 2 votes are needed and 1 have been cast\./);
    const record = await panel.store.getCase(reference);
    expect(record?.panel?.decisions ?? []).toEqual([]);
    expect(record?.panel?.ballot?.closing).toBeUndefined();
  });

  it('a form sent back to correct while the store is too busy to renew the hold still comes back, as typed', async () => {
    const { reference, cosmos } = await quorate();
    await act('jo', VERBS.closeVoteForm, { reference, ballot: '1' });
    const held = (await panel.store.getCase(reference))?.panel?.ballot?.closing;

    panel.clock = new Date(NOW.getTime() + 10 * 60_000);
    // Every write of the case: a replace, or a batch with its audit event.
    const caseWrite = (req: { method?: string; url?: string }) => {
      const url = decodeURIComponent(req.url ?? '');
      return (req.method === 'PUT' && url.endsWith('/docs/case')) || (req.method === 'POST' && url.endsWith('/colls/cases/docs'));
    };
    cosmos.throttle(caseWrite);
    try {
      const back = await act('jo', VERBS.closeVote, { reference, ballot: '1', rationale: '', reviewer: 'independent', notices: 'ofsted' });
      expect(cosmos.throttled()).toBeGreaterThan(0);
      expect(texts(back.value).join('\n')).toMatch(/Give the reasons for the decision/);
      expect(input(back.value, 'reviewer').value).toBe('independent');
    } finally {
      cosmos.throttle(undefined);
      panel.clock = NOW;
    }
    // The hold it had stands.
    expect((await panel.store.getCase(reference))?.panel?.ballot?.closing).toEqual(held);
  });

  it('a close whose majority changes meanwhile comes back to the chair, the card held for them afresh', async () => {
    const { reference, cosmos } = await quorate();
    await act('jo', VERBS.closeVoteForm, { reference, ballot: '1' });

    panel.clock = new Date(NOW.getTime() + 10 * 60_000);
    try {
      const back = await closeWhile(cosmos, reference, 'priya', 'noReview');

      expect(texts(back.value).join('\n')).toMatch(/The votes changed while you were closing/);
      expect(input(back.value, 'rationale').value).toBe('Reasons.');
      const record = await panel.store.getCase(reference);
      expect(record?.panel?.decisions ?? []).toEqual([]);
      expect(record?.panel?.ballot?.closing).toMatchObject({ since: panel.clock.toISOString() });
    } finally {
      panel.clock = NOW;
    }
  });
});
