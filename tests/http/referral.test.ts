import { describe, expect, it } from 'vitest';
import { DETAILS_REFUSED } from '../../bot/handlers/case-details.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, personalMessage, PEOPLE, REFERRALS_CHANNEL } from '../support/activities.js';
import { actions, cardOf, errorUnder, input, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { PERSONAL_VALUES, validReferralForm } from '../support/referral-form.js';

/**
 * A referral from chat to a stored, acknowledged case, over real HTTP into
 * /api/messages, with a local stand-in for the Bot Connector.
 */
describe.each(STORES)('a referral, over HTTP, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);

  /** The replies Panel posted into a conversation since `from`. */
  const repliesIn = (conversation: string, from = 0) =>
    connector.calls.slice(from).filter((c) => c.method === 'POST' && c.path.startsWith(`/v3/conversations/${conversation}/activities`));

  let submissionId = '';
  let reference = '';

  it('the business unit chooses its channel for referrals', async () => {
    const before = connector.calls.length;
    const res = await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    expect(res.status).toBe(200);
    const reply = connector.calls.slice(before).find((c) => c.method === 'POST');
    expect(String(reply?.body.text)).toMatch(/New referrals will be posted in this channel/);
    const setting = await panel.store.getSetting('referralChannel');
    expect(setting).toMatchObject({ channelId: REFERRALS_CHANNEL, serviceUrl: serviceUrl(), setBy: PEOPLE.sam.aadObjectId });
    expect(await panel.store.listAudit('partnership')).toMatchObject([
      { actor: PEOPLE.sam.aadObjectId, action: 'settings.referralChannel.set', detail: `channel=${REFERRALS_CHANNEL}` },
    ]);
  });

  it('someone outside the business unit cannot choose the channel', async () => {
    const before = connector.calls.length;
    await panel.send(channelMention(serviceUrl(), 'priya', 'use this channel for referrals'));
    const reply = connector.calls.slice(before).find((c) => c.method === 'POST');
    expect(String(reply?.body.text)).toMatch(/Only the business unit/);
  });

  it('help lists what a practitioner can do', async () => {
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'dana', 'help'));
    const [reply] = repliesIn('a:personal-dana', before);
    expect(String(reply?.body.text)).toMatch(/refer/);
    expect(String(reply?.body.text)).toMatch(/status REF-/);
    expect(String(reply?.body.text)).not.toMatch(/use this channel/);
  });

  it('help tells the business unit its own commands too', async () => {
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'sam', 'help'));
    const [reply] = repliesIn('a:personal-sam', before);
    expect(String(reply?.body.text)).toMatch(/use this channel for referrals/);
  });

  it('unknown text gets a pointer to help', async () => {
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'dana', 'what is this?'));
    const [reply] = repliesIn('a:personal-dana', before);
    expect(String(reply?.body.text)).toMatch(/help/);
  });

  it('refer returns the first step of the referral card', async () => {
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'dana', 'make a referral'));
    const [reply] = repliesIn('a:personal-dana', before);
    const card = cardOf(reply!.body);
    expect(input(card, 'kind').label).toMatch(/kind of review/);
    const [cont] = actions(card);
    expect(cont?.verb).toBe(VERBS.chooseReferralKind);
    submissionId = String((cont?.data as Json).submissionId);
    expect(submissionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('choosing the kind gives the form, with the referrer named from Teams', async () => {
    const res = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.chooseReferralKind, { submissionId, kind: 'lcspr' }));
    expect(res.type).toBe('application/vnd.microsoft.card.adaptive');
    const card = res.value;
    expect(input(card, 'referrerName').value).toBe('Dana Evans');
    expect(input(card, 'nationalPanelNotified').label).toMatch(/National Panel/);
    expect(() => input(card, 'relationshipToPerpetrator')).toThrow();
  });

  it('an invalid submit brings the same card back with what was typed and each problem', async () => {
    const form = validReferralForm({ referrerEmail: 'not-an-email', summary: '', awareDate: '2026-11-19' });
    const res = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...form, submissionId }));
    const card = res.value;
    expect(input(card, 'subjectName').value).toBe('Charlie Brook');
    expect(input(card, 'referrerEmail').value).toBe('not-an-email');
    expect(input(card, 'family1Name').value).toBe('Morgan Brook');
    expect(errorUnder(card, 'referrerEmail')).toMatch(/email/);
    expect(errorUnder(card, 'summary')).toMatch(/Summarise/);
    expect(errorUnder(card, 'awareDate')).toMatch(/before the incident/);
    expect(errorUnder(card, 'subjectName')).toBeUndefined();
    expect(texts(card).join('\n')).toMatch(/3 answers need attention/);
    expect(await panel.store.getCase('REF-2026-0001')).toBeUndefined();
  });

  it('a valid submit stores the case and acknowledges it with its reference and dates', async () => {
    const res = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId }));
    const shown = texts(res.value).join('\n');
    reference = 'REF-2026-0001';
    expect(shown).toMatch(/Referral received: REF-2026-0001/);
    expect(shown).toMatch(/Young Person A/);
    // Aware Mon 23 Nov 2026: 5 and 15 working days on.
    expect(shown).toMatch(/National Panel notification due: Mon 30 Nov 2026/);
    expect(shown).toMatch(/Rapid review due: Mon 14 Dec 2026/);
    // Received 1 Dec, before the 15th: the 25 December panel, moved past Christmas and Boxing Day.
    expect(shown).toMatch(/Listed for panel: Tue 29 Dec 2026/);
    const stored = await panel.store.getCase(reference);
    expect(stored?.referral.subject.name).toBe('Charlie Brook');
    expect(stored?.referrerAadObjectId).toBe(PEOPLE.dana.aadObjectId);
  });

  it('the business unit channel gets an anonymised card', async () => {
    await panel.idle();
    const post = await connector.waitFor((c) => c.method === 'POST' && c.path === '/v3/conversations');
    expect((post.body.channelData as Json).channel).toEqual({ id: REFERRALS_CHANNEL });
    const card = cardOf(post.body.activity as Json);
    const json = JSON.stringify(card);
    for (const personal of PERSONAL_VALUES) expect(json).not.toContain(personal);
    const shown = texts(card).join('\n');
    expect(shown).toMatch(/New referral REF-2026-0001/);
    expect(shown).toMatch(/Young Person A/);
    expect(shown).toMatch(/Immediate safety concern/);
    expect(shown).toMatch(/Received: Tue 1 Dec 2026/);
    expect(actions(card).map((a) => a.verb)).toEqual([
      VERBS.viewCaseDetails,
      VERBS.chooseDuty,
      VERBS.startRapidReview,
      VERBS.listForPanel,
      VERBS.holdCase,
    ]);
    // Someone may be at immediate risk: the thread hears of it, and the business unit has the details one to one.
    const audit = await panel.store.listAudit(reference);
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['case.created', 'channel.posted', 'safety.alerted', 'safety.detailsSent']),
    );
    expect(audit.filter((e) => e.action === 'channel.posted')).toHaveLength(1);
  });

  it('View details shows the whole referral to a business-unit member alone, and is audited', async () => {
    const res = await panel.invoke(cardAction(serviceUrl(), 'sam', VERBS.viewCaseDetails, { reference }, 'channel'));
    const shown = texts(res.value).join('\n');
    expect(shown).toMatch(/Charlie Brook/);
    expect(shown).toMatch(/Morgan Brook/);
    expect(shown).toMatch(/shown to you only/);
    const audit = await panel.store.listAudit(reference);
    expect(audit.at(-1)).toMatchObject({ action: 'case.viewed', actor: PEOPLE.sam.aadObjectId, detail: 'via=channel access=details' });
  });

  it('View details is refused to anyone else, and the refusal is audited', async () => {
    const res = await panel.invoke(cardAction(serviceUrl(), 'priya', VERBS.viewCaseDetails, { reference }, 'channel'));
    expect(res.type).toBe('application/vnd.microsoft.activity.message');
    expect(res.value).toBe(DETAILS_REFUSED);
    const audit = await panel.store.listAudit(reference);
    expect(audit.at(-1)).toMatchObject({ action: 'case.view.refused', actor: PEOPLE.priya.aadObjectId });
  });

  it('a forged View or Hide details for an unknown reference looks the same as a refusal', async () => {
    for (const verb of [VERBS.viewCaseDetails, VERBS.hideCaseDetails]) {
      for (const ref of [reference, 'REF-2026-0999']) {
        const res = await panel.invoke(cardAction(serviceUrl(), 'dana', verb, { reference: ref }));
        expect(res.value).toBe(DETAILS_REFUSED);
      }
    }
  });

  it('Hide details gives a business-unit member the anonymised card back', async () => {
    const res = await panel.invoke(cardAction(serviceUrl(), 'sam', VERBS.hideCaseDetails, { reference }, 'channel'));
    expect(texts(res.value).join('\n')).toMatch(/New referral REF-2026-0001/);
    expect(JSON.stringify(res.value)).not.toContain('Charlie Brook');
  });

  it('after a restart, status still shows the case to the referrer, without details', async () => {
    await panel.restart();
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'dana', `status ${reference}`));
    const [reply] = repliesIn('a:personal-dana', before);
    const card = cardOf(reply!.body);
    const shown = texts(card).join('\n');
    expect(shown).toMatch(/REF-2026-0001: Young Person A/);
    expect(shown).toMatch(/Rapid review due: Mon 14 Dec 2026/);
    expect(JSON.stringify(card)).not.toContain('Charlie Brook');
  });

  it('status shows the business unit the details, and refuses anyone else', async () => {
    let before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'sam', `status ${reference.toLowerCase()}`));
    const [samReply] = repliesIn('a:personal-sam', before);
    expect(JSON.stringify(cardOf(samReply!.body))).toContain('Charlie Brook');

    before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'alex', `status ${reference}`));
    const [alexReply] = repliesIn('a:personal-alex', before);
    expect(String(alexReply?.body.text)).toMatch(/no case REF-2026-0001 that you can see/);
    expect(alexReply?.body.attachments).toBeUndefined();
    const audit = await panel.store.listAudit(reference);
    expect(audit.slice(-2).map((e) => e.action)).toEqual(['case.viewed', 'case.view.refused']);
  });
});
