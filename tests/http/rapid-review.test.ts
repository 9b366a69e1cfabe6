import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOT_ENTITLED } from '../../bot/handlers/returns.js';
import { VERBS } from '../../cards/verbs.js';
import type { StoredReturn } from '../../review/agency-return.js';
import { chatKey } from '../../review/store.js';
import { cardAction, channelMention, PEOPLE, personalMessage, REFERRALS_CHANNEL, type PersonKey } from '../support/activities.js';
import { actions, cardOf, errorUnder, input, texts, type Json } from '../support/cards.js';
import type { ConnectorCall } from '../support/connector-stand-in.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, PERSONAL_VALUES, validReferralForm } from '../support/referral-form.js';

const AGENCIES = 'la,icb,police,mh,education';
/** The child's name in the referral fixture: for the lead's request only, never for a channel. */
const SUBJECT = 'Charlie Brook';
/** The leads of the five agencies asked, one each (partnership/demo.yaml). */
const LEADS: Record<string, PersonKey> = { la: 'lee', icb: 'ravi', police: 'alex', mh: 'morgan', education: 'chris' };

const fullReturn = (overview: string) => ({
  involved: 'yes',
  involvedFrom: '2025-03-01',
  involvedTo: '',
  overview,
  significantEvents: 'Missed health visits in June and July.',
  goodPractice: 'Prompt referral to children’s social care.',
  concerns: 'Information was not shared with the school.',
  immediateAction: '',
  learning: 'Internal review under way.',
  criteriaView: 'met',
  criteriaReason: 'Two or more agencies could have worked better together.',
});

/**
 * The rapid review over real HTTP: the business unit starts it from the case's channel
 * card, five leads receive their requests one to one, and answer: a nil return, a
 * full return, a draft then a return, an amendment, a delegation, two answers at once.
 * The channel card shows progress in place; the collation follows the last return.
 */
describe.each(STORES)('a rapid review, over HTTP, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  let reference = '';

  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' = 'personal') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  const answer = (who: PersonKey, agencyId: string, verb: string, data: Record<string, unknown> = {}) =>
    act(who, verb, { reference, agencyId, ...data });

  /** Where Panel reaches someone one to one, once it has. */
  const chatOf = async (who: PersonKey) => (await panel.store.getSetting(chatKey(PEOPLE[who].aadObjectId)))?.conversationId;
  /** The rapid review requests delivered into someone's chat. */
  const requestsTo = async (who: PersonKey) => {
    const chat = await chatOf(who);
    return connector
      .matching('POST', /\/activities$/)
      .filter((c) => c.path === `/v3/conversations/${chat}/activities` && JSON.stringify(c.body).includes('Rapid review request'));
  };
  /** The case's channel card as last updated in place. */
  const channelCard = () => {
    const updates = connector.matching('PUT', new RegExp(`^/v3/conversations/${REFERRALS_CHANNEL};messageid=`));
    const last = updates.at(-1);
    if (!last) throw new Error('the channel card was never updated');
    return cardOf(last.body);
  };
  const progress = () => texts(channelCard()).join('\n');

  it('a referral arrives in the business unit channel', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    // Four leads have talked to Panel already; Chris has not, so Panel creates the chat.
    for (const who of ['lee', 'ravi', 'alex', 'morgan'] as const) await panel.send(personalMessage(serviceUrl(), who, 'help'));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() });
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await panel.idle();
    expect(actions(cardOf(connector.matching('POST', /^\/v3\/conversations$/)[0]!.body.activity as Json)).map((a) => a.verb)).toContain(
      VERBS.startRapidReview,
    );
  });

  it('only the business unit can start it', async () => {
    const refused = await act('priya', VERBS.startRapidReview, { reference }, 'channel');
    expect(refused.value).toMatch(/Only the business unit/);
  });

  it('the start card has the core agencies chosen and a proposed due date', async () => {
    const start = await act('sam', VERBS.startRapidReview, { reference }, 'channel');
    expect(input(start.value, 'agencies').value).toBe('la,icb,police,mh');
    expect(String(input(start.value, 'dueOn').value)).toMatch(/^2026-12-\d{2}$/);
    expect(JSON.stringify(start.value)).not.toContain(SUBJECT);
  });

  it('a start with no agency and a past date comes back with both problems and what was typed', async () => {
    const card = (await act('sam', VERBS.confirmRapidReview, { reference, agencies: '', dueOn: '2026-11-30' }, 'channel')).value;
    expect(errorUnder(card, 'agencies')).toMatch(/at least one agency/);
    expect(errorUnder(card, 'dueOn')).toMatch(/after today/);
    expect(input(card, 'dueOn').value).toBe('2026-11-30');
    expect((await panel.store.getCase(reference))?.rapidReview).toBeUndefined();
  });

  it('confirming sends each of the five leads one request, once, however often it is pressed', async () => {
    const confirm = { reference, agencies: AGENCIES, dueOn: '2026-12-11' };
    const [first, second] = await Promise.all([
      act('sam', VERBS.confirmRapidReview, confirm, 'channel'),
      act('sam', VERBS.confirmRapidReview, confirm, 'channel'),
    ]);
    for (const card of [first, second]) expect(texts(card.value).join('\n')).toMatch(/0 of 5 returns/);
    await panel.idle();
    for (const who of Object.values(LEADS)) expect(await requestsTo(who), who).toHaveLength(1);
    // Chris's chat was created for the request, addressed by their Entra object id.
    const created = connector
      .matching('POST', /^\/v3\/conversations$/)
      .find((c) => JSON.stringify(c.body.members).includes(PEOPLE.chris.aadObjectId));
    expect(created?.body).toMatchObject({ isGroup: false });
    const audit = await panel.store.listAudit(reference);
    expect(audit.filter((e) => e.action === 'rapidReview.started')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'rapidReview.requestSent')).toHaveLength(5);
    expect(progress()).toMatch(/0 of 5 returns: Local Authority due Fri 11 Dec, Integrated Care Board due Fri 11 Dec/);
  });

  it('the request tells the lead alone what to search for', async () => {
    const [request] = await requestsTo('alex');
    const text = texts(cardOf(request!.body)).join('\n');
    expect(text).toContain(SUBJECT);
    expect(text).toMatch(/Returns due: Fri 11 Dec 2026/);
    expect(actions(cardOf(request!.body)).map((a) => a.verb)).toEqual([VERBS.openReturn, VERBS.nilReturn, VERBS.chooseDelegate]);
    // Nothing personal went to the channel.
    for (const value of PERSONAL_VALUES) expect(JSON.stringify(channelCard())).not.toContain(value);
  });

  it('a nil return is one press; pressed twice, it is one return', async () => {
    const press = { submissionId: randomUUID() };
    const [card] = await Promise.all([
      answer('chris', 'education', VERBS.nilReturn, press),
      answer('chris', 'education', VERBS.nilReturn, press),
    ]);
    expect(texts(card!.value).join('\n')).toMatch(/Education's nil return was received/);
    await panel.idle();
    expect(await panel.store.listCaseItems(reference, 'return')).toHaveLength(1);
    expect(progress()).toMatch(/1 of 5 returns: .*Education ✓ \(nil return\)/);
  });

  it('a full return', async () => {
    const form = await answer('lee', 'la', VERBS.openReturn);
    expect(input(form.value, 'involved').value).toBe('');
    const card = await answer('lee', 'la', VERBS.submitReturn, {
      ...fullReturn('Known to children’s social care since March.'),
      submissionId: randomUUID(),
    });
    expect(texts(card.value).join('\n')).toMatch(/Local Authority's return was received. You can amend it until Fri 11 Dec 2026/);
    await panel.idle();
    expect(progress()).toMatch(/2 of 5 returns: Local Authority ✓/);
  });

  it('an incomplete return names each problem beside its field and keeps what was typed', async () => {
    const submissionId = randomUUID();
    const card = (
      await answer('morgan', 'mh', VERBS.submitReturn, { involved: 'yes', overview: '', involvedFrom: '2099-01-01', submissionId })
    ).value;
    expect(errorUnder(card, 'overview')).toMatch(/overview/);
    expect(errorUnder(card, 'involvedFrom')).toMatch(/future/);
    expect(errorUnder(card, 'criteriaView')).toMatch(/view/);
    expect(input(card, 'involvedFrom').value).toBe('2099-01-01');
    expect(actions(card).find((a) => a.verb === VERBS.submitReturn)?.data).toMatchObject({ submissionId });
  });

  it('a draft is saved, found again, then completed; the ICB adds other health providers', async () => {
    const draft = {
      involved: 'yes',
      overview: 'Health visiting: started',
      provider1Name: 'Riverside GP practice',
      provider1Summary: 'Two appointments missed.',
    };
    const saved = await answer('ravi', 'icb', VERBS.saveReturnDraft, draft);
    expect(texts(saved.value).join('\n')).toMatch(/Draft saved/);
    const reopened = await answer('ravi', 'icb', VERBS.openReturn);
    expect(input(reopened.value, 'overview').value).toBe('Health visiting: started');
    expect(input(reopened.value, 'provider1Name').value).toBe('Riverside GP practice');
    await answer('ravi', 'icb', VERBS.submitReturn, {
      ...fullReturn('Health visiting: complete'),
      provider1Name: 'Riverside GP practice',
      provider1Summary: 'Two appointments missed.',
      submissionId: randomUUID(),
    });
    expect(await panel.store.getCaseItem(reference, 'draft:icb')).toBeUndefined();
    await panel.idle();
    expect(progress()).toMatch(/3 of 5 returns/);
  });

  it('an amendment replaces the current return and keeps the first', async () => {
    const form = await answer('lee', 'la', VERBS.openReturn);
    expect(input(form.value, 'overview').value).toBe('Known to children’s social care since March.');
    await answer('lee', 'la', VERBS.submitReturn, {
      ...fullReturn('Known since March; a strategy meeting in May.'),
      submissionId: randomUUID(),
    });
    const la = (await panel.store.listCaseItems<StoredReturn>(reference, 'return')).filter((i) => i.doc.agencyId === 'la');
    expect(la).toHaveLength(2);
    const current = (await panel.store.getCase(reference))?.rapidReview?.requests.find((r) => r.agencyId === 'la')?.current;
    expect(current?.itemId).toBe(la.find((i) => i.doc.overview?.includes('strategy meeting'))?.id);
    expect((await panel.store.listAudit(reference)).filter((e) => e.action === 'return.amended')).toHaveLength(1);
  });

  it('a lead hands the request to a named colleague, who is sent it; audited', async () => {
    const choose = await answer('alex', 'police', VERBS.chooseDelegate);
    expect(input(choose.value, 'colleague').choices).toEqual([{ title: 'Taylor Ward', value: PEOPLE.taylor.aadObjectId }]);
    const handed = await answer('alex', 'police', VERBS.delegateRequest, { colleague: PEOPLE.taylor.aadObjectId });
    expect(texts(handed.value).join('\n')).toMatch(/Handed to Taylor Ward/);
    await panel.idle();
    const [toTaylor] = await requestsTo('taylor');
    expect(actions(cardOf(toTaylor!.body)).map((a) => a.verb)).toEqual([VERBS.openReturn, VERBS.nilReturn]);
    // The colleague answers it, but does not hand it on.
    expect((await answer('taylor', 'police', VERBS.chooseDelegate)).value).toMatch(/Only the agency's safeguarding lead can hand/);
    expect((await answer('taylor', 'police', VERBS.delegateRequest, { colleague: PEOPLE.alex.aadObjectId })).value).toMatch(
      /Only the agency's safeguarding lead can hand/,
    );
    // Back to the request card: it names the person, so the showing is audited.
    expect(texts((await answer('taylor', 'police', VERBS.showRequest)).value).join('\n')).toContain(SUBJECT);
    const audit = await panel.store.listAudit(reference);
    expect(audit.filter((e) => e.action === 'case.viewed' && e.actor === PEOPLE.taylor.aadObjectId).at(-1)).toMatchObject({
      detail: 'via=request agency=police',
    });
    expect(audit.find((e) => e.action === 'rapidReview.delegated')).toMatchObject({
      actor: PEOPLE.alex.aadObjectId,
      detail: `agency=police to=${PEOPLE.taylor.aadObjectId}`,
    });
  });

  it('the lead and the colleague answering at once: both kept, the later current, no error', async () => {
    const [a, b] = await Promise.all([
      answer('alex', 'police', VERBS.submitReturn, { ...fullReturn('From the lead'), submissionId: randomUUID() }),
      answer('taylor', 'police', VERBS.submitReturn, { ...fullReturn('From the colleague'), submissionId: randomUUID() }),
    ]);
    for (const card of [a, b]) expect(texts(card.value).join('\n')).toMatch(/Police's return was received/);
    const police = (await panel.store.listCaseItems<StoredReturn>(reference, 'return')).filter((i) => i.doc.agencyId === 'police');
    expect(police).toHaveLength(2);
    const request = (await panel.store.getCase(reference))?.rapidReview?.requests.find((r) => r.agencyId === 'police');
    expect(request?.returns).toHaveLength(2);
    expect(police.map((i) => i.id)).toContain(request?.current?.itemId);
  });

  it('the last return collates them: the card says so in place, and offers the collation', async () => {
    await answer('morgan', 'mh', VERBS.submitReturn, { ...fullReturn('Seen by the crisis team once.'), submissionId: randomUUID() });
    await panel.idle();
    expect(progress()).toMatch(/5 of 5 returns: .* Returns are closed and collated/);
    expect(actions(channelCard()).map((a) => a.verb)).toContain(VERBS.viewCollation);
    expect((await panel.store.getCase(reference))?.stage).toBe('collated');
    // Collated, a return may still be amended until the business unit closes returns.
    expect(actions(channelCard()).map((a) => a.verb)).toContain(VERBS.closeReturns);
  });

  it('the business unit closes returns: no more amendments; a stale nil-return press changes nothing', async () => {
    const nil = await answer('alex', 'police', VERBS.nilReturn, { submissionId: randomUUID() });
    expect(texts(nil.value).join('\n')).toMatch(/Police's return was received/);
    const closed = await act('sam', VERBS.closeReturns, { reference }, 'channel');
    expect(actions(closed.value).map((a) => a.verb)).not.toContain(VERBS.closeReturns);
    const late = await answer('lee', 'la', VERBS.submitReturn, { ...fullReturn('late'), submissionId: randomUUID() });
    expect(late.value).toMatch(/closed returns/);
    const police = (await panel.store.getCase(reference))!.rapidReview!.requests.find((r) => r.agencyId === 'police')!;
    expect(police.current?.involved).toBe(true);
  });

  it('the business unit reads the collation, agency by agency; others are refused; both audited', async () => {
    const card = (await act('sam', VERBS.viewCollation, { reference }, 'channel')).value;
    const text = texts(card).join('\n');
    for (const expected of ['Local Authority', 'Nil return: not involved', 'Returned by: Lee Morgan']) expect(text).toContain(expected);
    expect(actions(card).map((a) => a.title)).toContain('Read Local Authority');
    // Each return is read on its own: the summary stays within Teams' size limit.
    const la = texts((await act('sam', VERBS.viewCollation, { reference, agencyId: 'la' }, 'channel')).value).join('\n');
    expect(la).toContain('strategy meeting');
    expect(la).not.toContain('Known to children’s social care since March.');
    const icb = texts((await act('sam', VERBS.viewCollation, { reference, agencyId: 'icb' }, 'channel')).value).join('\n');
    expect(icb).toContain('Health provider: Riverside GP practice');
    expect((await act('dana', VERBS.viewCollation, { reference }, 'channel')).value).toMatch(/Only the business unit and the panel/);
    const audit = await panel.store.listAudit(reference);
    expect(audit.filter((e) => e.action === 'collation.viewed').map((e) => e.detail)).toEqual([undefined, 'agency=la', 'agency=icb']);
    expect(audit.filter((e) => e.action === 'collation.view.refused')).toHaveLength(1);
  });

  it('a panel member reads the collation one to one with "collation REF-…"; a practitioner cannot', async () => {
    const reply = async (who: PersonKey, text: string) => {
      const before = connector.calls.length;
      await panel.send(personalMessage(serviceUrl(), who, text));
      return connector.calls.slice(before).find((c) => c.path.startsWith(`/v3/conversations/a:personal-${who}/activities`))!.body;
    };
    const card = cardOf(await reply('priya', `collation ${reference}`));
    expect(texts(card).join('\n')).toMatch(/Collated returns: REF-.*Mental Health Trust/s);
    expect(actions(card).map((a) => a.title)).toContain('Read Mental Health Trust');
    expect(String((await reply('dana', `collation ${reference}`)).text)).toMatch(/Only the business unit and the panel/);
    expect(String((await reply('alex', 'help')).text)).toMatch(/rapid review requests for your agency/);
  });
});

describe('a rapid review, when answers and leads go wrong', () => {
  const { connector, panel, serviceUrl } = httpSuite();
  let reference = '';
  const chatPath = (who: PersonKey) => `/v3/conversations/a:personal-${who}/activities`;

  it('a lead who cannot be reached (403, then a chat that is gone: 404) is reported to the business unit and recorded', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(personalMessage(serviceUrl(), 'lee', 'help'));
    const ack = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }),
    );
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await panel.idle();
    const isFor = (call: ConnectorCall, who: PersonKey) => JSON.stringify(call.body.members ?? []).includes(PEOPLE[who].aadObjectId);
    connector.respondWith((call) => {
      // Chris never installed Panel: Teams refuses the chat.
      if (call.path === '/v3/conversations' && isFor(call, 'chris')) return { status: 403, body: { error: { code: 'Forbidden' } } };
      // Lee's chat is gone, and Teams cannot make a new one.
      if (call.path === chatPath('lee')) return { status: 404, body: { error: { code: 'ConversationNotFound' } } };
      if (call.path === '/v3/conversations' && isFor(call, 'lee')) return { status: 404, body: { error: { code: 'NotFound' } } };
      return undefined;
    });
    await panel.invoke(
      cardAction(
        serviceUrl(),
        'sam',
        VERBS.confirmRapidReview,
        { reference, agencies: 'la,police,education', dueOn: '2026-12-11' },
        'channel',
      ),
    );
    await panel.idle();
    connector.respondWith(() => undefined);

    const review = (await panel.store.getCase(reference))!.rapidReview!;
    const deliveries = Object.fromEntries(review.requests.map((r) => [r.agencyId, Object.values(r.deliveries)[0]]));
    expect(deliveries.education).toMatchObject({ status: 'unreachable', reason: expect.stringMatching(/403/) });
    expect(deliveries.la).toMatchObject({ status: 'unreachable', reason: expect.stringMatching(/404/) });
    expect(deliveries.police).toMatchObject({ status: 'sent' });
    const reports = connector
      .matching('POST', new RegExp(`^/v3/conversations/${REFERRALS_CHANNEL};messageid=\\d+/activities$`))
      .map((c) => String(c.body.text));
    expect(reports).toHaveLength(2);
    expect(reports.find((t) => t.includes('Education'))).toMatch(/403/);
    expect(reports.find((t) => t.includes('Local Authority'))).toMatch(/404/);
    for (const text of reports) expect(text).not.toContain(SUBJECT);
    const audit = await panel.store.listAudit(reference);
    expect(audit.filter((e) => e.action === 'rapidReview.requestUndelivered')).toHaveLength(2);
    // Nothing is lost: both requests stand on the case, and the card says who is not reached.
    expect(review.requests.map((r) => r.agencyId)).toEqual(['la', 'police', 'education']);
    const card = connector.matching('PUT', /messageid=/).at(-1)!;
    expect(texts(cardOf(card.body)).join('\n')).toMatch(/Local Authority not reached.*Education not reached/);
    expect(actions(cardOf(card.body)).map((a) => a.verb)).toContain(VERBS.resendRequests);
    // The business unit sees, one to one, who was not reached.
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'sam', `status ${reference}`));
    const status = connector.calls.slice(before).find((c) => c.path.startsWith('/v3/conversations/a:personal-sam/activities'))!;
    expect(texts(cardOf(status.body)).join('\n')).toMatch(/Education: not reached · Chris Hall: not reached/);
  });

  it('once they open Panel, the business unit resends: each gets the request once, however often it is pressed', async () => {
    for (const who of ['lee', 'chris'] as const) await panel.send(personalMessage(serviceUrl(), who, 'help'));
    const before = connector.calls.length;
    const press = () => panel.invoke(cardAction(serviceUrl(), 'sam', VERBS.resendRequests, { reference }, 'channel'));
    await Promise.all([press(), press()]);
    await panel.idle();
    for (const who of ['lee', 'chris'] as const) {
      const sent = connector.calls
        .slice(before)
        .filter((c) => c.path === chatPath(who) && JSON.stringify(c.body).includes('Rapid review request'));
      expect(sent, who).toHaveLength(1);
    }
    const review = (await panel.store.getCase(reference))!.rapidReview!;
    for (const request of review.requests) expect(Object.values(request.deliveries)).toMatchObject([{ status: 'sent' }]);
    const card = cardOf(connector.matching('PUT', /messageid=/).at(-1)!.body);
    expect(texts(card).join('\n')).not.toMatch(/not reached/);
    expect(actions(card).map((a) => a.verb)).not.toContain(VERBS.resendRequests);
    expect((await panel.invoke(cardAction(serviceUrl(), 'alex', VERBS.resendRequests, { reference }, 'channel'))).value).toMatch(
      /Only the business unit/,
    );
  });

  it('a return from someone who is not a lead of a requested agency is refused, audited, and nothing is stored', async () => {
    const data = { reference, submissionId: randomUUID(), ...fullReturn('Not mine to give') };
    const byPanelMember = await panel.invoke(cardAction(serviceUrl(), 'priya', VERBS.submitReturn, { ...data, agencyId: 'police' }));
    const byOtherLead = await panel.invoke(cardAction(serviceUrl(), 'alex', VERBS.submitReturn, { ...data, agencyId: 'la' }));
    const forUnaskedAgency = await panel.invoke(
      cardAction(serviceUrl(), 'ravi', VERBS.nilReturn, { reference, agencyId: 'icb', submissionId: randomUUID() }),
    );
    for (const answer of [byPanelMember, byOtherLead, forUnaskedAgency]) expect(answer.value).toBe(NOT_ENTITLED);
    expect(await panel.store.listCaseItems(reference, 'return')).toEqual([]);
    const refusals = (await panel.store.listAudit(reference)).filter((e) => e.action === 'return.refused');
    expect(refusals.map((e) => [e.actor, e.detail])).toEqual([
      [PEOPLE.priya.aadObjectId, 'agency=police reason=notEntitled'],
      [PEOPLE.alex.aadObjectId, 'agency=la reason=notEntitled'],
      [PEOPLE.ravi.aadObjectId, 'agency=icb reason=notRequested'],
    ]);
  });

  it('throttled sends (429, then 201) are retried: each lead gets exactly one message', async () => {
    for (const who of ['ravi', 'morgan'] as const) await panel.send(personalMessage(serviceUrl(), who, 'help'));
    const ack = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }),
    );
    const second = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await panel.idle();
    const throttled = new Set<string>();
    connector.respondWith((call) => {
      if (!call.path.startsWith('/v3/conversations/a:personal-') || throttled.has(call.path)) return undefined;
      throttled.add(call.path);
      return { status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 'TooManyRequests' } } };
    });
    const before = connector.calls.length;
    await panel.invoke(
      cardAction(
        serviceUrl(),
        'sam',
        VERBS.confirmRapidReview,
        { reference: second, agencies: 'icb,police,mh', dueOn: '2026-12-11' },
        'channel',
      ),
    );
    await panel.idle();
    connector.respondWith(() => undefined);
    for (const who of ['ravi', 'alex', 'morgan'] as const) {
      const attempts = connector.calls.slice(before).filter((c) => c.path === chatPath(who));
      expect(attempts, who).toHaveLength(2);
    }
    const review = (await panel.store.getCase(second))!.rapidReview!;
    for (const request of review.requests) expect(Object.values(request.deliveries)).toMatchObject([{ status: 'sent' }]);
  });

  it('an agency with no lead listed is reported once, when the requests go out', async () => {
    const ack = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }),
    );
    const third = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await panel.idle();
    const before = connector.calls.length;
    await panel.invoke(
      cardAction(
        serviceUrl(),
        'sam',
        VERBS.confirmRapidReview,
        { reference: third, agencies: 'probation,police', dueOn: '2026-12-11' },
        'channel',
      ),
    );
    await panel.idle();
    await panel.invoke(
      cardAction(serviceUrl(), 'alex', VERBS.delegateRequest, {
        reference: third,
        agencyId: 'police',
        colleague: PEOPLE.taylor.aadObjectId,
      }),
    );
    await panel.idle();
    const reports = connector.calls
      .slice(before)
      .filter((c) => c.method === 'POST' && /messageid=\d+\/activities$/.test(c.path))
      .map((c) => String(c.body.text));
    expect(reports).toEqual([expect.stringMatching(/no safeguarding lead of Probation Service is listed/)]);
  });
});

describe('two leads of one agency answering at once', () => {
  // The demo partnership, with Taylor Ward made a second police lead.
  const dir = mkdtempSync(join(tmpdir(), 'panel-partnership-'));
  const file = join(dir, 'partnership.yaml');
  const demo = readFileSync(fileURLToPath(new URL('../../partnership/demo.yaml', import.meta.url)), 'utf8');
  writeFileSync(file, demo.replace(/(Taylor Ward, aadObjectId: [0-9a-f-]+), agency: police/, '$1, roles: [lead], agency: police'));
  const { panel, serviceUrl } = httpSuite({ PARTNERSHIP_FILE: file });

  it('both returns are kept in the history, the later is current, and neither gets an error', async () => {
    const ack = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }),
    );
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await panel.invoke(
      cardAction(serviceUrl(), 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police,la', dueOn: '2026-12-11' }, 'channel'),
    );
    await panel.idle();
    const review = (await panel.store.getCase(reference))!.rapidReview!;
    expect(review.requests[0]!.addressees.map((a) => a.as)).toEqual(['lead', 'lead']);

    const submit = (who: PersonKey, overview: string) =>
      panel.invoke(
        cardAction(serviceUrl(), who, VERBS.submitReturn, {
          reference,
          agencyId: 'police',
          submissionId: randomUUID(),
          ...fullReturn(overview),
        }),
      );
    const answers = await Promise.all([submit('alex', 'From Alex'), submit('taylor', 'From Taylor')]);
    for (const answer of answers) expect(texts(answer.value).join('\n')).toMatch(/Police's return was received/);
    const items = await panel.store.listCaseItems<StoredReturn>(reference, 'return');
    expect(items.map((i) => i.doc.overview).sort()).toEqual(['From Alex', 'From Taylor']);
    const police = (await panel.store.getCase(reference))!.rapidReview!.requests[0]!;
    expect(police.returns).toHaveLength(2);
    // The later of the two to be recorded is current.
    expect(police.current?.itemId).toBe(police.returns[1]);
    rmSync(dir, { recursive: true, force: true });
  });
});
