import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUSINESS_UNIT_ONLY } from '../../bot/handlers/rapid-review.js';
import { VERBS } from '../../cards/verbs.js';
import { effectsOf } from '../../review/effects.js';
import { cardAction, channelMention, personalMessage, type PersonKey } from '../support/activities.js';
import { actions, cardOf, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { validReferralForm } from '../support/referral-form.js';

/**
 * The business unit closes a case: confirmed first, once however often pressed, audited;
 * its reminders stop, its card shows it closed, its retention starts, and it leaves the
 * lists of work in hand.
 */
describe.each(STORES)('closing a case, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' = 'channel') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  let reference = '';

  it('only the business unit closes, after saying what closing means', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }, 'personal');
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' });
    await panel.idle();
    expect(effectsOf((await panel.store.getCase(reference))!).some((e) => e.kind === 'escalation' && e.status === 'pending')).toBe(true);

    expect((await act('dana', VERBS.closeCase, { reference })).value).toBe(BUSINESS_UNIT_ONLY);
    expect((await act('dana', VERBS.confirmClose, { reference })).value).toBe(BUSINESS_UNIT_ONLY);
    const confirm = await act('sam', VERBS.closeCase, { reference });
    expect(texts(confirm.value).join('\n')).toMatch(/deleted 7 years from today/);
    expect(actions(confirm.value).map((a) => a.verb)).toEqual([VERBS.confirmClose, VERBS.hideCaseDetails]);
    expect((await panel.store.getCase(reference))?.closedAt).toBeUndefined();
  });

  it('closed once, however often it is pressed; the card says so and offers nothing more to do', async () => {
    const [first, second] = await Promise.all([
      act('sam', VERBS.confirmClose, { reference }),
      act('sam', VERBS.confirmClose, { reference }),
    ]);
    await panel.idle();
    for (const answer of [first, second]) expect(texts(answer.value).join('\n')).toMatch(/\(closed\)/);
    expect(actions(first.value).map((a) => a.verb)).toEqual([VERBS.viewCaseDetails]);
    const record = await panel.store.getCase(reference);
    expect(record).toMatchObject({ stage: 'closed', closedAt: '2026-12-01T10:00:00.000Z', expiresAt: '2033-12-01T10:00:00.000Z' });
    expect((await panel.store.listAudit(reference)).filter((e) => e.action === 'case.closed')).toHaveLength(1);
    // Nothing more is chased.
    expect(effectsOf(record!).filter((e) => (e.kind === 'reminder' || e.kind === 'escalation') && e.status === 'pending')).toEqual([]);
    // Its card in the channel was put, showing it closed.
    const post = record?.effects?.['channel-post'];
    const puts = connector.matching('PUT', new RegExp(`/activities/${post?.activityId}$`));
    expect(texts(cardOf(puts.at(-1)!.body)).join('\n')).toMatch(/Stage[\s\S]*Closed/);
  });

  it('a closed case is no longer in hand: not in the open cases, nor in my tasks', async () => {
    expect((await panel.store.listOpenCases({ limit: 100 })).items.map((c) => c.reference)).not.toContain(reference);
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'alex', 'my tasks'));
    const reply = connector.calls.slice(before).find((c) => c.method === 'POST');
    expect(String(reply?.body.text)).not.toContain(reference);
  });
});
