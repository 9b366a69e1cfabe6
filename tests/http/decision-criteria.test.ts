import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import type { DecisionRecord } from '../../review/decision.js';
import { cardAction, channelMention, PANEL_CHANNEL, personalMessage, type PersonKey } from '../support/activities.js';
import { cardOf, errorUnder, input, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, validReferralForm } from '../support/referral-form.js';

/**
 * The panel decides against the criteria for a review (issue 16, part 3; Suffolk,
 * "Referral Decision"): each agency's return says which criteria the case highlights,
 * the decision card shows which each return supports, and the chair's close records
 * which the panel found met, kept in the decision record.
 */
describe.each(STORES)('the criteria for a review, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'panel' | 'channel' = 'personal') =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;
  let reference = '';

  it("the decision card shows which criteria each agency's return supports", async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() });
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police,la', dueOn: '2026-12-11' }, 'channel');
    await panel.idle();

    const form = await act('alex', VERBS.openReturn, { reference, agencyId: 'police' });
    expect((input(form, 'criteria').choices as Json[]).map((c) => c.value)).toEqual([
      'improvements',
      'recurrentThemes',
      'workingTogether',
      'seriousHarm',
      'death',
    ]);
    const forged = await act('alex', VERBS.submitReturn, {
      reference,
      agencyId: 'police',
      submissionId: randomUUID(),
      involved: 'yes',
      involvedFrom: '2026-03-01',
      overview: 'Two call-outs to the address in October.',
      criteriaView: 'met',
      criteriaReason: 'Information was not shared with the school.',
      criteria: 'workingTogether,gossip',
    });
    expect(errorUnder(forged, 'criteria')).toMatch(/from the list/);
    await act('alex', VERBS.submitReturn, {
      reference,
      agencyId: 'police',
      submissionId: randomUUID(),
      involved: 'yes',
      involvedFrom: '2026-03-01',
      overview: 'Two call-outs to the address in October.',
      criteriaView: 'met',
      criteriaReason: 'Information was not shared with the school.',
      criteria: 'seriousHarm,workingTogether',
    });
    await act('lee', VERBS.nilReturn, { reference, agencyId: 'la', submissionId: randomUUID() });
    await panel.idle();

    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await panel.idle();
    const posted = connector.calls.find(
      (c) => c.path === '/v3/conversations' && JSON.stringify(c.body).includes(`Panel decision: ${reference}`),
    );
    expect(texts(cardOf(posted!.body.activity as Json)).join('\n')).toMatch(
      /Police return: Involved; the criteria for a review are met; supports: agencies working together, serious abuse or harm/,
    );
  });

  it('the close form records which criteria the panel found met, and the decision keeps them', async () => {
    await act('priya', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' }, 'panel');
    await act('noor', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' }, 'panel');
    const close = await act('jo', VERBS.closeVoteForm, { reference, ballot: '1' }, 'panel');
    expect(input(close, 'criteria').isMultiSelect).toBe(true);
    const base = { reference, ballot: '1', rationale: 'Agencies did not share what they knew.', reviewer: 'local', notices: '' };
    const bad = await act('jo', VERBS.closeVote, { ...base, criteria: 'workingTogether,hunch' }, 'panel');
    expect(errorUnder(bad, 'criteria')).toMatch(/from the list/);
    await act('jo', VERBS.closeVote, { ...base, criteria: 'workingTogether,improvements' }, 'panel');
    const decision = (await panel.store.getCaseItem<DecisionRecord>(reference, 'decision:1'))?.doc;
    expect(decision?.criteria).toEqual(['improvements', 'workingTogether']);
    await panel.idle();
    const shared = connector.calls
      .filter((c) => c.method === 'PUT' && c.path.startsWith(`/v3/conversations/${PANEL_CHANNEL};messageid=`))
      .at(-1);
    expect(texts(cardOf(shared!.body)).join('\n')).toMatch(/Criteria found met: improvements needed, agencies working together/);
  });
});
