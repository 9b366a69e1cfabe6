import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUSINESS_UNIT_ONLY } from '../../bot/handlers/rapid-review.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, PEOPLE, personalMessage, REFERRALS_CHANNEL, type PersonKey } from '../support/activities.js';
import { actions, cardOf, errorUnder, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, PERSONAL_VALUES, validReferralForm } from '../support/referral-form.js';

/** What the police lead says must happen now: personal, for the business unit alone. */
const IMMEDIATE = 'Move the younger sibling to a safe place tonight; the mother has been told.';

/**
 * A safety signal reaches a person at once (issue 16): a return saying action is needed
 * now to keep someone safe is said in the case's thread in the same turn's background
 * work (reference and agency only), its details go one to one to the business unit, and
 * the case's card carries the flag until a member of the business unit acknowledges it.
 */
describe.each(STORES)('a return that says someone must be kept safe now, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' = 'personal') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  let reference = '';
  let concern = '';
  const threadTexts = () =>
    connector
      .matching('POST', new RegExp(`^/v3/conversations/${REFERRALS_CHANNEL};messageid=\\d+/activities$`))
      .map((c) => String(c.body.text));
  const latestCard = async () => {
    const post = (await panel.store.getCase(reference))?.effects?.['channel-post'];
    return texts(cardOf(connector.matching('PUT', new RegExp(`/activities/${post?.activityId}$`)).at(-1)!.body)).join('\n');
  };

  it('alerts the thread at once, by agency only, and sends the details to the business unit one to one', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(personalMessage(serviceUrl(), 'alex', 'help'));
    await panel.send(personalMessage(serviceUrl(), 'sam', 'help'));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() });
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel');
    await panel.idle();
    expect(threadTexts().filter((t) => t.includes('keep someone safe'))).toEqual([]);

    const submissionId = randomUUID();
    await act('alex', VERBS.submitReturn, {
      reference,
      agencyId: 'police',
      submissionId,
      involved: 'yes',
      involvedFrom: '2025-03-01',
      overview: 'Known to the neighbourhood team since March.',
      immediateAction: IMMEDIATE,
      criteriaView: 'met',
      criteriaReason: 'Two agencies could have worked better together.',
    });
    await panel.idle();
    concern = `return:police:${submissionId}`;
    expect(threadTexts().filter((t) => t.includes(reference) && t.includes('keep someone safe'))).toEqual([
      `${reference}: Police reports that action is needed now to keep someone safe. The details have gone to the business unit one to one: acknowledge them there once it is in hand.`,
    ]);
    // Nothing personal in the channel: neither what the lead said nor the referral's personal values.
    const channel = JSON.stringify(
      connector.calls.filter((c) => JSON.stringify(c.body).includes(REFERRALS_CHANNEL) || c.path.includes(REFERRALS_CHANNEL)),
    );
    for (const value of [IMMEDIATE, ...PERSONAL_VALUES]) expect(channel, value).not.toContain(value);
    // To Sam (the business unit) one to one, with the way to acknowledge it.
    const toSam = connector.calls.filter(
      (c) => c.path === '/v3/conversations/a:personal-sam/activities' && JSON.stringify(c.body).includes('Safety concern'),
    );
    expect(toSam).toHaveLength(1);
    const card = cardOf(toSam[0]!.body);
    expect(texts(card).join('\n')).toContain(IMMEDIATE);
    expect(actions(card).map((a) => a.verb)).toEqual([VERBS.acknowledgeSafety]);
    expect(await latestCard()).toMatch(/Safety concern: 1 reported, not yet acknowledged by the business unit/);
    const audit = (await panel.store.listAudit(reference)).map((e) => e.action);
    expect(audit.filter((a) => a === 'safety.alerted')).toHaveLength(1);
    expect(audit.filter((a) => a === 'safety.detailsSent')).toHaveLength(1);
  });

  it('only the business unit acknowledges it; anyone else is refused, and the refusal audited', async () => {
    expect((await act('alex', VERBS.acknowledgeSafety, { reference, concern, action: 'Done' })).value).toBe(BUSINESS_UNIT_ONLY);
    expect((await panel.store.getCase(reference))?.safety?.[0]?.acknowledged).toBeUndefined();
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toContain('safety.acknowledge.refused');
  });

  it('acknowledged once, saying what was done; the flag leaves the card', async () => {
    const empty = await act('sam', VERBS.acknowledgeSafety, { reference, concern, action: '' });
    expect(errorUnder(empty.value, 'action')).toMatch(/Say what was done/);
    const [one, two] = await Promise.all([
      act('sam', VERBS.acknowledgeSafety, { reference, concern, action: 'Children’s social care visited at 16:00.' }),
      act('sam', VERBS.acknowledgeSafety, { reference, concern, action: 'Children’s social care visited at 16:00.' }),
    ]);
    await panel.idle();
    for (const answer of [one, two])
      expect(texts(answer.value).join('\n')).toMatch(/Acknowledged[\s\S]*Children’s social care visited at 16:00\./);
    expect((await panel.store.listAudit(reference)).filter((e) => e.action === 'safety.acknowledged')).toHaveLength(1);
    expect((await panel.store.getCase(reference))?.safety?.[0]?.acknowledged).toMatchObject({ by: PEOPLE.sam.aadObjectId });
    expect(await latestCard()).not.toMatch(/Safety concern/);
  });
});
