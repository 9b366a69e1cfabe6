import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { effectsOf } from '../../review/effects.js';
import { chatKey } from '../../review/store.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../support/activities.js';
import { errorUnder, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { validForm } from '../support/referral-form.js';

/**
 * A reflective review outcome (issue 16, part 4; Cheshire East): the chair gives the
 * meeting's date and the chair nominated to lead it; each involved agency's report falls
 * due 10 working days before it (`clocks.reflectiveReportsWorkingDaysBefore`), and its
 * lead is reminded one to one before and on that day. The referrer is told all three.
 */
describe.each(STORES)('a reflective review meeting, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'panel' | 'channel' = 'personal') =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;
  const sentTo = async (who: PersonKey) => {
    const chat = (await panel.store.getSetting(chatKey(PEOPLE[who].aadObjectId)))?.conversationId;
    return connector.calls.filter((c) => c.method === 'POST' && chat !== undefined && c.path === `/v3/conversations/${chat}/activities`);
  };
  let reference = '';
  const close = (extra: Record<string, string>) =>
    act(
      'jo',
      VERBS.closeVote,
      { reference, ballot: '1', rationale: 'Practice across agencies can be learned from together.', notices: '', ...extra },
      'panel',
    );

  it('the close asks for the meeting and its chair, with room for the reports before it', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validForm('reflective'), submissionId: randomUUID() });
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police,la', dueOn: '2026-12-11' }, 'channel');
    await panel.idle();
    await act('alex', VERBS.submitReturn, {
      reference,
      agencyId: 'police',
      submissionId: randomUUID(),
      involved: 'yes',
      involvedFrom: '2026-06-01',
      overview: 'Two visits to the home in August.',
      criteriaView: 'met',
      criteriaReason: 'What the school and police knew was not put together.',
    });
    await act('lee', VERBS.nilReturn, { reference, agencyId: 'la', submissionId: randomUUID() });
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await act('priya', VERBS.castVote, { reference, ballot: '1', choice: 'reflective' }, 'panel');
    await act('noor', VERBS.castVote, { reference, ballot: '1', choice: 'reflective' }, 'panel');

    const missing = await close({});
    expect(errorUnder(missing, 'meetingOn')).toMatch(/meeting's date/);
    expect(errorUnder(missing, 'meetingChair')).toMatch(/Name the chair/);
    const tooSoon = await close({ meetingOn: '2026-12-09', meetingChair: 'Dr Ade Example' });
    expect(errorUnder(tooSoon, 'meetingOn')).toMatch(/reports are due 10 working days before the meeting: choose 2026-12-15 or later/);
  });

  it('recorded, the reports fall due 10 working days before it, and only the involved agency is asked', async () => {
    await close({ meetingOn: '2027-01-20', meetingChair: 'Dr Ade Example' });
    await panel.idle();
    const record = await panel.store.getCase(reference);
    expect(record?.panel?.decisions[0]?.meeting).toEqual({ on: '2027-01-20', chair: 'Dr Ade Example', reportsDue: '2027-01-06' });
    expect(record?.clocks).toMatchObject({ meetingOn: '2027-01-20', reportsDue: '2027-01-06' });
    const reminders = effectsOf(record!).filter((e) => e.kind === 'reportReminder');
    // Three and one working days before (1 January is a bank holiday), and on the day; to the police's lead only.
    expect(reminders.map((e) => [e.payload?.aadObjectId, e.payload?.on])).toEqual([
      [PEOPLE.alex.aadObjectId, '2026-12-31'],
      [PEOPLE.alex.aadObjectId, '2027-01-05'],
      [PEOPLE.alex.aadObjectId, '2027-01-06'],
    ]);
    const told = (await sentTo('dana')).map((c) => JSON.stringify(c.body)).find((b) => b.includes('Panel decision on your referral'));
    expect(told).toMatch(/meeting is set for Wed 20 Jan 2027, chaired by Dr Ade Example.*reports by Wed 6 Jan 2027/);
  });

  it('the lead is reminded on the day the report is due, by the sweep in working hours', async () => {
    panel.clock = new Date('2027-01-06T09:05:00Z');
    const before = (await sentTo('alex')).length;
    await panel.panel.deps.effects.sweep();
    await panel.idle();
    const said = (await sentTo('alex')).slice(before).map((c) => String(c.body.text));
    expect(said.find((t) => t.includes(reference))).toMatch(
      /reflective review meeting on Wed 20 Jan 2027\. Police's report for it is due today/,
    );
  });
});
