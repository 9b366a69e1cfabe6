import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUSINESS_UNIT_ONLY } from '../../bot/handlers/rapid-review.js';
import { VERBS } from '../../cards/verbs.js';
import { effectsOf } from '../../review/effects.js';
import { cardAction, channelMention, personalMessage, REFERRALS_CHANNEL, type PersonKey } from '../support/activities.js';
import { actions, cardOf, errorUnder, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { validReferralForm } from '../support/referral-form.js';

/**
 * A serious child incident's statutory duties (issue 16): the National Panel notification
 * (5 working days from the agency becoming aware) and the rapid review sent to the
 * National Panel (15). The business unit is reminded in the case's thread before and on
 * the day, and each working day once overdue, until it records the duty as done; a hold
 * never moves them. Aware Tue 1 Dec 2026: notification due Tue 8 Dec, rapid review Tue 22 Dec.
 */
describe.each(STORES)("a serious child incident's statutory duties, on $name", ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' = 'channel') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  let reference = '';

  /** What the sweep says in the case's thread about its duties at 09:05 on `on`. */
  async function dutiesSaidOn(on: string): Promise<string[]> {
    panel.clock = new Date(`${on}T09:05:00Z`);
    const before = connector.calls.length;
    await panel.panel.deps.effects.sweep();
    await panel.idle();
    return connector.calls
      .slice(before)
      .filter((c) => c.method === 'POST' && c.path.startsWith(`/v3/conversations/${REFERRALS_CHANNEL};messageid=`))
      .map((c) => String(c.body.text))
      .filter((text) => text.includes(reference) && text.includes('(a statutory duty)'));
  }
  const shownOnCard = async () => {
    const post = (await panel.store.getCase(reference))?.effects?.['channel-post'];
    const puts = connector.matching('PUT', new RegExp(`/activities/${post?.activityId}$`));
    return texts(cardOf(puts.at(-1)!.body)).join('\n');
  };

  it('a referral owes the reminders of both duties, with its card offering to record them', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const ack = await act(
      'dana',
      VERBS.submitReferral,
      { ...validReferralForm({ awareDate: '2026-12-01' }), submissionId: randomUUID() },
      'personal',
    );
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await panel.idle();
    const record = await panel.store.getCase(reference);
    expect(record?.clocks).toMatchObject({ nationalPanelNotificationDue: '2026-12-08', rapidReviewDue: '2026-12-22' });
    expect(
      effectsOf(record!)
        .filter((e) => e.kind === 'dutyReminder')
        .map((e) => e.key)
        .sort(),
    ).toEqual([
      'duty:nationalPanelNotification:2026-12-03',
      'duty:nationalPanelNotification:2026-12-07',
      'duty:nationalPanelNotification:2026-12-08',
      'duty:nationalPanelNotification:2026-12-09',
      'duty:rapidReviewResponse:2026-12-17',
      'duty:rapidReviewResponse:2026-12-21',
      'duty:rapidReviewResponse:2026-12-22',
      'duty:rapidReviewResponse:2026-12-23',
    ]);
    const posted = connector.matching('POST', /^\/v3\/conversations$/).find((c) => JSON.stringify(c.body).includes(reference));
    expect(actions(cardOf(posted!.body.activity as Record<string, unknown>)).map((a) => a.verb)).toContain(VERBS.chooseDuty);
  });

  it('only the business unit records a duty; anyone else is refused, and the refusal audited', async () => {
    expect((await act('dana', VERBS.chooseDuty, { reference })).value).toBe(BUSINESS_UNIT_ONLY);
    expect((await act('alex', VERBS.recordDuty, { reference, duty: 'nationalPanelNotification', notification: '' })).value).toBe(
      BUSINESS_UNIT_ONLY,
    );
    expect((await panel.store.getCase(reference))?.duties).toBeUndefined();
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toContain('duty.record.refused');
  });

  it('the business unit is reminded before and on the day, in the case thread, and sees it in my tasks', async () => {
    expect(await dutiesSaidOn('2026-12-03')).toEqual([
      expect.stringMatching(/national panel notification \(a statutory duty\) is due Tue 8 Dec 2026/),
    ]);
    expect(await dutiesSaidOn('2026-12-04')).toEqual([]);
    expect(await dutiesSaidOn('2026-12-08')).toEqual([
      expect.stringMatching(/national panel notification \(a statutory duty\) is due today/),
    ]);
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'sam', 'my tasks'));
    const tasks = String(connector.calls.slice(before).find((c) => c.method === 'POST')?.body.text);
    expect(tasks).toMatch(
      new RegExp(`Statutory duties[\\s\\S]*${reference} \\(Young Person \\w\\): National Panel notification, due today`),
    );
  });

  it('overdue, it is said each working day and shown on the card; Record as done stops it', async () => {
    expect(await dutiesSaidOn('2026-12-09')).toEqual([
      expect.stringMatching(/national panel notification \(a statutory duty\) is 1 working day overdue/),
    ]);
    expect(await dutiesSaidOn('2026-12-10')).toEqual([expect.stringMatching(/is 2 working days overdue/)]);
    // The rapid review needs the returns collated first.
    const early = await act('sam', VERBS.recordDuty, { reference, duty: 'rapidReviewResponse' });
    expect(errorUnder(early.value, 'duty')).toMatch(/once its returns are collated or closed/);
    // A reference is an identifier: free text (which could name someone) is refused, and what was typed kept.
    const bad = await act('sam', VERBS.recordDuty, {
      reference,
      duty: 'nationalPanelNotification',
      notification: 'Rang Morgan, 07700 900123!',
    });
    expect(errorUnder(bad.value, 'notification')).toMatch(/letters, digits, spaces/);
    expect((await panel.store.getCase(reference))?.duties).toBeUndefined();
    const form = await act('sam', VERBS.chooseDuty, { reference });
    expect(actions(form.value).map((a) => a.verb)).toEqual([VERBS.recordDuty, VERBS.hideCaseDetails]);
    const [done, again] = await Promise.all([
      act('sam', VERBS.recordDuty, { reference, duty: 'nationalPanelNotification', notification: 'NP-2026-481' }),
      act('sam', VERBS.recordDuty, { reference, duty: 'nationalPanelNotification', notification: 'NP-2026-481' }),
    ]);
    await panel.idle();
    for (const answer of [done, again])
      expect(texts(answer.value).join('\n')).toMatch(/National Panel notification due: Tue 8 Dec 2026, done Thu 10 Dec 2026/);
    expect((await panel.store.listAudit(reference)).filter((e) => e.action === 'duty.recorded')).toHaveLength(1);
    expect((await panel.store.getCase(reference))?.duties?.nationalPanelNotification).toMatchObject({
      on: '2026-12-10',
      reference: 'NP-2026-481',
    });
    expect(await shownOnCard()).toMatch(/done Thu 10 Dec 2026/);
    expect(await dutiesSaidOn('2026-12-11')).toEqual([]);
  });

  it('a hold never moves a statutory date, and the card shows it overdue while held', async () => {
    panel.clock = new Date('2026-12-14T11:00:00Z');
    await act('sam', VERBS.confirmHold, { reference, reason: 'Police investigation under way', until: '' });
    // Held, its statutory reminders go on: before and on the rapid review's day, and overdue.
    expect(await dutiesSaidOn('2026-12-17')).toEqual([
      expect.stringMatching(/rapid review sent to the national panel \(a statutory duty\) is due Tue 22 Dec 2026/),
    ]);
    expect(await dutiesSaidOn('2026-12-23')).toEqual([expect.stringMatching(/is 1 working day overdue/)]);
    panel.clock = new Date('2027-01-05T11:00:00Z');
    await act('sam', VERBS.releaseHold, { reference });
    await panel.idle();
    expect((await panel.store.getCase(reference))?.clocks).toMatchObject({
      nationalPanelNotificationDue: '2026-12-08',
      rapidReviewDue: '2026-12-22',
    });
    expect(await shownOnCard()).toMatch(/Rapid review due: Tue 22 Dec 2026, overdue: not recorded as done/);
    // Its reminders went on while the case was held.
    const reminded = (await panel.store.listAudit(reference)).filter(
      (e) => e.action === 'reminder.sent' && e.detail?.startsWith('duty=rapidReviewResponse'),
    );
    expect(reminded.length).toBeGreaterThan(0);
  });
});
