import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUSINESS_UNIT_ONLY } from '../../bot/handlers/rapid-review.js';
import { NOT_ENTITLED_TO_REPORT } from '../../bot/handlers/reports.js';
import { LEARNING_GROUP_ONLY, NOT_YOURS } from '../../bot/handlers/actions.js';
import { FAMILY_ONLY } from '../../bot/handlers/family.js';
import { VERBS } from '../../cards/verbs.js';
import { effectsOf } from '../../review/effects.js';
import { chatKey } from '../../review/store.js';
import { PEOPLE, personalMessage, REFERRALS_CHANNEL, type PersonKey } from '../support/activities.js';
import { actions, cardOf, errorUnder, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { actIn, decidedCase, PARTNERSHIP_REVIEW } from '../support/review-case.js';

const REPORT = {
  chronology: 'Contacts from March to October; the school nurse saw the child twice.',
  decisions: 'The decision not to refer in June is assessed: thresholds were misread.',
  services: 'School nursing and early help.',
  recommendations: 'Train staff on thresholds; our action plan is attached.',
  director: 'Director of Public Health',
  signedOff: 'true',
};

/**
 * One partnership review from its decision to a closed case (issue 17): the plan laid
 * out from a decision on Tue 29 Dec 2026, agency reports requested and returned, and the
 * rest of the review's work, on both stores.
 */
describe.each(STORES)('a review from its decision to a closed case, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = actIn({ panel, serviceUrl });
  /** What Panel sent someone one to one since a point, once it has a chat with them. */
  const sentTo = async (who: PersonKey, since: number) => {
    const chat = (await panel.store.getSetting(chatKey(PEOPLE[who].aadObjectId)))?.conversationId;
    return connector.calls.slice(since).filter((c) => c.method === 'POST' && c.path === `/v3/conversations/${chat}/activities`);
  };
  let reference = '';

  it('a decision for a partnership review lays out its plan', async () => {
    reference = await decidedCase({ panel, serviceUrl }, PARTNERSHIP_REVIEW.outcome, PARTNERSHIP_REVIEW.close, PARTNERSHIP_REVIEW.at);
    const record = await panel.store.getCase(reference);
    expect(record?.plan?.steps.find((s) => s.kind === 'agencyReports')?.dueOn).toBe('2027-01-25');
    // The review's card, a reply in the case's thread in the business unit's channel.
    const post = record?.effects?.['review-post'];
    expect(post).toMatchObject({ status: 'sent' });
    expect(post?.conversationId).toMatch(new RegExp(`^${REFERRALS_CHANNEL};messageid=`));
    const card = connector.calls.find(
      (c) => c.method === 'POST' && c.path === `/v3/conversations/${post?.conversationId}/activities` && c.body.attachments,
    );
    expect(texts(cardOf(card!.body as Json)).join('\n')).toMatch(
      /Review: REF-\d{4}-\d{4} \(Young Person A\)[\s\S]*Terms of reference agreed: due Thu 7 Jan 2027/,
    );
  });
  it("the plan opened from the review's card goes back to it", async () => {
    const plan = await act('sam', VERBS.showPlan, { reference, from: 'review' });
    const back = actions(plan).find((a) => a.title === 'Back');
    expect(back?.verb).toBe(VERBS.showReview);
    // What is typed keeps where it came from: its problems shown, Back still returns there.
    const invalid = await act('sam', VERBS.updatePlan, { reference, from: 'review', step: 'reviewer', change: '' });
    expect(actions(invalid).find((a) => a.title === 'Back')?.verb).toBe(VERBS.showReview);
    const review = await act('sam', VERBS.showReview, { reference });
    expect(texts(review).join('\n')).toMatch(/^Review: REF-\d{4}-\d{4} \(Young Person A\)/);
  });

  it('the business unit adds a step the plan lacks, in date order, with its reminders', async () => {
    const twice = await act('sam', VERBS.updatePlan, { reference, change: 'add', newStep: 'firstMeeting', dueOn: '2027-02-10' });
    expect(errorUnder(twice, 'newStep')).toMatch(/does not have yet/);
    const added = await act('sam', VERBS.updatePlan, { reference, change: 'add', newStep: 'secondMeeting', dueOn: '2027-02-10' });
    expect(texts(added).join('\n')).toMatch(/The step is added to the plan/);
    const record = await panel.store.getCase(reference);
    const kinds = record?.plan?.steps.map((s) => s.kind) ?? [];
    expect(kinds).toHaveLength(11);
    expect(kinds.indexOf('secondMeeting')).toBe(kinds.indexOf('firstMeeting') + 1);
    expect(effectsOf(record!).filter((e) => e.kind === 'stepReminder' && e.payload?.step === 'secondMeeting')).toHaveLength(3);
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toContain('plan.stepAdded');
  });

  /** The review's card in the case's thread, as last updated in place. */
  const reviewCard = async () => {
    const post = (await panel.store.getCase(reference))?.effects?.['review-post'];
    const put = connector.matching('PUT', new RegExp(`/activities/${post?.activityId}$`)).at(-1);
    return put ? texts(cardOf(put.body as Json)).join('\n') : '';
  };

  it("agency reports: requested from the agencies' leads one to one, reminded, and returned with the director's sign-off", async () => {
    const plan = await act('sam', VERBS.showPlan, { reference });
    expect(texts(plan).join('\n')).toMatch(/Agency reports/);
    expect(await act('priya', VERBS.requestReports, { reference, reportAgencies: 'police', reportsDue: '2027-01-19' })).toBe(
      BUSINESS_UNIT_ONLY,
    );
    const bad = await act('sam', VERBS.requestReports, { reference, reportAgencies: 'police,cia', reportsDue: '2027-01-01' });
    expect(errorUnder(bad, 'reportAgencies')).toMatch(/Choose the agencies/);
    expect(errorUnder(bad, 'reportsDue')).toMatch(/not a working day/);

    const before = connector.calls.length;
    const asked = await act('sam', VERBS.requestReports, { reference, reportAgencies: 'police,education', reportsDue: '2027-01-19' });
    expect(texts(asked).join('\n')).toMatch(/asked for their reports/);
    // Pressed again (a slow reply): one request each.
    await act('sam', VERBS.requestReports, { reference, reportAgencies: 'police,education', reportsDue: '2027-01-19' });
    await panel.idle();
    const toAlex = (await sentTo('alex', before)).filter((c) => JSON.stringify(c.body).includes('Agency report requested'));
    expect(toAlex).toHaveLength(1);
    expect((await sentTo('chris', before)).filter((c) => JSON.stringify(c.body).includes('Agency report requested'))).toHaveLength(1);
    const card = cardOf(toAlex[0]!.body as Json);
    const submit = JSON.stringify(card).match(/"submissionId":"([0-9a-f-]{36})"/)![1]!;

    let record = await panel.store.getCase(reference);
    expect(record?.reports?.requests.map((r) => r.agencyId)).toEqual(['police', 'education']);
    const reminders = effectsOf(record!).filter((e) => e.kind === 'reportReminder' && e.payload?.agencyId === 'police');
    expect(reminders.map((e) => e.payload?.on)).toEqual(['2027-01-14', '2027-01-18', '2027-01-19']);

    const tasks = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'alex', 'my tasks'));
    expect(
      connector.calls
        .slice(tasks)
        .map((c) => String(c.body.text))
        .join('\n'),
    ).toMatch(/Agency reports you owe[\s\S]*REF-\d{4}-\d{4} \(Young Person A\), Police: due/);
    // Not the agency's lead: refused.
    expect(await act('lee', VERBS.submitReport, { reference, agencyId: 'police', submissionId: submit, ...REPORT }, 'personal')).toBe(
      NOT_ENTITLED_TO_REPORT,
    );
    // Not signed off: the same card, what was typed kept, the problem beside its field.
    const unsigned = await act(
      'alex',
      VERBS.submitReport,
      { reference, agencyId: 'police', submissionId: submit, ...REPORT, signedOff: 'false' },
      'personal',
    );
    expect(errorUnder(unsigned, 'signedOff')).toMatch(/director signs off/);
    expect(JSON.stringify(unsigned)).toContain(REPORT.chronology);

    const thanks = await act('alex', VERBS.submitReport, { reference, agencyId: 'police', submissionId: submit, ...REPORT }, 'personal');
    expect(thanks).toMatch(/Police's report for REF-\d{4}-\d{4} is recorded/);
    await act('alex', VERBS.submitReport, { reference, agencyId: 'police', submissionId: submit, ...REPORT }, 'personal');
    record = await panel.store.getCase(reference);
    expect(
      effectsOf(record!).filter((e) => e.kind === 'reportReminder' && e.payload?.agencyId === 'police' && e.status === 'pending'),
    ).toEqual([]);
    expect((await panel.store.listAudit(reference)).filter((e) => e.action === 'report.submitted')).toHaveLength(1);
    expect(record?.plan?.steps.find((s) => s.kind === 'agencyReports')?.doneOn).toBeUndefined();

    const chris = (await sentTo('chris', before)).find((c) => JSON.stringify(c.body).includes('Agency report requested'))!;
    const chrisSubmit = JSON.stringify(chris.body).match(/"submissionId":"([0-9a-f-]{36})"/)![1]!;
    await act('chris', VERBS.submitReport, { reference, agencyId: 'education', submissionId: chrisSubmit, ...REPORT }, 'personal');
    record = await panel.store.getCase(reference);
    // Every agency has reported: the plan's step is done.
    expect(record?.plan?.steps.find((s) => s.kind === 'agencyReports')?.doneOn).toBe('2026-12-29');

    const read = await act('sam', VERBS.readReports, { reference });
    expect(texts(read).join('\n')).toContain(REPORT.decisions);
    expect(await act('priya', VERBS.readReports, { reference })).toBe(BUSINESS_UNIT_ONLY);
  });

  it('a meeting: each invitee told one to one who else is invited and what is asked; its outcome marks the step done', async () => {
    const plan = await act('sam', VERBS.showPlan, { reference });
    const submissionId = JSON.stringify(plan).match(
      /"verb":"meeting.arrange","associatedInputs":"auto","data":\{"reference":"[^"]+","submissionId":"([0-9a-f-]{36})"/,
    )![1]!;
    const meeting = {
      reference,
      submissionId,
      meetingKind: 'firstMeeting',
      meetingOn: '2027-01-20',
      meetingTime: '10:00',
      meetingPlace: 'https://teams.microsoft.com/l/meetup-join/example',
      invitees: [PEOPLE.alex.aadObjectId, PEOPLE.chris.aadObjectId].join(','),
      asked: 'Bring your agency report and your chronology.',
    };
    const bad = await act('sam', VERBS.arrangeMeeting, { ...meeting, meetingTime: '10am', invitees: `${PEOPLE.alex.aadObjectId},someone` });
    expect(errorUnder(bad, 'meetingTime')).toMatch(/HH:MM/);
    expect(errorUnder(bad, 'invitees')).toMatch(/from the partnership/);
    expect(JSON.stringify(bad)).toContain(meeting.asked);
    expect(await act('priya', VERBS.arrangeMeeting, meeting)).toBe(BUSINESS_UNIT_ONLY);

    const before = connector.calls.length;
    await act('sam', VERBS.arrangeMeeting, meeting);
    await act('sam', VERBS.arrangeMeeting, meeting);
    await panel.idle();
    const invites = (await sentTo('alex', before)).map((c) => String(c.body.text)).filter((t) => t.includes('Invitation from Panel'));
    expect(invites).toHaveLength(1);
    expect(invites[0]).toMatch(/first review meeting .* on Wed 20 Jan 2027 at 10:00/);
    expect(invites[0]).toMatch(/Also invited: Chris Hall \(Education\)\./);
    expect(invites[0]).toMatch(/What is asked of you: Bring your agency report/);
    expect((await sentTo('chris', before)).some((c) => /Also invited: Alex Jones \(Police\)/.test(String(c.body.text)))).toBe(true);
    // Nothing about the meeting's invitees reaches a channel.
    const inChannels = connector.calls.slice(before).filter((c) => c.path.includes('@thread.tacv2'));
    expect(JSON.stringify(inChannels.map((c) => c.body))).not.toMatch(/Chris Hall|Alex Jones/);

    const id = (await panel.store.getCase(reference))!.meetings![0]!.id;
    const early = await act('sam', VERBS.recordMeeting, { reference, meeting: id, outcome: 'Agreed the themes.' });
    expect(errorUnder(early, 'meeting')).toMatch(/not happened yet/);
    panel.clock = new Date('2027-01-20T15:00:00Z');
    await act('sam', VERBS.recordMeeting, { reference, meeting: id, outcome: 'Agreed the themes.' });
    const record = await panel.store.getCase(reference);
    expect(record?.meetings?.[0]?.outcome).toMatchObject({ text: 'Agreed the themes.' });
    expect(record?.plan?.steps.find((s) => s.kind === 'firstMeeting')?.doneOn).toBe('2027-01-20');
    await panel.idle();
    const shown = await reviewCard();
    expect(shown).toMatch(/First review meeting: done Wed 20 Jan 2027/);
    expect(shown).toMatch(/Agency reports: 2 of 2 returned/);
    // Counts, kinds and dates only: no invitee, nor what the meeting recorded.
    expect(shown).not.toMatch(/Chris Hall|Alex Jones|Agreed the themes/);
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['meeting.arranged', 'meeting.inviteSent', 'meeting.outcomeRecorded']),
    );
  });

  it('a family contact is logged by the business unit, and refused to a panel member', async () => {
    const contact = {
      reference,
      submissionId: randomUUID(),
      level: 'full',
      whyNot: '',
      agreedWith: '',
      liaison: 'Family liaison officer',
      interpreter: 'false',
      language: '',
      contactOn: '2027-01-20',
      contactKind: 'informed',
      contactNote: 'Mother told of the review by phone.',
    };
    expect(await act('priya', VERBS.updateFamily, contact, 'personal')).toBe(FAMILY_ONLY);
    await act('sam', VERBS.updateFamily, contact, 'personal');
    expect((await panel.store.getCase(reference))?.family?.contacts).toMatchObject([{ on: '2027-01-20', kind: 'informed' }]);
    // The reviewer opens it from a personal chat: they have no plan card.
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'quinn', `family ${reference}`));
    const card = connector.calls.slice(before).find((c) => c.method === 'POST' && c.body.attachments);
    expect(texts(cardOf(card!.body as Json)).join('\n')).toMatch(/Mother told of the review by phone/);
    const actions = (await panel.store.listAudit(reference)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['family.refused', 'family.contactLogged', 'family.viewed']));
  });

  const addAction = async (owner: PersonKey, dueOn: string, recommendation: string, extra: Record<string, unknown> = {}) => {
    const plan = await act('sam', VERBS.showPlan, { reference });
    const submissionId = JSON.stringify(plan).match(
      /"verb":"action.add","associatedInputs":"auto","data":\{"reference":"[^"]+","submissionId":"([0-9a-f-]{36})"/,
    )![1]!;
    return act('sam', VERBS.addAction, {
      reference,
      submissionId,
      recommendation,
      recommendationText: 'Agencies share concerns about neglect at the threshold.',
      recommendationClass: 'local',
      actionText: `Train ${owner}'s staff on the neglect thresholds.`,
      owner: PEOPLE[owner].aadObjectId,
      actionDue: dueOn,
      measure: 'An audit of referrals shows thresholds applied.',
      ...extra,
    });
  };
  const channelSaid = (since: number) =>
    connector.calls
      .slice(since)
      .filter((c) => c.method === 'POST' && c.path.startsWith(`/v3/conversations/${REFERRALS_CHANNEL};messageid=`))
      .map((c) => String(c.body.text));

  it('the action plan: two actions with owners reminded one to one, one overdue escalated, the LIG signing both off', async () => {
    const bad = await addAction('lee', '2027-01-23', 'new', { owner: PEOPLE.priya.aadObjectId, measure: '' });
    expect(errorUnder(bad, 'owner')).toMatch(/safeguarding lead/);
    expect(errorUnder(bad, 'actionDue')).toMatch(/not a working day/);
    expect(errorUnder(bad, 'measure')).toMatch(/success/);
    expect(await act('priya', VERBS.addAction, { reference, submissionId: randomUUID() })).toBe(BUSINESS_UNIT_ONLY);
    await addAction('alex', '2027-02-01', 'new');
    const recommendation = (await panel.store.getCase(reference))!.recommendations![0]!.id;
    await addAction('chris', '2027-01-25', recommendation);
    let record = await panel.store.getCase(reference);
    expect(record?.recommendations).toHaveLength(1);
    expect(record?.recommendations?.[0]?.actions.map((a) => a.agencyId)).toEqual(['police', 'education']);
    const chrisAction = record!.recommendations![0]!.actions[1]!;
    let before = 0;
    expect(
      effectsOf(record!)
        .filter((e) => e.payload?.action === chrisAction.id)
        .map((e) => `${e.kind} ${e.payload?.on}`),
    ).toEqual(['actionReminder 2027-01-20', 'actionReminder 2027-01-22', 'actionReminder 2027-01-25', 'actionOverdue 2027-01-26']);

    before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'chris', 'my tasks'));
    expect(
      connector.calls
        .slice(before)
        .map((c) => String(c.body.text))
        .join('\n'),
    ).toMatch(/Review actions you own/);

    // On the due day, the owner is reminded one to one with the form to update it.
    panel.clock = new Date('2027-01-25T09:05:00Z');
    before = connector.calls.length;
    await panel.panel.deps.effects.sweep();
    await panel.idle();
    const reminder = (await sentTo('chris', before)).find((c) => JSON.stringify(c.body).includes('a review action due today'));
    expect(reminder).toBeDefined();
    expect(JSON.stringify(reminder!.body)).toContain('action.update');

    // The next working day it is overdue: the business unit hears of it in the case's thread, by agency only.
    panel.clock = new Date('2027-01-26T09:05:00Z');
    before = connector.calls.length;
    await panel.panel.deps.effects.sweep();
    await panel.idle();
    const said = channelSaid(before);
    expect(said).toContainEqual(
      expect.stringMatching(/an action of Education in the review's action plan is overdue \(due Mon 25 Jan 2027\)/),
    );
    expect(said.join('\n')).not.toContain('neglect thresholds');

    // The owner updates theirs; done needs its evidence.
    const key = `${reference}|${chrisAction.id}`;
    const noEvidence = await act('chris', VERBS.updateAction, { actionKey: key, status: 'done', evidence: '' }, 'personal');
    expect(errorUnder(noEvidence, 'evidence')).toMatch(/evidence/);
    expect(await act('alex', VERBS.updateAction, { actionKey: key, status: 'done', evidence: 'x' }, 'personal')).toBe(NOT_YOURS);
    await act('chris', VERBS.updateAction, { actionKey: key, status: 'done', evidence: 'Training given on 26 January.' }, 'personal');
    const alexAction = record!.recommendations![0]!.actions[0]!;
    await act(
      'alex',
      VERBS.updateAction,
      { actionKey: `${reference}|${alexAction.id}`, status: 'done', evidence: 'All staff trained.' },
      'personal',
    );

    // The Learning and Improvement Group sees every open action by agency, and signs each off.
    before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'rowan', 'actions'));
    const list = connector.calls.slice(before).find((c) => c.method === 'POST')!;
    expect(texts(cardOf(list.body as Json)).join('\n')).toMatch(/2 open, 0 overdue/);
    expect(await act('priya', VERBS.signOffAction, { signOffKey: key }, 'personal')).toBe(LEARNING_GROUP_ONLY);
    await act('rowan', VERBS.signOffAction, { signOffKey: key }, 'personal');
    await act('rowan', VERBS.signOffAction, { signOffKey: `${reference}|${alexAction.id}` }, 'personal');
    record = await panel.store.getCase(reference);
    expect(record?.recommendations?.[0]?.actions.every((a) => a.signedOff)).toBe(true);
    expect((await panel.store.listAudit(reference)).filter((e) => e.action === 'action.signedOff')).toHaveLength(2);
  });

  it('publication: the notice due 7 working days before is reminded and recorded', async () => {
    // A decision not to publish needs its reasons, and the National Panel and the Secretary of State told.
    const half = await act('sam', VERBS.notPublishing, { reference, notPublishingWhy: '', told: 'nationalPanel' });
    expect(errorUnder(half, 'notPublishingWhy')).toMatch(/reasons/);
    expect(errorUnder(half, 'told')).toMatch(/Secretary of State/);
    await act('sam', VERBS.updatePublication, { reference, publishOn: '2027-02-26', checks: 'proofread' });
    expect((await panel.store.getCase(reference))?.clocks.publicationNoticeDue).toBe('2027-02-17');
    panel.clock = new Date('2027-02-17T09:05:00Z');
    const before = connector.calls.length;
    await panel.panel.deps.effects.sweep();
    await panel.idle();
    expect(channelSaid(before)).toContainEqual(expect.stringMatching(/publication notice .*is due today|due today/i));
    await act('sam', VERBS.recordDuty, { reference, duty: 'publicationNotice', notification: '' });
    expect((await panel.store.getCase(reference))?.duties?.publicationNotice).toMatchObject({ on: '2027-02-17' });
  });

  it('the case closes once its plan is carried out: closed everywhere, its retention set, no more changes', async () => {
    const early = await act('sam', VERBS.confirmClose, { reference });
    expect(early).toMatch(/still under way: \d+ steps of its plan not done/);
    for (const step of (await panel.store.getCase(reference))?.plan?.steps.filter((s) => !s.doneOn) ?? []) {
      await act('sam', VERBS.updatePlan, { reference, step: step.kind, change: 'done' });
    }
    await act('sam', VERBS.confirmClose, { reference });
    await panel.idle();
    const record = await panel.store.getCase(reference);
    expect(record?.stage).toBe('closed');
    expect(record?.expiresAt?.slice(0, 10)).toBe('2034-02-17');
    expect(record?.effects?.retention?.status).toBe('sent');
    expect(await reviewCard()).toMatch(/: closed/);
    // Closed, it accepts no more changes: the card it answers with shows it closed.
    const after = await act('sam', VERBS.arrangeMeeting, { reference, submissionId: randomUUID() });
    expect(texts(after).join('\n')).toMatch(/Closed/);
    expect((await panel.store.getCase(reference))?.meetings).toHaveLength(1);
    expect(record?.panel?.decisions).toHaveLength(1);
  });
});
