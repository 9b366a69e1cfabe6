import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUSINESS_UNIT_ONLY } from '../../bot/handlers/rapid-review.js';
import { NOT_ENTITLED_TO_REPORT } from '../../bot/handlers/reports.js';
import { VERBS } from '../../cards/verbs.js';
import { effectsOf } from '../../review/effects.js';
import { chatKey } from '../../review/store.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../support/activities.js';
import { cardOf, errorUnder, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, validReferralForm } from '../support/referral-form.js';

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
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'panel' | 'channel' = 'channel') =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;
  /** What Panel sent someone one to one since a point, once it has a chat with them. */
  const sentTo = async (who: PersonKey, since: number) => {
    const chat = (await panel.store.getSetting(chatKey(PEOPLE[who].aadObjectId)))?.conversationId;
    return connector.calls.slice(since).filter((c) => c.method === 'POST' && c.path === `/v3/conversations/${chat}/activities`);
  };
  let reference = '';

  it('a decision for a partnership review lays out its plan', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }, 'personal');
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
    await act('sam', VERBS.listForPanel, { reference });
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await act('priya', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' }, 'panel');
    await act('noor', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' }, 'panel');
    panel.clock = new Date('2026-12-29T10:00:00Z');
    await act(
      'jo',
      VERBS.closeVote,
      { reference, ballot: '1', rationale: 'Learning across agencies.', reviewer: 'local', notices: '' },
      'panel',
    );
    await panel.idle();
    const record = await panel.store.getCase(reference);
    expect(record?.plan?.steps.find((s) => s.kind === 'agencyReports')?.dueOn).toBe('2027-01-25');
  });

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
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['meeting.arranged', 'meeting.inviteSent', 'meeting.outcomeRecorded']),
    );
  });
});
