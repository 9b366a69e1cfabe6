import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { chatKey } from '../../review/store.js';
import {
  cardAction,
  channelMention,
  PANEL_CHANNEL,
  PEOPLE,
  personalMessage,
  REFERRALS_CHANNEL,
  type PersonKey,
} from '../support/activities.js';
import { cardOf, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { validForm } from '../support/referral-form.js';

/** The suspected perpetrator in the DHR fixture: personal data, as the victim's is. */
const PERPETRATOR = ['Glen Hale', '1975-02-11', '11 Feb 1975', '4 Mill Lane'];

/**
 * A domestic homicide review asks for the suspected perpetrator (issue 16, part 5), and
 * each agency's lead is asked to search their records for them as well as the victim
 * (Darlington: agencies' contact with "the victim, perpetrator and family"). The details
 * have the victim's need-to-know: the business unit and the leads, never a channel,
 * never the panel's reading of the referral.
 */
describe.each(STORES)("a DHR's suspected perpetrator, on $name", ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' = 'personal') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  let reference = '';

  it("is named on the lead's request, and nowhere in the channel", async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validForm('dhr'), submissionId: randomUUID() });
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    const stored = await panel.store.getCase(reference);
    expect(stored?.referral.specific.perpetrator).toEqual({
      name: 'Glen Hale',
      dateOfBirth: '1975-02-11',
      address: '4 Mill Lane, Exampletown EX2 9CD',
    });

    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel');
    await panel.idle();
    const chat = (await panel.store.getSetting(chatKey(PEOPLE.alex.aadObjectId)))?.conversationId;
    const request = connector
      .matching('POST', /\/activities$/)
      .find((c) => c.path === `/v3/conversations/${chat}/activities` && JSON.stringify(c.body).includes('Rapid review request'));
    const shown = texts(cardOf(request!.body)).join('\n');
    expect(shown).toContain('Suspected perpetrator: Glen Hale');
    expect(shown).toMatch(/Perpetrator's date of birth: .*11 Feb 1975/);
    expect(shown).toContain("Perpetrator's address: 4 Mill Lane, Exampletown EX2 9CD");

    const inChannels = connector.calls.filter((c) => c.path.includes(REFERRALS_CHANNEL) || c.path.includes(PANEL_CHANNEL));
    expect(inChannels.length).toBeGreaterThan(0);
    for (const value of PERPETRATOR) expect(JSON.stringify(inChannels.map((c) => c.body)), value).not.toContain(value);
  });

  it('the business unit sees them in the full referral; the panel does not, in its reading of it', async () => {
    const details = await act('sam', VERBS.viewCaseDetails, { reference }, 'channel');
    expect(texts(details.value).join('\n')).toContain('Glen Hale');

    await act('alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() });
    await panel.send(personalMessage(serviceUrl(), 'priya', `collation ${reference}`));
    const read = await act('priya', VERBS.viewCollation, { reference, agencyId: 'referral' });
    expect(texts(read.value).join('\n')).toContain('Several agencies knew of concerns and did not share them.');
    for (const value of PERPETRATOR) expect(JSON.stringify(read.value), value).not.toContain(value);
  });
});
