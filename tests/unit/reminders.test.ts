import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../review/calendar.js';
import { localDate, type LocalDate } from '../../review/local-date.js';
import { parsePartnership, type ReminderPlan } from '../../review/partnership.js';
import { escalationDay, mayRemindAt, nextReminder, reminderDueToday, sendingInstant } from '../../review/reminders.js';

const calendar = createWorkingCalendar('ENG');
const d = localDate;
const LONDON = 'Europe/London';

/** The defaults, as a partnership file without a `reminders` section gets them. */
const PLAN: ReminderPlan = parsePartnership(
  'name: P\nnation: ENG\nagencies: [{ id: la, name: LA }]\npeople: []\npanel: { day: 25, cutoffDay: 15 }\n',
  'test',
).reminders;

/** Every day from `from` to `to`, as a sweep that runs daily would see them. */
function days(from: string, to: string): LocalDate[] {
  const out: LocalDate[] = [];
  for (let t = Date.parse(`${from}T12:00:00Z`); t <= Date.parse(`${to}T12:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10) as LocalDate);
  }
  return out;
}

/** Drives the plan day by day, as the sweep will: what goes out, and when. */
function sweep(dueOn: LocalDate, sentOn: LocalDate, on: LocalDate[], plan: ReminderPlan = PLAN) {
  let after = sentOn;
  const sent: { on: LocalDate; kind: string; n?: number; late: boolean }[] = [];
  for (const today of on) {
    if (!calendar.isWorkingDay(today)) continue;
    const due = reminderDueToday(dueOn, after, today, plan, calendar);
    if (!due) continue;
    sent.push({ on: today, kind: due.kind, n: due.workingDaysBefore ?? due.workingDaysOverdue, late: due.late });
    after = today;
  }
  return sent;
}

describe('the default reminder plan', () => {
  it('is 3 and 1 working days before, the morning it is due, then each working day overdue; escalation on the 2nd', () => {
    expect(PLAN).toEqual({
      beforeDueWorkingDays: [3, 1],
      onDueDay: true,
      overdueEveryWorkingDay: true,
      escalateAfterOverdueWorkingDays: 2,
      workingHours: { start: '09:00', end: '17:00' },
      sweepEveryMinutes: 15,
      reviewBeforeDueWorkingDays: [10],
    });
  });

  it('a partnership file names a bad time or hours the wrong way round', () => {
    const file = (hours: string) =>
      `name: P\nnation: ENG\nagencies: [{ id: la, name: LA }]\npeople: []\npanel: { day: 25, cutoffDay: 15 }\nreminders: { workingHours: ${hours} }\n`;
    expect(() => parsePartnership(file('{ start: "9am" }'), 'p.yaml')).toThrow(/reminders\.workingHours\.start: must be a time of day/);
    expect(() => parsePartnership(file('{ start: "17:00", end: "09:00" }'), 'p.yaml')).toThrow(/start must be before end/);
  });
});

describe('a three-week request over Christmas and New Year (England)', () => {
  // Sent Thu 17 Dec 2026, due Wed 6 Jan 2027. Bank holidays: Fri 25 Dec, Mon 28 Dec
  // (Boxing Day's substitute), Fri 1 Jan.
  const dueOn = d('2027-01-06');
  const sentOn = d('2026-12-17');

  it('sends each reminder on its working day, none at a weekend or on a bank holiday', () => {
    const sent = sweep(dueOn, sentOn, days('2026-12-17', '2027-01-12'));
    expect(sent).toEqual([
      // 3 working days before Wed 6 Jan: Tue 5, Mon 4, then Thu 31 Dec (Fri 1 Jan is a holiday).
      { on: '2026-12-31', kind: 'beforeDue', n: 3, late: false },
      { on: '2027-01-05', kind: 'beforeDue', n: 1, late: false },
      { on: '2027-01-06', kind: 'due', late: false },
      { on: '2027-01-07', kind: 'overdue', n: 1, late: false },
      { on: '2027-01-08', kind: 'overdue', n: 2, late: false },
      { on: '2027-01-11', kind: 'overdue', n: 3, late: false },
      { on: '2027-01-12', kind: 'overdue', n: 4, late: false },
    ]);
    for (const { on } of sent) expect(calendar.isWorkingDay(on), on).toBe(true);
  });

  it('escalates to the business unit on the second working day overdue', () => {
    expect(escalationDay(dueOn, PLAN, calendar)).toEqual({ kind: 'escalation', on: '2027-01-08', workingDaysOverdue: 2 });
  });

  it('after a long outage, the reminder Panel missed goes once, marked late, and the plan carries on', () => {
    // Down from 18 Dec to Mon 4 Jan: the 31 Dec reminder is sent on 4 Jan, once.
    const sent = sweep(dueOn, sentOn, [d('2026-12-17'), ...days('2027-01-04', '2027-01-07')]);
    expect(sent).toEqual([
      { on: '2027-01-04', kind: 'beforeDue', n: 3, late: true },
      { on: '2027-01-05', kind: 'beforeDue', n: 1, late: false },
      { on: '2027-01-06', kind: 'due', late: false },
      { on: '2027-01-07', kind: 'overdue', n: 1, late: false },
    ]);
  });

  it('on hold for five working days, every later reminder and the due date move by five working days', () => {
    const heldDue = calendar.addWorkingDays(dueOn, 5);
    expect(heldDue).toBe('2027-01-13');
    const before = sweep(dueOn, sentOn, days('2026-12-17', '2027-01-12'));
    const after = sweep(heldDue, sentOn, days('2026-12-17', '2027-01-19'));
    expect(after.map((r) => r.on)).toEqual(before.map((r) => calendar.addWorkingDays(r.on, 5)));
    expect(after.map((r) => r.kind)).toEqual(before.map((r) => r.kind));
  });

  it('a plan without overdue reminders stops at the due date', () => {
    const plan = { ...PLAN, overdueEveryWorkingDay: false };
    expect(sweep(dueOn, sentOn, days('2026-12-17', '2027-01-12'), plan).map((r) => r.kind)).toEqual(['beforeDue', 'beforeDue', 'due']);
    expect(nextReminder(dueOn, dueOn, plan, calendar)).toBeUndefined();
  });

  it('a reminder that would fall on or before the day the request went out is not sent', () => {
    // Sent Mon 4 Jan: the 3-days-before reminder (31 Dec) has passed already.
    expect(sweep(dueOn, d('2027-01-04'), days('2027-01-04', '2027-01-06')).map((r) => r.on)).toEqual(['2027-01-05', '2027-01-06']);
  });
});

describe('working hours', () => {
  const at = (iso: string) => mayRemindAt(new Date(iso), PLAN, LONDON, calendar);

  it('9 to 5, partnership time, on working days only', () => {
    expect(at('2027-01-04T08:59:00Z')).toBe(false);
    expect(at('2027-01-04T09:00:00Z')).toBe(true);
    expect(at('2027-01-04T16:59:00Z')).toBe(true);
    expect(at('2027-01-04T17:00:00Z')).toBe(false);
    expect(at('2027-01-01T10:00:00Z')).toBe(false); // New Year's Day
    expect(at('2027-01-09T10:00:00Z')).toBe(false); // a Saturday
  });

  it('in summer time too: 09:00 in London is 08:00 UTC', () => {
    expect(at('2027-06-14T07:59:00Z')).toBe(false);
    expect(at('2027-06-14T08:00:00Z')).toBe(true);
    expect(sendingInstant(d('2027-06-14'), PLAN, LONDON)).toBe('2027-06-14T08:00:00.000Z');
    expect(sendingInstant(d('2027-01-04'), PLAN, LONDON)).toBe('2027-01-04T09:00:00.000Z');
  });
});
