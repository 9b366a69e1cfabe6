import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { effectsOf } from '../../review/effects.js';
import { cardAction, channelMention, PANEL_CHANNEL, personalMessage, type PersonKey } from '../support/activities.js';
import { texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, validReferralForm } from '../support/referral-form.js';

/**
 * The notices a decision names (issue 16, part 1: "Ofsted / National Panel notices that a
 * decision names … are recorded on the decision today and never chased") are duties of
 * the business unit like the National Panel's: due some working days after the decision
 * (`clocks.decisionNoticeWorkingDays`, 5 by default: the guidance sets none), reminded,
 * shown on the case's card, and recorded as done.
 */
describe.each(STORES)("a decision's notices, on $name", ({ store }) => {
  const { panel, serviceUrl } = httpSuite({}, store);
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'panel' | 'channel' = 'channel') =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;
  let reference = '';

  it('a decision naming Ofsted makes telling Ofsted a duty, with its reminders', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }, 'personal');
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
    await act('sam', VERBS.listForPanel, { reference });
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await act('priya', VERBS.castVote, { reference, ballot: '1', choice: 'actionLearning' }, 'panel');
    await act('noor', VERBS.castVote, { reference, ballot: '1', choice: 'actionLearning' }, 'panel');
    await act('jo', VERBS.closeVote, { reference, ballot: '1', rationale: 'Learning from the rapid review.', notices: 'ofsted' }, 'panel');
    await panel.idle();

    const record = await panel.store.getCase(reference);
    // Tue 1 Dec 2026 and five working days: Tue 8 Dec.
    expect(record?.clocks.ofstedNoticeDue).toBe('2026-12-08');
    expect(record?.clocks.nationalPanelDecisionNoticeDue).toBeUndefined();
    expect(
      effectsOf(record!)
        .filter((e) => e.kind === 'dutyReminder' && e.payload?.duty === 'ofstedNotice')
        .map((e) => e.payload?.when),
    ).toEqual(['before', 'before', 'due', 'overdue']);
    const status = await act('sam', VERBS.viewCaseDetails, { reference });
    expect(texts(status).join('\n')).toMatch(/Decision to Ofsted due: Tue 8 Dec 2026/);
  });

  it('recorded as done, its reminders stop', async () => {
    await act('sam', VERBS.recordDuty, { reference, duty: 'ofstedNotice', notification: '' });
    const record = await panel.store.getCase(reference);
    expect(record?.duties?.ofstedNotice).toMatchObject({ on: '2026-12-01' });
    const pending = effectsOf(record!).filter(
      (e) => e.kind === 'dutyReminder' && e.payload?.duty === 'ofstedNotice' && e.status === 'pending',
    );
    expect(pending).toEqual([]);
  });
});
