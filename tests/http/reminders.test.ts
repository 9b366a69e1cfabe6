import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { previewReminders } from '../../review/preview-reminders.js';
import { cardAction, channelMention, PEOPLE, personalMessage, REFERRALS_CHANNEL, type PersonKey } from '../support/activities.js';
import { actions, errorUnder, input, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { panelCommand } from '../support/panel-command.js';
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
    await Promise.all([panel.panel.deps.effects.sweep(), panel.panel.deps.effects.sweep()]);
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
    return (
      connector.calls
        .slice(before)
        .filter((c) => c.method === 'POST' && c.path.startsWith(`/v3/conversations/${REFERRALS_CHANNEL};messageid=`))
        .map((c) => String(c.body.text))
        // The case's statutory duties are chased too (tests/http/duties.test.ts): not these reminders.
        .filter((text) => !text.includes('(a statutory duty)'))
    );
  };

  it('two cases ask the police and the local authority for returns due Fri 11 Dec', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    for (const who of ['alex', 'lee'] as PersonKey[]) await panel.send(personalMessage(serviceUrl(), who, 'help'));
    for (let i = 0; i < 2; i++) {
      const ack = await panel.invoke(
        cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }),
      );
      const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
      references.push(reference);
      await panel.invoke(
        cardAction(serviceUrl(), 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police,la', dueOn: '2026-12-11' }, 'channel'),
      );
      await panel.idle();
    }
    // Nothing is due yet on Tue 1 Dec, nor the next Monday.
    expect(await remindersDuring(() => sweepAt('2026-12-07T10:00:00Z'))).toEqual({});
  });

  it('the dry run shows what the sweep would send, by reference, and sends nothing', async () => {
    const deps = panel.panel.deps.review;
    const early = await previewReminders(deps, new Date('2026-12-08T08:00:00Z'));
    expect(early[0]).toMatch(/^At 2026-12-08 08:00 \(Europe\/London\): outside working hours/);
    const lines = await previewReminders(deps, new Date('2026-12-08T09:00:00Z'));
    for (const reference of references) {
      expect(lines).toContain(`${reference}  reminder  Police  to Alex Jones`);
      expect(lines).toContain(`${reference}  reminder  Local Authority  to Lee Morgan`);
    }
    expect(lines.join('\n')).not.toContain('Charlie');
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
      await panel.invoke(
        cardAction(serviceUrl(), 'lee', VERBS.submitReturn, { reference, agencyId: 'la', submissionId: randomUUID(), ...fullReturn }),
      );
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

  it('my tasks: the lead sees what they owe, the business unit what is overdue, a practitioner nothing', async () => {
    const reply = async (who: PersonKey) => {
      const before = connector.calls.length;
      await panel.send(personalMessage(serviceUrl(), who, 'my tasks'));
      return String(
        connector.calls.slice(before).find((c) => c.path.startsWith(`/v3/conversations/a:personal-${who}/activities`))?.body.text,
      );
    };
    const alex = await reply('alex');
    for (const reference of references)
      expect(alex).toMatch(new RegExp(`${reference} \\(Young Person \\w\\), Police: 1 working day overdue`));
    expect(await reply('lee')).toBe('You have nothing to do in Panel just now.');
    const sam = await reply('sam');
    expect(sam).toMatch(/\*\*Overdue returns\*\*/);
    for (const reference of references) expect(sam).toContain(`${reference}: Police (1 working day overdue`);
    expect(await reply('dana')).toBe('You have nothing to do in Panel just now.');
  });

  it('on the 2nd working day overdue the business unit hears of it in the case thread, once per case', async () => {
    let sent: Record<string, string[]> = {};
    const escalations = await escalationsDuring(async () => {
      sent = await remindersDuring(() => sweepAt('2026-12-15T09:05:00Z'));
    });
    expect(sent.alex).toEqual([expect.stringMatching(/2 working days overdue/)]);
    expect(escalations.sort()).toEqual(
      references.map((r) => expect.stringMatching(new RegExp(`^${r}: Police's return is 2 working days overdue`))),
    );
    const audit = await panel.store.listAudit(references[0]!);
    expect(audit.filter((e) => e.action === 'reminder.escalated')).toHaveLength(1);
  });

  it('once the police return, nothing more is sent', async () => {
    panel.clock = new Date('2026-12-15T12:00:00Z');
    for (const reference of references) {
      await panel.invoke(
        cardAction(serviceUrl(), 'alex', VERBS.submitReturn, { reference, agencyId: 'police', submissionId: randomUUID(), ...fullReturn }),
      );
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

describe('a case on hold', () => {
  const { connector, panel, serviceUrl } = httpSuite();
  let reference = '';

  const sweepAt = async (iso: string) => {
    panel.clock = new Date(iso);
    await panel.panel.deps.effects.sweep();
    await panel.idle();
  };
  const remindersToAlex = () =>
    connector.calls.filter(
      (c) => c.path === '/v3/conversations/a:personal-alex/activities' && String(c.body.text).startsWith('**Reminder'),
    );
  const hold = (who: PersonKey, data: Record<string, unknown>) =>
    panel.invoke(cardAction(serviceUrl(), who, VERBS.confirmHold, { reference, ...data }, 'channel'));

  it('only the business unit puts it on hold, with a reason; the channel sees the date, never the reason', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(personalMessage(serviceUrl(), 'alex', 'help'));
    const ack = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }),
    );
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await panel.invoke(
      cardAction(serviceUrl(), 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police,la', dueOn: '2026-12-11' }, 'channel'),
    );
    await panel.idle();

    panel.clock = new Date('2026-12-07T10:00:00Z');
    expect((await hold('priya', { reason: 'x', until: '' })).value).toMatch(/Only the business unit/);
    const invalid = (await hold('sam', { reason: '', until: '2026-12-12' })).value;
    expect(errorUnder(invalid, 'reason')).toMatch(/Say why/);
    expect(errorUnder(invalid, 'until')).toMatch(/not a working day/);
    expect(input(invalid, 'until').value).toBe('2026-12-12');

    const held = await hold('sam', { reason: 'Awaiting the outcome of the criminal investigation', until: '2026-12-14' });
    const shown = texts(held.value).join('\n');
    expect(shown).toMatch(/On hold: until Mon 14 Dec 2026/);
    expect(shown).not.toMatch(/criminal investigation/);
    expect(actions(held.value).map((a) => a.verb)).toContain(VERBS.releaseHold);
    const audit = await panel.store.listAudit(reference);
    expect(audit.find((e) => e.action === 'case.onHold')).toMatchObject({ actor: PEOPLE.sam.aadObjectId, detail: 'until=2026-12-14' });
  });

  it('no reminders while it is held', async () => {
    await sweepAt('2026-12-08T09:05:00Z');
    await sweepAt('2026-12-11T09:05:00Z');
    expect(remindersToAlex()).toHaveLength(0);
  });

  it('it comes off hold by itself on its date; 5 working days held move the due date and every reminder by 5', async () => {
    await sweepAt('2026-12-14T09:05:00Z');
    const record = (await panel.store.getCase(reference))!;
    expect(record.hold).toBeUndefined();
    expect(record.rapidReview?.dueOn).toBe('2026-12-18');
    const audit = await panel.store.listAudit(reference);
    expect(audit.find((e) => e.action === 'case.offHold')).toMatchObject({ actor: 'panel', detail: 'workingDays=5' });
    // 3 working days before Fri 18 Dec: Tue 15 Dec (it was Tue 8 Dec before the hold).
    await sweepAt('2026-12-14T15:00:00Z');
    expect(remindersToAlex()).toHaveLength(0);
    await sweepAt('2026-12-15T09:05:00Z');
    expect(remindersToAlex().map((c) => String(c.body.text))).toEqual([expect.stringMatching(/due Fri 18 Dec 2026/)]);
  });

  it('npm run panel -- reminders --dry-run --at … prints the reminders due then', async () => {
    // Run alongside the server (not blocking it), as an operator would.
    const run = await panelCommand(['reminders', '--dry-run', '--at', '2026-12-17T09:00'], {
      LOCAL_MODE: 'true',
      SQLITE_PATH: panel.dbPath,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toEqual([
      // 1 working day before Fri 18 Dec; oldest first, then by key.
      'At 2026-12-17 09:00 (Europe/London): within working hours.',
      `${reference}  reminder  Local Authority  to Lee Morgan`,
      `${reference}  reminder  Police  to Alex Jones`,
      '',
    ]);
    const bad = await panelCommand(['reminders'], {});
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/usage: npm run panel -- reminders --dry-run/);
  });

  it('held until further notice, the business unit takes it off hold', async () => {
    panel.clock = new Date('2026-12-15T11:00:00Z');
    await hold('sam', { reason: 'Family liaison in progress', until: '' });
    expect((await panel.store.getCase(reference))?.hold).toMatchObject({ sinceOn: '2026-12-15' });
    panel.clock = new Date('2026-12-17T11:00:00Z');
    expect((await panel.invoke(cardAction(serviceUrl(), 'alex', VERBS.releaseHold, { reference }, 'channel'))).value).toMatch(
      /Only the business unit/,
    );
    const released = await panel.invoke(cardAction(serviceUrl(), 'sam', VERBS.releaseHold, { reference }, 'channel'));
    expect(actions(released.value).map((a) => a.verb)).toContain(VERBS.holdCase);
    // Held Tue 15 to Thu 17 Dec: 2 working days, so due Fri 18 Dec becomes Tue 22 Dec.
    expect((await panel.store.getCase(reference))?.rapidReview?.dueOn).toBe('2026-12-22');
  });
});

describe('three weeks over Christmas and New Year, with an outage and a restart', () => {
  const { connector, panel, serviceUrl } = httpSuite();
  const references: string[] = [];
  const sent: { on: string; to: string; text: string }[] = [];
  const escalations: { on: string; text: string }[] = [];

  /** A sweep at 09:05 on a day (twice at once, as two instances would), noting what went out. */
  async function dayAt(
    on: string,
    run: () => Promise<unknown> = () => Promise.all([panel.panel.deps.effects.sweep(), panel.panel.deps.effects.sweep()]),
  ) {
    panel.clock = new Date(`${on}T09:05:00Z`);
    const before = connector.calls.length;
    await run();
    await panel.idle();
    for (const call of connector.calls.slice(before)) {
      const to = /^\/v3\/conversations\/a:personal-(\w+)\/activities$/.exec(call.path)?.[1];
      if (to && String(call.body.text).startsWith('**Reminder')) sent.push({ on, to, text: String(call.body.text) });
      // The case's statutory duties are chased too (tests/http/duties.test.ts): not these escalations.
      const said = String(call.body.text);
      if (
        call.path.startsWith(`/v3/conversations/${REFERRALS_CHANNEL};messageid=`) &&
        call.method === 'POST' &&
        !said.includes('(a statutory duty)')
      )
        escalations.push({ on, text: said });
    }
  }
  const days = (from: string, to: string) => {
    const out: string[] = [];
    for (let t = Date.parse(`${from}T12:00:00Z`); t <= Date.parse(`${to}T12:00:00Z`); t += 86_400_000)
      out.push(new Date(t).toISOString().slice(0, 10));
    return out;
  };

  it('requests go out on Thu 17 Dec, due Wed 6 Jan', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(personalMessage(serviceUrl(), 'alex', 'help'));
    panel.clock = new Date('2026-12-17T10:00:00Z');
    for (let i = 0; i < 2; i++) {
      const ack = await panel.invoke(
        cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }),
      );
      const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
      references.push(reference);
      await panel.invoke(
        cardAction(serviceUrl(), 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2027-01-06' }, 'channel'),
      );
      await panel.idle();
    }
    expect(references).toHaveLength(2);
  });

  it('each reminder on its working day, one digest for both cases, nothing at weekends or on bank holidays', async () => {
    for (const on of days('2026-12-17', '2027-01-04')) await dayAt(on);
    // 3 working days before Wed 6 Jan is Thu 31 Dec (Fri 1 Jan is a bank holiday).
    expect(sent.map((s) => [s.on, s.to])).toEqual([['2026-12-31', 'alex']]);
    for (const reference of references) expect(sent[0]!.text).toContain(reference);
  });

  it('Panel is down on Tue 5 Jan; restarted on Wed 6 Jan, the missed reminder goes once, marked late', async () => {
    panel.clock = new Date('2027-01-06T09:05:00Z');
    await dayAt('2027-01-06', async () => {
      await panel.restart();
      await panel.idle();
    });
    const today = sent.filter((s) => s.on === '2027-01-06');
    expect(today).toHaveLength(1);
    expect(today[0]!.text).toMatch(/due today \(sent late/);
  });

  it('overdue each working day; escalated on the second (Fri 8 Jan); nothing after the return', async () => {
    for (const on of days('2027-01-07', '2027-01-11')) await dayAt(on);
    panel.clock = new Date('2027-01-11T14:00:00Z');
    for (const reference of references) {
      await panel.invoke(
        cardAction(serviceUrl(), 'alex', VERBS.submitReturn, {
          reference,
          agencyId: 'police',
          submissionId: randomUUID(),
          involved: 'no',
        }),
      );
    }
    for (const on of days('2027-01-12', '2027-01-15')) await dayAt(on);
    expect(sent.map((s) => s.on)).toEqual(['2026-12-31', '2027-01-06', '2027-01-07', '2027-01-08', '2027-01-11']);
    expect(escalations.map((e) => e.on)).toEqual(['2027-01-08', '2027-01-08']);
    for (const e of escalations) expect(e.text).toMatch(/Police's return is 2 working days overdue \(due Wed 6 Jan 2027\)/);
  });
});
