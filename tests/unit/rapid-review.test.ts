import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../review/calendar.js';
import type { CaseRecord } from '../../review/case.js';
import { localDate } from '../../review/local-date.js';
import { createDirectory, parsePartnership } from '../../review/partnership.js';
import {
  answerRefusal,
  coreAgencies,
  progressOf,
  proposedReturnsDue,
  unreached,
  withDelegate,
  withDelivery,
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
    expect(proposedReturnsDue(caseRecord({ clocks: { panelDate: d('2026-12-03') } }), TODAY, calendar, DEFAULT_CLOCKS)).toBe(
      '2026-12-04',
    );
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
    const states = (today: string) => progressOf(record.rapidReview!, d(today)).map((p) => [p.agencyId, p.state]);
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

  it('whom to try again: the unreached of agencies that have not returned, while returns are open', () => {
    let record = started(['police', 'education']);
    record = withDelivery(record, 'police', ID.alex, gone);
    record = withDelivery(record, 'education', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', gone);
    expect(unreached(record.rapidReview!).map((t) => t.agencyId)).toEqual(['police', 'education']);
    expect(unreached(returned(record, 'police', 'p').rapidReview!).map((t) => t.agencyId)).toEqual(['education']);
    expect(unreached(withReturnsClosed(record, 'sam', AT).rapidReview!)).toEqual([]);
  });
});
