import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COLLATION_REFUSED } from '../../bot/handlers/rapid-review.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, PANEL_CHANNEL, personalMessage, type PersonKey } from '../support/activities.js';
import { actions, cardOf, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, validReferralForm } from '../support/referral-form.js';

/** What identifies the person and their family: it stays with the business unit and the leads. */
const IDENTIFYING = ['Charlie Brook', '2014-03-02', '12 Elm Row', 'Morgan Brook', '1990-05-05'];

/**
 * The panel decides on the whole referral (issue 16, part 3): its members and the chair
 * read the referral's reasons, summary, parallel processes and the professionals involved,
 * one to one from the collation, audited; never the person's or family's names, dates of
 * birth or addresses. Leads and practitioners cannot.
 */
describe.each(STORES)("the panel reads the referral's account, on $name", ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' = 'personal') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  let reference = '';

  it('a panel member finds the referral beside the returns, and reads it without anyone named', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() });
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel');
    await panel.idle();
    await act('alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() });

    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'priya', `collation ${reference}`));
    const summary = cardOf(
      connector.calls.slice(before).find((c) => c.path.startsWith('/v3/conversations/a:personal-priya/activities'))!.body,
    );
    expect(actions(summary)[0]).toMatchObject({
      title: 'Read the referral',
      verb: VERBS.viewCollation,
      data: { reference, agencyId: 'referral' },
    });

    const read = await act('priya', VERBS.viewCollation, { reference, agencyId: 'referral' });
    const shown = texts(read.value).join('\n');
    expect(shown).toContain('Several agencies knew of concerns and did not share them.');
    expect(shown).toContain('Attendance fell from September; two welfare calls were logged and not shared.');
    expect(shown).toContain('Criminal investigation');
    expect(shown).toMatch(/Class teacher[\s\S]*Elm Row Primary, Sept 2025 to Oct 2026, Daily contact/);
    for (const value of IDENTIFYING) expect(JSON.stringify(read.value), value).not.toContain(value);
    const audit = await panel.store.listAudit(reference);
    expect(audit.at(-1)).toMatchObject({ action: 'collation.viewed', actor: expect.any(String), detail: 'part=referral' });
  });

  it('a lead or a practitioner cannot read it', async () => {
    for (const who of ['alex', 'dana'] as const) {
      expect((await act(who, VERBS.viewCollation, { reference, agencyId: 'referral' })).value, who).toBe(COLLATION_REFUSED);
    }
  });
});

/**
 * A case the business unit lists for the panel by hand has no collation: its decision
 * card offers the referral's own account instead (REQUIREMENTS P10).
 */
describe.each(STORES)('the panel reads the referral of a case listed by hand, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' | 'panel' = 'personal') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));

  it('from the decision card, before any return is in', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() });
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await act('sam', VERBS.listForPanel, { reference }, 'channel');
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await panel.idle();
    const posted = connector.calls.find(
      (c) => c.path === '/v3/conversations' && JSON.stringify(c.body).includes(`Panel decision: ${reference}`),
    );
    const offered = actions(cardOf(posted!.body.activity as Json)).find((a) => a.title === 'Read the referral');
    expect(offered).toMatchObject({ verb: VERBS.viewCollation, data: { reference, agencyId: 'referral' } });

    const read = await act('priya', VERBS.viewCollation, { reference, agencyId: 'referral', from: 'panel' }, 'panel');
    const shown = texts(read.value).join('\n');
    expect(shown).toContain('Several agencies knew of concerns and did not share them.');
    for (const value of IDENTIFYING) expect(JSON.stringify(read.value), value).not.toContain(value);
    expect((await act('alex', VERBS.viewCollation, { reference, agencyId: 'referral' })).value).toBe(COLLATION_REFUSED);
    // The returns themselves are not there to read yet.
    expect(String((await act('priya', VERBS.viewCollation, { reference }, 'panel')).value)).toMatch(/not collated yet/);
  });
});
