import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VOTERS_ONLY } from '../../bot/handlers/decision.js';
import { VERBS } from '../../cards/verbs.js';
import type { DecisionRecord } from '../../review/decision.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../support/activities.js';
import { actions, cardOf, errorUnder, input, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';

import { PERSONAL_VALUES, validReferralForm } from '../support/referral-form.js';

/** Everyone who may vote in the demo partnership: eight panel members; Jo Reed chairs. */
const MEMBERS = ['priya', 'noor', 'ellis', 'rowan', 'sasha', 'quinn', 'avery', 'jamie'] as const satisfies readonly PersonKey[];

/**
 * The panel decides over real HTTP: the business unit posts the agenda, each case gets a
 * decision card in the panel's channel, members vote (hidden from each other), the chair
 * closes with a rationale, the decision is stored and the referrer is told.
 */
describe.each(STORES)('the panel decision, over HTTP, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  /** Three cases: A decided by majority, B by the chair's casting decision, C on hold then decided. */
  const ref = { a: '', b: '', c: '' };

  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' | 'panel' = 'panel') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  const vote = (who: PersonKey, reference: string, choice: string, ballot = '1') => act(who, VERBS.castVote, { reference, ballot, choice });
  const say = async (who: PersonKey, text: string) => {
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), who, text));
    return String(
      connector.calls.slice(before).find((c) => c.method === 'POST' && c.path.startsWith(`/v3/conversations/a:personal-${who}/activities`))
        ?.body.text,
    );
  };
  /** Everything Panel posted or updated in the panel's channel. */
  const panelChannelCalls = () =>
    connector.calls.filter(
      (c) => c.path.startsWith(`/v3/conversations/${PANEL_CHANNEL}`) || JSON.stringify(c.body).includes(PANEL_CHANNEL),
    );
  /** The case's decision card as everyone in the channel last saw it. */
  const sharedCard = (reference: string): Json => {
    const cards = panelChannelCalls()
      .filter((c) => c.method === 'PUT' || JSON.stringify(c.body).includes('AdaptiveCard'))
      .filter((c) => c.method === 'PUT' || (c.method === 'POST' && c.path === '/v3/conversations'))
      .map((c) => cardOf(c.method === 'PUT' ? c.body : (c.body.activity as Json)))
      .filter((card) => texts(card).some((t) => t.includes(`Panel decision: ${reference}`)));
    if (cards.length === 0) throw new Error(`no decision card for ${reference}`);
    return cards.at(-1)!;
  };
  const shared = (reference: string) => texts(sharedCard(reference)).join('\n');
  const decisionOf = async (reference: string, n = 1) => (await panel.store.getCaseItem<DecisionRecord>(reference, `decision:${n}`))?.doc;
  const auditOf = async (reference: string) => (await panel.store.listAudit(reference)).map((e) => e.action);

  const collatedCase = async () => {
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }, 'personal');
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel');
    await panel.idle();
    await act('alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() }, 'personal');
    return reference;
  };

  it('posting the agenda opens a vote on each case with a decision card in the panel channel', async () => {
    // The panel's team: everyone, as Teams lists its members (the voters' Teams ids come from it).
    connector.roster = Object.values(PEOPLE).map(({ id, name, aadObjectId }) => ({ id, name, aadObjectId }));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    ref.a = await collatedCase();
    ref.b = await collatedCase();
    ref.c = await collatedCase();
    expect(await say('sam', 'post agenda')).toMatch(/decision card for each case/);
    // Each case's card is an effect of its vote opening, posted straight after the answer.
    await panel.idle();
    for (const reference of Object.values(ref)) {
      const card = sharedCard(reference);
      expect(texts(card).join('\n')).toMatch(
        /Voting is open: 0 of 9 have voted\. Votes stay hidden until the vote closes\. 2 votes are needed/,
      );
      expect(texts(card)).toContain('Police return: Nil return: not involved');
      expect(texts(card).join('\n')).toContain('Local child safeguarding practice review (LCSPR) with an independent reviewer');
      const refresh = card.refresh as { action: Json; userIds: string[] };
      expect(refresh.action).toMatchObject({ type: 'Action.Execute', verb: VERBS.showDecision, data: { reference } });
      // By their Teams ids ("29:…"), as Teams names users in a refresh.
      expect([...refresh.userIds].sort()).toEqual([...MEMBERS, 'jo' as const].map((who) => PEOPLE[who].id).sort());
      // For a client that does not refresh by itself, a button gets the same own view.
      expect((card.actions as Json[]).map((a) => a.verb)).toEqual([VERBS.showDecision, VERBS.viewCollation]);
      expect(await auditOf(reference)).toContain('vote.opened');
    }
  });

  it('each viewer gets their own view: a voter can vote; the business unit sees the shared card; anyone else is told who votes', async () => {
    const mine = await act('priya', VERBS.showDecision, { reference: ref.a });
    // Shown to her alone: a card given back with a refresh would replace the message for everyone.
    expect((mine.value as Json).refresh).toBeUndefined();
    expect(input(mine.value, 'choice')).toMatchObject({ type: 'Input.ChoiceSet', style: 'expanded' });
    // Its buttons; the card's refresh is an Action.Execute too.
    expect(((mine.value as Json).actions as Json[]).map((a) => a.verb)).toEqual([VERBS.castVote, VERBS.viewCollation]);
    const chair = await act('jo', VERBS.showDecision, { reference: ref.a });
    expect(actions(chair.value).map((a) => a.verb)).toContain(VERBS.closeVoteForm);
    const businessUnit = await act('sam', VERBS.showDecision, { reference: ref.a });
    expect(() => input(businessUnit.value, 'choice')).toThrow();
    expect(texts(businessUnit.value).join('\n')).toContain(VOTERS_ONLY);
    expect((await act('dana', VERBS.showDecision, { reference: ref.a })).value).toBe(VOTERS_ONLY);
    expect(connector.matching('PUT', /card-1$/)).toEqual([]);
  });

  it('a full vote reaching quorum: hidden while open, closed by the chair with a rationale, stored with every vote', async () => {
    expect(await say('priya', 'my tasks')).toMatch(new RegExp(`Votes waiting for you[\\s\\S]*${ref.a}`));
    const first = await vote('priya', ref.a, 'partnership');
    expect(await say('priya', 'my tasks')).not.toContain(ref.a);
    expect(texts(first.value)).toContain('Your vote is recorded: Partnership review.');
    expect(input(first.value, 'choice').value).toBe('partnership');
    await panel.idle();
    expect(shared(ref.a)).toMatch(/1 of 9 have voted/);
    expect(shared(ref.a)).not.toMatch(/Partnership review: 1/);

    const early = await act('jo', VERBS.closeVoteForm, { reference: ref.a, ballot: '1' });
    expect(texts(early.value).join('\n')).toMatch(/cannot close yet: 2 votes are needed and 1 have been cast/);

    await vote('noor', ref.a, 'partnership');
    await vote('ellis', ref.a, 'noReview');
    await panel.idle();
    expect(shared(ref.a)).toMatch(/3 of 9 have voted/);

    const form = await act('jo', VERBS.closeVoteForm, { reference: ref.a, ballot: '1' });
    expect(texts(form.value).join('\n')).toContain('The majority chose: Partnership review.');
    expect(input(form.value, 'notices').value).toBe('nationalPanel,ofsted');

    // Nothing is recorded without a rationale and a reviewer; what was typed is kept.
    const bad = await act('jo', VERBS.closeVote, { reference: ref.a, ballot: '1', rationale: '', reviewer: '', notices: 'nationalPanel' });
    expect(errorUnder(bad.value, 'rationale')).toMatch(/Give the reasons/);
    expect(errorUnder(bad.value, 'reviewer')).toMatch(/local or an independent/);
    expect(input(bad.value, 'notices').value).toBe('nationalPanel');
    // Card data that is not text is named beside its field.
    const odd = await act('jo', VERBS.closeVote, { reference: ref.a, ballot: '1', rationale: { text: 'x' }, reviewer: 'local' });
    expect(errorUnder(odd.value, 'rationale')).toBe('Must be text');
    expect(await decisionOf(ref.a)).toBeUndefined();

    const rationale = 'Two agencies missed chances to share information; a partnership review will find the learning.';
    const done = await act('jo', VERBS.closeVote, {
      reference: ref.a,
      ballot: '1',
      rationale,
      reviewer: 'independent',
      notices: 'nationalPanel,ofsted',
    });
    expect(texts(done.value).join('\n')).toMatch(/Decided: Partnership review\./);
    expect(texts(done.value)).toContain(rationale);
    const decision = await decisionOf(ref.a);
    expect(decision).toMatchObject({
      number: 1,
      outcome: 'partnership',
      casting: false,
      rationale,
      reviewer: 'independent',
      notices: ['nationalPanel', 'ofsted'],
      closedBy: PEOPLE.jo.aadObjectId,
      closedAs: 'independentChair',
      reviewDue: '2027-03-01',
      quorum: 2,
    });
    expect(decision?.votes.map((v) => [v.voter, v.choice])).toEqual([
      [PEOPLE.priya.aadObjectId, 'partnership'],
      [PEOPLE.noor.aadObjectId, 'partnership'],
      [PEOPLE.ellis.aadObjectId, 'noReview'],
    ]);
    await panel.idle();
    expect(shared(ref.a)).toMatch(/Decided: Partnership review\./);
    expect(shared(ref.a)).toMatch(/Votes: Partnership review: 2 · No LCSPR: the criteria are not met: 1/);
    expect(shared(ref.a)).not.toContain(rationale);
    const record = await panel.store.getCase(ref.a);
    expect(record).toMatchObject({ stage: 'decided', clocks: { reviewDue: '2027-03-01' } });
    expect(await auditOf(ref.a)).toEqual(expect.arrayContaining(['vote.cast', 'decision.recorded']));
  });

  it("the referrer's feedback card is delivered one to one, once, and the business unit's card shows the decision", async () => {
    // The chair's close pressed again (or redelivered): still one decision, one card to the referrer.
    const again = await act('jo', VERBS.closeVote, { reference: ref.a, ballot: '1', rationale: 'Something else', reviewer: 'local' });
    expect(texts(again.value).join('\n')).toMatch(/Decided: Partnership review\./);
    await panel.idle();
    expect(await panel.store.listCaseItems(ref.a, 'decision')).toHaveLength(1);
    expect((await panel.store.getCase(ref.a))?.panel?.decisions).toHaveLength(1);
    const toReferrer = connector
      .matching('POST', /^\/v3\/conversations\/a:personal-dana\/activities$/)
      .filter((c) => JSON.stringify(c.body).includes(`Panel decision on your referral ${ref.a}`));
    expect(toReferrer).toHaveLength(1);
    const feedback = connector
      .matching('POST', /^\/v3\/conversations\/a:personal-dana\/activities$/)
      .map((c) => texts(cardOf(c.body)).join('\n'))
      .find((t) => t.includes(`Panel decision on your referral ${ref.a}`));
    expect(feedback).toContain('Decision: Partnership review');
    expect(feedback).toMatch(/due to finish by Mon 1 Mar 2027/);
    expect(feedback).not.toContain('Two agencies missed');
    expect(await auditOf(ref.a)).toContain('decision.feedbackSent');
    const businessUnitCard = connector
      .matching('PUT', /^\/v3\/conversations\/19:referrals@thread\.tacv2;messageid=/)
      .map((c) => texts(cardOf(c.body)).join('\n'))
      // The case's own card, not the review's card replying to it in the same thread.
      .filter((t) => t.includes(ref.a) && !t.startsWith('Review:'))
      .at(-1);
    expect(businessUnitCard).toContain('Decision: Partnership review');
  });

  it('a vote after the close is refused, and the card shows the result', async () => {
    const late = await vote('sasha', ref.a, 'noReview');
    expect(texts(late.value).join('\n')).toMatch(/The vote has closed: your vote was not counted/);
    expect(texts(late.value).join('\n')).toMatch(/Decided: Partnership review/);
    expect((await decisionOf(ref.a))?.votes).toHaveLength(3);
    expect((await panel.store.getCase(ref.a))?.panel?.ballot?.votes).toHaveLength(3);
    expect(await auditOf(ref.a)).toContain('vote.refused');
    // Her own view of the decided vote shows the rationale: recorded as a view.
    const seen = await act('sasha', VERBS.showDecision, { reference: ref.a });
    expect(texts(seen.value).join('\n')).toContain('Two agencies missed');
    expect((await panel.store.listAudit(ref.a)).at(-1)).toMatchObject({
      action: 'decision.viewed',
      actor: PEOPLE.sasha.aadObjectId,
      detail: 'decision=1',
    });
  });

  it('a vote by someone without a panel role is refused; only the chair closes', async () => {
    for (const who of ['alex', 'sam', 'dana'] as const) {
      expect((await vote(who, ref.b, 'noReview')).value).toBe(VOTERS_ONLY);
    }
    expect((await act('priya', VERBS.closeVote, { reference: ref.b, ballot: '1', rationale: 'x' })).value).toBe(
      'Only the independent chair can close the vote.',
    );
    expect((await panel.store.getCase(ref.b))?.panel?.ballot?.votes).toEqual([]);
    // Whether a reference exists is not said to someone who may not vote.
    expect((await vote('alex', 'REF-2026-9999', 'noReview')).value).toBe(VOTERS_ONLY);

    const audit = await panel.store.listAudit(ref.b);
    expect(audit.filter((e) => e.action === 'vote.refused').map((e) => e.actor)).toEqual([
      PEOPLE.alex.aadObjectId,
      PEOPLE.sam.aadObjectId,
      PEOPLE.dana.aadObjectId,
    ]);
    expect(audit.map((e) => e.action)).toContain('vote.close.refused');
  });

  it('a changed vote replaces the voter’s own vote; audited as a change', async () => {
    await vote('ellis', ref.b, 'noReview');
    const changed = await vote('ellis', ref.b, 'actionLearning');
    expect(texts(changed.value)).toContain('Your vote is recorded: Action learning from the rapid review.');
    expect(actions(changed.value).map((a) => a.title)).toContain('Change my vote');
    const votes = (await panel.store.getCase(ref.b))?.panel?.ballot?.votes;
    expect(votes?.map((v) => [v.voter, v.choice])).toEqual([[PEOPLE.ellis.aadObjectId, 'actionLearning']]);
    const audit = await panel.store.listAudit(ref.b);
    expect(audit.filter((e) => e.actor === PEOPLE.ellis.aadObjectId).map((e) => e.action)).toEqual(['vote.cast', 'vote.changed']);
  });

  it('an abstention with a conflict of interest is recorded and does not count towards the quorum', async () => {
    const abstained = await vote('rowan', ref.b, 'conflict');
    expect(texts(abstained.value)).toContain('You declared a conflict of interest and abstain.');
    const form = await act('jo', VERBS.closeVoteForm, { reference: ref.b, ballot: '1' });
    expect(texts(form.value).join('\n')).toMatch(/2 votes are needed and 1 have been cast/);
  });

  it("a tie is settled by the chair's casting decision; for no review the referrer is told why", async () => {
    await vote('sasha', ref.b, 'noReview');
    const form = await act('jo', VERBS.closeVoteForm, { reference: ref.b, ballot: '1' });
    expect(texts(form.value).join('\n')).toMatch(/The vote is tied/);
    expect((input(form.value, 'outcome').choices as Json[]).map((c) => c.value)).toEqual(['noReview', 'actionLearning']);
    const rationale = 'The single-agency learning is already being acted on; the criteria are not met.';
    const missing = await act('jo', VERBS.closeVote, { reference: ref.b, ballot: '1', outcome: '', rationale });
    expect(errorUnder(missing.value, 'outcome')).toMatch(/no majority: give your casting decision/);
    expect(input(missing.value, 'rationale').value).toBe(rationale);
    await act('jo', VERBS.closeVote, { reference: ref.b, ballot: '1', outcome: 'noReview', rationale, notices: 'nationalPanel' });
    expect(await decisionOf(ref.b)).toMatchObject({ outcome: 'noReview', casting: true, notices: ['nationalPanel'] });
    await panel.idle();
    expect(shared(ref.b)).toMatch(/Casting decision: By the independent chair/);
    const feedback = connector
      .matching('POST', /^\/v3\/conversations\/a:personal-dana\/activities$/)
      .map((c) => texts(cardOf(c.body)).join('\n'))
      .find((t) => t.includes(`Panel decision on your referral ${ref.b}`));
    expect(feedback).toContain(rationale);
  });

  it('eight members voting within the same 100 ms are all counted, with no error', async () => {
    const answers = await Promise.all(MEMBERS.map((who) => vote(who, ref.c, 'onHold')));
    for (const answer of answers)
      expect(texts(answer.value)).toContain('Your vote is recorded: On hold: listed again at every panel until decided.');
    const votes = (await panel.store.getCase(ref.c))?.panel?.ballot?.votes;
    expect(votes?.map((v) => v.voter).sort()).toEqual(MEMBERS.map((who) => PEOPLE[who].aadObjectId).sort());
    expect((await panel.store.listAudit(ref.c)).filter((e) => e.action === 'vote.cast')).toHaveLength(8);
    await panel.idle();
    expect(shared(ref.c)).toMatch(/8 of 9 have voted/);
  });

  it('on hold: the case is held, and listed again at the next panel, where a new decision supersedes it', async () => {
    await act('jo', VERBS.closeVote, {
      reference: ref.c,
      ballot: '1',
      rationale: 'Awaiting the outcome of the criminal investigation.',
      holdUntil: '',
    });
    const held = await panel.store.getCase(ref.c);
    expect(held).toMatchObject({ stage: 'decided', hold: { by: PEOPLE.jo.aadObjectId } });
    expect(held?.hold?.until).toBeUndefined();

    // After the 29 December panel: the next is on Monday 25 January 2027; only C is listed.
    panel.clock = new Date('2027-01-05T10:00:00Z');
    const listed = await say('priya', 'agenda');
    expect(listed).toMatch(/Agenda for the panel on Mon 25 Jan 2027/);
    expect(listed).toContain(`${ref.c} (Young Person C): Child Safeguarding Practice Review (LCSPR), on hold`);
    expect(listed).not.toContain(ref.a);
    expect(listed).not.toContain(ref.b);

    await say('sam', 'post agenda');
    expect((await panel.store.getCase(ref.c))?.panel?.ballot).toMatchObject({ number: 2, panelDate: '2027-01-25', votes: [] });
    await vote('priya', ref.c, 'singleAgency', '2');
    await vote('quinn', ref.c, 'singleAgency', '2');
    await act('jo', VERBS.closeVote, {
      reference: ref.c,
      ballot: '2',
      rationale: 'The investigation has concluded.',
      reviewer: 'local',
      notices: '',
    });
    const decided = await panel.store.getCase(ref.c);
    expect(decided?.hold).toBeUndefined();
    expect(decided?.panel?.decisions.map((d) => [d.number, d.outcome, d.supersedes])).toEqual([
      [1, 'onHold', undefined],
      [2, 'singleAgency', 1],
    ]);
    expect(await decisionOf(ref.c, 1)).toMatchObject({ outcome: 'onHold' });
    expect(await auditOf(ref.c)).toContain('decision.superseded');
    expect(await say('priya', 'agenda')).not.toContain(ref.c);
  });

  it('the business unit lists a case by hand before its returns are in; it is on the next agenda', async () => {
    panel.clock = new Date('2027-02-15T10:00:00Z');
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }, 'personal');
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await panel.idle();
    expect(await say('priya', 'agenda')).not.toContain(reference);
    expect((await act('priya', VERBS.listForPanel, { reference }, 'channel')).value).toBe('Only the business unit can do that.');
    const listed = await act('sam', VERBS.listForPanel, { reference }, 'channel');
    expect(actions(listed.value).map((a) => a.verb)).not.toContain(VERBS.listForPanel);
    expect(await say('priya', 'agenda')).toMatch(new RegExp(`Agenda for the panel on Thu 25 Feb 2027[\\s\\S]*${reference}`));
    expect(await auditOf(reference)).toContain('case.listed');
  });

  it("a review's clock runs from the decision, with a reminder in the case's thread before it is due", async () => {
    // Partnership review of A, decided Tue 1 Dec 2026: due Mon 1 Mar 2027; reminded 10 working days before.
    const effects = Object.values((await panel.store.getCase(ref.a))?.effects ?? {});
    expect(effects.filter((e) => e.kind === 'reviewReminder' && e.status === 'pending').map((e) => e.dueAt)).toEqual([
      '2027-02-15T09:00:00.000Z',
      '2027-03-01T09:00:00.000Z',
    ]);
    const before = connector.calls.length;
    await panel.panel.deps.effects.sweep();
    const said = connector.calls
      .slice(before)
      .filter((c) => c.method === 'POST' && c.path.startsWith('/v3/conversations/19:referrals@thread.tacv2;messageid='))
      .map((c) => String(c.body.text));
    expect(said).toContain(`${ref.a} (Young Person A): the partnership review the panel decided is due on Mon 1 Mar 2027.`);
  });

  it('nothing personal is on any card posted to the panel channel', async () => {
    await panel.idle();
    const posted = panelChannelCalls();
    expect(posted.length).toBeGreaterThan(10);
    for (const call of posted) {
      const body = JSON.stringify(call.body);
      for (const value of PERSONAL_VALUES) expect(body, `${call.method} ${call.path}`).not.toContain(value);
    }
  });
});
