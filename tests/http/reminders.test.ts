import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { sweepOutbox } from '../../scheduler/outbox.js';
import { cardAction, channelMention, personalMessage, REFERRALS_CHANNEL, type PersonKey } from '../support/activities.js';
import { texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { validReferralForm } from '../support/referral-form.js';

const fullReturn = {
  involved: 'yes',
  involvedFrom: '2025-03-01',
  overview: 'Known since March.',
  criteriaView: 'met',
  criteriaReason: 'Agencies did not share what they knew.',
};

/**
 * Reminders chase returns from the outbox: on working days, in working hours, one
 * digest per person, exactly once with two sweeps (two instances) at once, late once
 * after an outage, escalated to the business unit's channel, and never after the
 * return. The clock is moved by the test; nothing sleeps.
 */
describe.each(STORES)('reminders, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const references: string[] = [];

  /** Two sweeps at once, as two Panel instances on one store would run them, at `iso`. */
  async function sweepAt(iso: string): Promise<void> {
    panel.clock = new Date(iso);
    await Promise.all([sweepOutbox(panel.panel.deps), sweepOutbox(panel.panel.deps)]);
  }
  /** The reminders each person was sent during `run`. */
  async function remindersDuring(run: () => Promise<void>): Promise<Record<string, string[]>> {
    const before = connector.calls.length;
    await run();
    const sent: Record<string, string[]> = {};
    for (const call of connector.calls.slice(before)) {
      const who = /^\/v3\/conversations\/a:personal-(\w+)\/activities$/.exec(call.path)?.[1];
      if (who && String(call.body.text).startsWith('**Reminder from Panel**')) (sent[who] ??= []).push(String(call.body.text));
    }
    return sent;
  }
  const escalationsDuring = async (run: () => Promise<void>) => {
    const before = connector.calls.length;
    await run();
    return connector.calls
      .slice(before)
      .filter((c) => c.method === 'POST' && c.path.startsWith(`/v3/conversations/${REFERRALS_CHANNEL};messageid=`))
      .map((c) => String(c.body.text));
  };

  it('two cases ask the police and the local authority for returns due Fri 11 Dec', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    for (const who of ['alex', 'lee'] as PersonKey[]) await panel.send(personalMessage(serviceUrl(), who, 'help'));
    for (let i = 0; i < 2; i++) {
      const ack = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }));
      const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
      references.push(reference);
      await panel.invoke(cardAction(serviceUrl(), 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police,la', dueOn: '2026-12-11' }, 'channel'));
      await panel.idle();
    }
    // Nothing is due yet on Tue 1 Dec, nor the next Monday.
    expect(await remindersDuring(() => sweepAt('2026-12-07T10:00:00Z'))).toEqual({});
  });

  it('3 working days before (Tue 8 Dec), each lead gets one digest naming both cases, and only in working hours', async () => {
    expect(await remindersDuring(() => sweepAt('2026-12-08T08:55:00Z'))).toEqual({});
    const sent = await remindersDuring(() => sweepAt('2026-12-08T09:05:00Z'));
    expect(Object.keys(sent).sort()).toEqual(['alex', 'lee']);
    for (const messages of Object.values(sent)) {
      expect(messages).toHaveLength(1);
      for (const reference of references) expect(messages[0]).toContain(reference);
      expect(messages[0]).toMatch(/due Fri 11 Dec 2026/);
    }
    // A later sweep the same day sends nothing more.
    expect(await remindersDuring(() => sweepAt('2026-12-08T14:00:00Z'))).toEqual({});
  });

  it('once the local authority returns, its lead is not reminded again', async () => {
    panel.clock = new Date('2026-12-09T11:00:00Z');
    for (const reference of references) {
      await panel.invoke(cardAction(serviceUrl(), 'lee', VERBS.submitReturn, { reference, agencyId: 'la', submissionId: randomUUID(), ...fullReturn }));
    }
    await panel.idle();
    // Wed 9 Dec has no reminder; Panel is down on Thu 10 Dec (1 working day before).
    expect(await remindersDuring(() => sweepAt('2026-12-09T09:05:00Z'))).toEqual({});
  });

  it('after missing Thu 10 Dec, the missed reminder goes once on Fri 11 Dec, marked late', async () => {
    const sent = await remindersDuring(() => sweepAt('2026-12-11T09:05:00Z'));
    expect(Object.keys(sent)).toEqual(['alex']);
    expect(sent.alex).toHaveLength(1);
    expect(sent.alex![0]).toMatch(/due today \(sent late/);
  });

  it('nothing at the weekend; on Mon 14 Dec, 1 working day overdue', async () => {
    expect(await remindersDuring(() => sweepAt('2026-12-12T10:00:00Z'))).toEqual({});
    expect(await remindersDuring(() => sweepAt('2026-12-13T10:00:00Z'))).toEqual({});
    const sent = await remindersDuring(() => sweepAt('2026-12-14T09:05:00Z'));
    expect(sent.alex).toEqual([expect.stringMatching(/1 working day overdue \(due Fri 11 Dec 2026\)/)]);
  });

  it('on the 2nd working day overdue the business unit hears of it in the case thread, once per case', async () => {
    let sent: Record<string, string[]> = {};
    const escalations = await escalationsDuring(async () => {
      sent = await remindersDuring(() => sweepAt('2026-12-15T09:05:00Z'));
    });
    expect(sent.alex).toEqual([expect.stringMatching(/2 working days overdue/)]);
    expect(escalations.sort()).toEqual(references.map((r) => expect.stringMatching(new RegExp(`^${r}: Police's return is 2 working days overdue`))));
    const audit = await panel.store.listAudit(references[0]!);
    expect(audit.filter((e) => e.action === 'reminder.escalated')).toHaveLength(1);
  });

  it('once the police return, nothing more is sent', async () => {
    panel.clock = new Date('2026-12-15T12:00:00Z');
    for (const reference of references) {
      await panel.invoke(cardAction(serviceUrl(), 'alex', VERBS.submitReturn, { reference, agencyId: 'police', submissionId: randomUUID(), ...fullReturn }));
    }
    await panel.idle();
    expect(await remindersDuring(() => sweepAt('2026-12-16T09:05:00Z'))).toEqual({});
    expect(await remindersDuring(() => sweepAt('2026-12-17T09:05:00Z'))).toEqual({});
    const audit = await panel.store.listAudit(references[0]!);
    // 8 Dec to both; 11 Dec (late), 14 and 15 Dec to the police.
    const sent = audit.filter((e) => e.action === 'reminder.sent').map((e) => e.detail ?? '');
    expect(sent.filter((d) => d.startsWith('agency=la'))).toHaveLength(1);
    expect(sent.filter((d) => d.startsWith('agency=police'))).toHaveLength(4);
    expect(sent.filter((d) => d.endsWith('late=yes'))).toHaveLength(1);
  });
});
