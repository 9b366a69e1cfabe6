import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AGENDA_REFUSED } from '../../bot/handlers/agenda.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../support/activities.js';
import { texts } from '../support/cards.js';
import { httpSuite } from '../support/http-suite.js';
import { PERSONAL_VALUES, validReferralForm } from '../support/referral-form.js';

/** The panel's channel and its agenda: the cases whose returns are collated, by reference only. */
describe("the panel's channel and agenda", () => {
  const { connector, panel, serviceUrl } = httpSuite();
  let reference = '';

  const reply = async (who: PersonKey, text: string, where: 'personal' | 'panel' = 'personal') => {
    const before = connector.calls.length;
    await panel.send(
      where === 'personal' ? personalMessage(serviceUrl(), who, text) : channelMention(serviceUrl(), who, text, PANEL_CHANNEL),
    );
    const to = where === 'personal' ? `/v3/conversations/a:personal-${who}/activities` : `/v3/conversations/${PANEL_CHANNEL};messageid=`;
    return String(connector.calls.slice(before).find((c) => c.method === 'POST' && c.path.startsWith(to))?.body.text);
  };

  it('a business-unit member or an administrator chooses the panel channel; a panel member cannot', async () => {
    expect(await reply('priya', 'use this channel for the panel', 'panel')).toMatch(/Only the business unit or an administrator/);
    expect(await reply('kim', 'use this channel for the panel', 'panel')).toMatch(/This is the panel's channel now/);
    expect(await panel.store.getSetting('panelChannel')).toMatchObject({ channelId: PANEL_CHANNEL, setBy: PEOPLE.kim.aadObjectId });
    expect((await panel.store.listAudit('partnership')).map((e) => e.action)).toContain('settings.panelChannel.set');
  });

  it('a case goes on the agenda of its panel once its returns are collated', async () => {
    const ack = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }),
    );
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    expect(await reply('priya', 'agenda')).toMatch(/No case is listed yet/);
    await panel.invoke(
      cardAction(serviceUrl(), 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel'),
    );
    await panel.idle();
    await panel.invoke(cardAction(serviceUrl(), 'alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() }));
    // Received Tue 1 Dec: the 25 Dec panel, a bank holiday, sits on Tue 29 Dec.
    const shown = await reply('priya', 'agenda');
    expect(shown).toMatch(/Agenda for the panel on Tue 29 Dec 2026/);
    expect(shown).toContain(`${reference} (Young Person A): Child Safeguarding Practice Review (LCSPR)`);
    for (const value of PERSONAL_VALUES) expect(shown).not.toContain(value);
    expect(await reply('dana', 'agenda')).toBe(AGENDA_REFUSED);
  });

  it("the business unit posts it in the panel's channel, as a new thread; audited", async () => {
    expect(await reply('priya', 'post agenda')).toMatch(/Only the business unit/);
    const before = connector.calls.length;
    expect(await reply('sam', 'post agenda')).toMatch(/posted in the panel's channel/);
    const posted = connector.calls.slice(before).find((c) => c.path === '/v3/conversations');
    expect(posted?.body).toMatchObject({ channelData: { channel: { id: PANEL_CHANNEL } } });
    expect(String((posted?.body.activity as { text?: string }).text)).toContain(reference);
    const audit = await panel.store.listAudit('partnership');
    expect(audit.at(-1)).toMatchObject({
      action: 'agenda.posted',
      actor: PEOPLE.sam.aadObjectId,
      detail: `panel=2026-12-29 cases=${reference}`,
    });
  });

  it('the same message delivered twice posts the agenda once', async () => {
    const message = personalMessage(serviceUrl(), 'sam', 'post agenda');
    const before = connector.calls.length;
    await panel.send(message);
    await panel.send(message);
    const calls = connector.calls.slice(before);
    expect(calls.filter((c) => c.path === '/v3/conversations' && JSON.stringify(c.body).includes('Agenda for the panel'))).toHaveLength(1);
    expect(calls.map((c) => String(c.body.text))).toContain('That agenda is posted already.');
  });
});
