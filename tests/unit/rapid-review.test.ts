import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../review/calendar.js';
import { anonymise, type CaseRecord } from '../../review/case.js';
import { addDays, localDate } from '../../review/local-date.js';
import { createDirectory, parsePartnership, type Person } from '../../review/partnership.js';
import {
  answerRefusal,
  coreAgencies,
  leadsOf,
  progressOf,
  proposedReturnsDue,
  reviewProgress,
  unreached,
  withDelegate,
  withDelivery,
  withPanelAfterRequests,
  withRapidReview,
  withReturn,
  withReturnsClosed,
} from '../../review/rapid-review.js';
import { caseRecord, DEFAULT_CLOCKS, TODAY } from './fixtures.js';

const DEMO_FILE = fileURLToPath(new URL('../../partnership/demo.yaml', import.meta.url));
const demo = parsePartnership(readFileSync(DEMO_FILE, 'utf8'), DEMO_FILE);
const directory = createDirectory(demo);
const calendar = createWorkingCalendar('ENG');
const d = localDate;

const ID = {
  alex: '33333333-3333-4333-8333-333333333333',
  lee: '77777777-7777-4777-8777-777777777777',
  taylor: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
  priya: '44444444-4444-4444-8444-444444444444',
  ravi: '88888888-8888-4888-8888-888888888888',
  chris: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
};
const caller = (aadObjectId: string) => ({ aadObjectId, displayName: '' });
const AT = '2026-12-01T10:00:00.000Z';

/** A case whose rapid review asks the police and the local authority, due Fri 11 Dec. */
function started(agencies = ['police', 'la']): CaseRecord {
  return withRapidReview(caseRecord(), { agencies, dueOn: d('2026-12-11'), by: 'sam', at: AT }, demo);
}
const returned = (record: CaseRecord, agencyId: string, itemId: string, involved = true) =>
  withReturn(record, agencyId, { itemId, by: ID.alex, at: AT, involved });

describe('the returns due date Panel proposes', () => {
  it('is the working day before the panel, or 5 working days before the National Panel rapid review if sooner', () => {
    // Panel Tue 29 Dec: Mon 28th (Boxing Day, substitute) and Fri 25th are holidays, so Thu 24 Dec.
    // Rapid review due Mon 14 Dec: 5 working days before is Mon 7 Dec, which is sooner.
    expect(proposedReturnsDue(caseRecord(), TODAY, calendar, DEFAULT_CLOCKS)).toBe('2026-12-07');
    const noNationalPanel = caseRecord({ clocks: { panelDate: d('2026-12-29') } });
    expect(proposedReturnsDue(noNationalPanel, TODAY, calendar, DEFAULT_CLOCKS)).toBe('2026-12-24');
  });

  it('with no panel date, is returnsWorkingDays from today', () => {
    // From Tue 1 Dec: 2, 3, 4, 7, 8, 9, 10, 11, 14, 15 Dec.
    expect(proposedReturnsDue(caseRecord({ clocks: {} }), TODAY, calendar, DEFAULT_CLOCKS)).toBe('2026-12-15');
  });

  it('is never sooner than returnsMinimumWorkingDays from today', () => {
    // A panel on Thu 3 Dec would make returns due Wed 2 Dec; 3 working days from Tue 1 Dec is Fri 4 Dec.
    expect(proposedReturnsDue(caseRecord({ clocks: { panelDate: d('2026-12-03') } }), TODAY, calendar, DEFAULT_CLOCKS)).toBe('2026-12-04');
  });

  it('skips Christmas Day and the Boxing Day substitute', () => {
    // Fri 25 Dec 2026 is Christmas Day; Boxing Day is a Saturday, so Mon 28 Dec is its substitute.
    expect([d('2026-12-25'), d('2026-12-28')].map((day) => calendar.isWorkingDay(day))).toEqual([false, false]);
    const panelOn = (panelDate: string) =>
      proposedReturnsDue(caseRecord({ clocks: { panelDate: d(panelDate) } }), TODAY, calendar, DEFAULT_CLOCKS);
    // Panel on Mon 28 Dec (a holiday itself): the working day before is Thu 24th.
    expect(panelOn('2026-12-28')).toBe('2026-12-24');
    // Panel Mon 4 Jan 2027: Fri 1 Jan is New Year's Day, so Thu 31 Dec.
    expect(panelOn('2027-01-04')).toBe('2026-12-31');
    // Panel Wed 30 Dec: Tue 29th is a working day.
    expect(panelOn('2026-12-30')).toBe('2026-12-29');
  });

  it("the panel's date stands when the National Panel's is later", () => {
    // Rapid review due Wed 13 Jan 2027: 5 working days before is Wed 6 Jan, later than Thu 24 Dec.
    const record = caseRecord({ clocks: { panelDate: d('2026-12-29'), rapidReviewDue: d('2027-01-13') } });
    expect(proposedReturnsDue(record, TODAY, calendar, DEFAULT_CLOCKS)).toBe('2026-12-24');
  });

  it('with only the National Panel date, is 5 working days before it', () => {
    // Rapid review due Mon 4 Jan 2027: Thu 31, Wed 30, Tue 29 Dec (Mon 28th and Fri 25th are holidays),
    // Thu 24, Wed 23 Dec.
    const record = caseRecord({ clocks: { rapidReviewDue: d('2027-01-04') } });
    expect(proposedReturnsDue(record, TODAY, calendar, DEFAULT_CLOCKS)).toBe('2026-12-23');
  });

  it("follows the partnership's settings", () => {
    const settings = { ...DEFAULT_CLOCKS, returnsWorkingDays: 15, returnsBeforePanelWorkingDays: 3, returnsMinimumWorkingDays: 5 };
    // No clocks, from Mon 21 Dec: 22, 23, 24, 29, 30, 31 Dec, 4, 5, 6, 7, 8, 11, 12, 13, 14 Jan.
    expect(proposedReturnsDue(caseRecord({ clocks: {} }), d('2026-12-21'), calendar, settings)).toBe('2027-01-14');
    // Panel Tue 5 Jan 2027, 3 working days before: Mon 4 Jan, Thu 31, Wed 30 Dec.
    const panel = caseRecord({ clocks: { panelDate: d('2027-01-05') } });
    expect(proposedReturnsDue(panel, d('2026-12-01'), calendar, settings)).toBe('2026-12-30');
    // From Tue 22 Dec the minimum of 5 working days (23, 24, 29, 30, 31 Dec) is later: Thu 31 Dec.
    expect(proposedReturnsDue(panel, d('2026-12-22'), calendar, settings)).toBe('2026-12-31');
  });

  it('is always a working day, and never sooner than the minimum', () => {
    const day = (from: string, span: number) => fc.integer({ min: 0, max: span }).map((n) => addDays(d(from), n));
    fc.assert(
      fc.property(
        day('2026-11-01', 120),
        fc.option(day('2026-11-01', 150), { nil: undefined }),
        fc.option(day('2026-11-01', 150), { nil: undefined }),
        (today, panelDate, rapidReviewDue) => {
          const clocks = { ...(panelDate && { panelDate }), ...(rapidReviewDue && { rapidReviewDue }) };
          const due = proposedReturnsDue(caseRecord({ clocks }), today, calendar, DEFAULT_CLOCKS);
          expect(calendar.isWorkingDay(due)).toBe(true);
          expect(due >= calendar.addWorkingDays(today, DEFAULT_CLOCKS.returnsMinimumWorkingDays)).toBe(true);
        },
      ),
    );
  });
});

describe('the panel a case is listed for once its requests go out', () => {
  const rules = { panel: demo.panel, settings: DEFAULT_CLOCKS, calendar };
  const atIntake = caseRecord({ clocks: { panelDate: d('2026-12-29') } });

  it('requests sent by the 15th keep the December panel (the 25th, a holiday: Tue 29 Dec)', () => {
    expect(withPanelAfterRequests(atIntake, d('2026-12-10'), rules).clocks.panelDate).toBe('2026-12-29');
  });

  it('requests sent after the 15th move the case to the following month’s panel', () => {
    expect(withPanelAfterRequests(atIntake, d('2026-12-16'), rules).clocks.panelDate).toBe('2027-01-25');
  });

  it('a listing is never moved earlier, and a case with none gets one', () => {
    const late = caseRecord({ clocks: { panelDate: d('2027-02-25') } });
    expect(withPanelAfterRequests(late, d('2026-12-16'), rules)).toBe(late);
    expect(withPanelAfterRequests(caseRecord({ clocks: {} }), d('2026-12-01'), rules).clocks.panelDate).toBe('2026-12-29');
  });
});

describe('starting a rapid review', () => {
  it('asks the core agencies unless told otherwise', () => {
    expect(coreAgencies(demo)).toEqual(['la', 'icb', 'police', 'mh']);
  });

  it("addresses each agency's leads, and an agency with none gets a request nobody is sent", () => {
    const review = started(['police', 'probation']).rapidReview!;
    expect(review.requests.map((r) => [r.agencyId, r.addressees.map((a) => a.aadObjectId)])).toEqual([
      ['police', [ID.alex]],
      ['probation', []],
    ]);
    expect(started().stage).toBe('rapidReview');
  });

  it('every lead of an agency is addressed, as a lead, from when the review began; a colleague is not', () => {
    const second: Person = { name: 'Jamie Cole', aadObjectId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', roles: ['lead'], agency: 'police' };
    const partnership = { people: [...demo.people, second] };
    expect(leadsOf(partnership, 'police')).toEqual([ID.alex, second.aadObjectId]);
    const record = withRapidReview(caseRecord(), { agencies: ['police'], dueOn: d('2026-12-11'), by: 'sam', at: AT }, partnership);
    expect(record.rapidReview).toEqual({
      startedAt: AT,
      startedBy: 'sam',
      dueOn: '2026-12-11',
      requests: [
        {
          agencyId: 'police',
          addressees: [
            { aadObjectId: ID.alex, as: 'lead', addedAt: AT },
            { aadObjectId: second.aadObjectId, as: 'lead', addedAt: AT },
          ],
          deliveries: {},
          returns: [],
        },
      ],
    });
  });

  it('asks the agencies in the order chosen, each once', () => {
    const review = started(['mh', 'la', 'icb', 'education']).rapidReview!;
    expect(review.requests.map((r) => [r.agencyId, r.addressees.map((a) => a.aadObjectId)])).toEqual([
      ['mh', ['99999999-9999-4999-8999-999999999999']],
      ['la', [ID.lee]],
      ['icb', [ID.ravi]],
      ['education', [ID.chris]],
    ]);
  });
});

describe('recording returns', () => {
  it('sets the current return and keeps every version', () => {
    const once = returned(started(), 'police', 'return:police:1');
    const amended = returned(once, 'police', 'return:police:2');
    const police = amended.rapidReview!.requests[0]!;
    expect(police.current?.itemId).toBe('return:police:2');
    expect(police.returns).toEqual(['return:police:1', 'return:police:2']);
  });

  it('the same return again changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 12 }), (ids) => {
        const record = ids.reduce((r, id) => returned(r, 'police', `return:police:${id}`), started());
        expect(record.rapidReview!.requests[0]!.returns).toEqual([...new Set(ids)].map((id) => `return:police:${id}`));
      }),
    );
  });

  it('closes returns by itself when every agency has returned', () => {
    const one = returned(started(), 'police', 'p');
    expect(one.rapidReview!.closed).toBeUndefined();
    const both = returned(one, 'la', 'l', false);
    expect(both.rapidReview!.closed).toEqual({ at: AT, by: 'panel', reason: 'allReturned' });
    expect(both.stage).toBe('collated');
  });

  it('a redelivered return is the same record, even after an amendment', () => {
    const once = returned(started(), 'police', 'return:police:1');
    expect(returned(once, 'police', 'return:police:1')).toBe(once);
    const amended = returned(once, 'police', 'return:police:2');
    // The first return delivered again does not take the amendment's place.
    const redelivered = returned(amended, 'police', 'return:police:1');
    expect(redelivered).toBe(amended);
    expect(redelivered.rapidReview!.requests[0]!.current?.itemId).toBe('return:police:2');
  });

  it('records a nil return as the current one, not involved', () => {
    const nil = returned(started(), 'la', 'return:la:1', false).rapidReview!.requests[1]!;
    expect(nil.current).toEqual({ itemId: 'return:la:1', by: ID.alex, at: AT, involved: false });
    expect(nil.returns).toEqual(['return:la:1']);
  });

  it('an amendment after every agency has returned keeps the first close', () => {
    const both = returned(returned(started(), 'police', 'p1'), 'la', 'l1');
    const later = withReturn(both, 'police', { itemId: 'p2', by: ID.alex, at: '2026-12-05T09:00:00.000Z', involved: false });
    expect(later.rapidReview!.closed).toEqual(both.rapidReview!.closed);
    expect(later.stage).toBe('collated');
    expect(later.rapidReview!.requests[0]!.current?.itemId).toBe('p2');
  });

  it('does not close when the business unit has already closed', () => {
    const closed = withReturnsClosed(started(), 'sam', AT);
    const both = returned(returned(closed, 'police', 'p'), 'la', 'l');
    expect(both.rapidReview!.closed).toEqual({ at: AT, by: 'sam', reason: 'closedByBusinessUnit' });
  });

  it('closes exactly when every requested agency has a current return, and each return is kept once', () => {
    const agencies = ['police', 'la', 'icb'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...agencies), fc.constantFrom('1', '2')), { maxLength: 10 }), (steps) => {
        const record = steps.reduce((r, [agencyId, n]) => returned(r, agencyId, `return:${agencyId}:${n}`), started(agencies));
        const review = record.rapidReview!;
        const returnedAgencies = new Set(steps.map(([agencyId]) => agencyId));
        expect(review.closed !== undefined).toBe(returnedAgencies.size === agencies.length);
        expect(record.stage).toBe(returnedAgencies.size === agencies.length ? 'collated' : 'rapidReview');
        for (const r of review.requests) {
          const ids = steps.filter(([a]) => a === r.agencyId).map(([a, n]) => `return:${a}:${n}`);
          expect(r.returns).toEqual([...new Set(ids)]);
          expect(r.current?.itemId).toBe(r.returns.at(-1));
        }
      }),
    );
  });

  it('the business unit closes returns once; a second close keeps the first', () => {
    const closed = withReturnsClosed(started(), 'sam', AT);
    expect(closed.rapidReview!.closed).toEqual({ at: AT, by: 'sam', reason: 'closedByBusinessUnit' });
    expect(withReturnsClosed(closed, 'kim', '2026-12-02T09:00:00.000Z')).toBe(closed);
  });

  it('a colleague is added once, however often the request is handed to them', () => {
    const twice = [1, 2].reduce((r) => withDelegate(r, 'police', { to: ID.taylor, by: ID.alex, at: AT }), started());
    expect(twice.rapidReview!.requests[0]!.addressees.map((a) => [a.aadObjectId, a.as])).toEqual([
      [ID.alex, 'lead'],
      [ID.taylor, 'delegate'],
    ]);
  });

  it('a delegate is recorded with the lead who handed it over; the id is compared without case', () => {
    const once = withDelegate(started(), 'police', { to: ID.taylor, by: ID.alex, at: AT });
    expect(once.rapidReview!.requests[0]!.addressees[1]).toEqual({
      aadObjectId: ID.taylor,
      as: 'delegate',
      delegatedBy: ID.alex,
      addedAt: AT,
    });
    expect(withDelegate(once, 'police', { to: ID.taylor.toUpperCase(), by: ID.alex, at: AT })).toEqual(once);
    // Handing it to a lead already addressed adds nothing either.
    expect(withDelegate(started(), 'police', { to: ID.alex.toUpperCase(), by: ID.alex, at: AT })).toEqual(started());
  });

  it('closing returns marks the case collated', () => {
    expect(withReturnsClosed(started(), 'sam', AT).stage).toBe('collated');
  });
});

describe('who may answer for an agency', () => {
  const refusal = (record: CaseRecord, agencyId: string, who: string, today = TODAY) =>
    answerRefusal(record, agencyId, caller(who), directory, today);

  it("the agency's lead, and the colleague they handed it to", () => {
    expect(refusal(started(), 'police', ID.alex)).toBeUndefined();
    expect(refusal(withDelegate(started(), 'police', { to: ID.taylor, by: ID.alex, at: AT }), 'police', ID.taylor)).toBeUndefined();
  });

  it("not a colleague it was not handed to, another agency's lead, or a panel member", () => {
    expect(refusal(started(), 'police', ID.taylor)).toBe('notEntitled');
    expect(refusal(started(), 'police', ID.lee)).toBe('notEntitled');
    expect(refusal(started(), 'police', ID.priya)).toBe('notEntitled');
  });

  it('nobody, for an agency that was not asked', () => {
    expect(refusal(started(['la']), 'police', ID.alex)).toBe('notRequested');
  });

  it('nobody, once returns are closed', () => {
    expect(refusal(withReturnsClosed(started(), 'sam', AT), 'police', ID.alex)).toBe('closed');
  });

  it('reads the caller by their id, whatever its case', () => {
    expect(refusal(started(), 'police', ID.alex.toUpperCase())).toBeUndefined();
    const handed = withDelegate(started(), 'police', { to: ID.taylor, by: ID.alex, at: AT });
    expect(refusal(handed, 'police', ID.taylor.toUpperCase())).toBeUndefined();
  });

  it('a delegate answers only for the agency handed to them, and not once returns close', () => {
    const handed = withDelegate(started(), 'police', { to: ID.taylor, by: ID.alex, at: AT });
    expect(refusal(handed, 'la', ID.taylor)).toBe('notEntitled');
    expect(refusal(withReturnsClosed(handed, 'sam', AT), 'police', ID.taylor)).toBe('closed');
  });

  it('nobody unknown to the partnership', () => {
    expect(refusal(started(), 'police', '12345678-1234-4234-8234-123456789012')).toBe('notEntitled');
  });

  it('once every agency has returned, a return may still be amended until the business unit closes returns', () => {
    const both = returned(returned(started(), 'police', 'p'), 'la', 'l');
    expect(both.rapidReview?.closed?.reason).toBe('allReturned');
    expect(refusal(both, 'police', ID.alex)).toBeUndefined();
    const closed = withReturnsClosed(both, 'sam', AT);
    expect(closed.rapidReview?.closed).toMatchObject({ by: 'sam', reason: 'closedByBusinessUnit' });
    expect(refusal(closed, 'police', ID.alex)).toBe('closed');
  });

  it('someone who has left the agency loses the request they were sent', () => {
    const moved = createDirectory({ ...demo, people: demo.people.map((p) => (p.aadObjectId === ID.alex ? { ...p, agency: 'la' } : p)) });
    expect(answerRefusal(started(), 'police', caller(ID.alex), moved, TODAY)).toBe('notEntitled');
  });

  it('a delegate may amend until the due date, not after', () => {
    // Due Fri 11 Dec: amending that day is allowed; Mon 14th is past due.
    const handed = returned(withDelegate(started(), 'police', { to: ID.taylor, by: ID.alex, at: AT }), 'police', 'p');
    expect(refusal(handed, 'police', ID.taylor, d('2026-12-11'))).toBeUndefined();
    expect(refusal(handed, 'police', ID.taylor, d('2026-12-14'))).toBe('pastDue');
  });

  it('a late first return is taken; an amendment after the due date is not', () => {
    const late = d('2026-12-14');
    expect(refusal(started(), 'police', ID.alex, late)).toBeUndefined();
    expect(refusal(returned(started(), 'police', 'p'), 'police', ID.alex, late)).toBe('pastDue');
    expect(refusal(returned(started(), 'police', 'p'), 'police', ID.alex, d('2026-12-11'))).toBeUndefined();
  });
});

describe('progress', () => {
  const sent = { status: 'sent', at: AT, attempt: 1 } as const;
  const gone = { status: 'unreachable', reason: '403', at: AT, attempt: 1 } as const;

  it('each agency: returned, nil return, due, overdue after the due date, or not reached', () => {
    let record = started(['police', 'la', 'icb', 'mh', 'education']);
    record = returned(record, 'police', 'p');
    record = returned(record, 'la', 'l', false);
    record = withDelivery(record, 'icb', '88888888-8888-4888-8888-888888888888', sent);
    record = withDelivery(record, 'education', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', gone);
    const states = (today: string) => progressOf(reviewProgress(record.rapidReview!), d(today)).map((p) => [p.agencyId, p.state]);
    expect(states('2026-12-11')).toEqual([
      ['police', 'returned'],
      ['la', 'nilReturn'],
      ['icb', 'due'],
      ['mh', 'due'],
      ['education', 'notReached'],
    ]);
    expect(states('2026-12-14').slice(2, 4)).toEqual([
      ['icb', 'overdue'],
      ['mh', 'overdue'],
    ]);
  });

  it('not reached only while nobody at the agency has been reached', () => {
    const other = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
    const gonePolice = withDelivery(started(['police']), 'police', ID.alex, gone);
    const state = (record: CaseRecord, today = '2026-12-11') => progressOf(reviewProgress(record.rapidReview!), d(today))[0]!.state;
    expect(state(gonePolice)).toBe('notReached');
    // Still not reached after the due date: nobody has been told it is overdue.
    expect(state(gonePolice, '2026-12-14')).toBe('notReached');
    // A second attempt gets through: the delivery is replaced.
    expect(state(withDelivery(gonePolice, 'police', ID.alex.toUpperCase(), { ...sent, attempt: 2 }))).toBe('due');
    // A delegate reached while the lead is not.
    const delegated = withDelegate(gonePolice, 'police', { to: other, by: ID.alex, at: AT });
    expect(state(withDelivery(delegated, 'police', other, sent))).toBe('due');
    // A return counts, however it came.
    expect(state(returned(gonePolice, 'police', 'p'))).toBe('returned');
    expect(state(returned(gonePolice, 'police', 'p', false))).toBe('nilReturn');
  });

  it('an amendment to a nil return shows the latest', () => {
    const amended = returned(returned(started(['police']), 'police', 'p1', false), 'police', 'p2', true);
    expect(progressOf(reviewProgress(amended.rapidReview!), d('2026-12-11'))[0]!.state).toBe('returned');
  });

  it('one line per request, in order, each with the due date; counts never exceed the requests', () => {
    const agencies = ['police', 'la', 'icb', 'mh', 'education'];
    const leadOf = (agencyId: string) => leadsOf(demo, agencyId)[0]!;
    const step = fc.oneof(
      fc.record({ kind: fc.constant('return' as const), agencyId: fc.constantFrom(...agencies), n: fc.nat(2), involved: fc.boolean() }),
      fc.record({ kind: fc.constant('delivery' as const), agencyId: fc.constantFrom(...agencies), ok: fc.boolean() }),
    );
    fc.assert(
      fc.property(
        fc.subarray(agencies, { minLength: 1 }),
        fc.array(step, { maxLength: 15 }),
        fc.integer({ min: 0, max: 20 }),
        (asked, steps, day) => {
          let record = started(asked);
          for (const s of steps) {
            if (!asked.includes(s.agencyId)) continue;
            record =
              s.kind === 'return'
                ? returned(record, s.agencyId, `return:${s.agencyId}:${s.n}`, s.involved)
                : withDelivery(record, s.agencyId, leadOf(s.agencyId), s.ok ? sent : gone);
          }
          const progress = progressOf(reviewProgress(record.rapidReview!), addDays(d('2026-12-01'), day));
          expect(progress.map((p) => p.agencyId)).toEqual(asked);
          expect(progress.every((p) => p.dueOn === '2026-12-11')).toBe(true);
          const count = (...states: string[]) => progress.filter((p) => states.includes(p.state)).length;
          const withReturns = record.rapidReview!.requests.filter((r) => r.current).length;
          expect(count('returned', 'nilReturn')).toBe(withReturns);
          expect(count('returned', 'nilReturn', 'due', 'overdue', 'notReached')).toBe(asked.length);
        },
      ),
    );
  });

  it('whom to try again: the unreached of agencies that have not returned, while returns are open', () => {
    let record = started(['police', 'education']);
    record = withDelivery(record, 'police', ID.alex, gone);
    record = withDelivery(record, 'education', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', gone);
    expect(unreached(record.rapidReview!).map((t) => t.agencyId)).toEqual(['police', 'education']);
    expect(unreached(returned(record, 'police', 'p').rapidReview!).map((t) => t.agencyId)).toEqual(['education']);
    expect(unreached(withReturnsClosed(record, 'sam', AT).rapidReview!)).toEqual([]);
  });

  it('the anonymous view of it says whom to try again exists, and names nobody: no Entra id of staff', () => {
    let record = started(['police', 'education']);
    record = withDelivery(record, 'police', ID.alex, gone);
    record = returned(record, 'education', 'e');
    const view = anonymise(record).rapidReview!;
    expect(view.requests.map((r) => [r.agencyId, r.undelivered, r.current?.involved])).toEqual([
      ['police', true, undefined],
      ['education', false, true],
    ]);
    const text = JSON.stringify(view);
    const ids = record.rapidReview!.requests.flatMap((r) => [
      ...r.addressees.map((a) => a.aadObjectId),
      ...(r.current ? [r.current.by] : []),
    ]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of [...ids, record.rapidReview!.startedBy]) expect(text).not.toContain(id);
  });
});

describe('an agency with no lead listed', () => {
  it('shows as such, not as due: nobody was asked', () => {
    const record = withRapidReview(caseRecord(), { agencies: ['probation'], dueOn: d('2026-12-11'), by: 'sam', at: AT }, demo);
    expect(progressOf(reviewProgress(record.rapidReview!), d('2026-12-14')).map((p) => p.state)).toEqual(['noLead']);
  });
});
