import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../review/calendar.js';
import { withHold, withoutHold, type Hold } from '../../review/hold.js';
import { localDate } from '../../review/local-date.js';
import { caseRecord } from './fixtures.js';

const calendar = createWorkingCalendar('ENG');
const d = localDate;
const hold = (sinceOn: string): Hold => ({ since: `${sinceOn}T10:00:00.000Z`, sinceOn: d(sinceOn), reason: 'r', by: 'sam' });
const review = (dueOn: string, closed = false) => ({
  startedAt: '2026-12-01T10:00:00.000Z',
  startedBy: 'sam',
  dueOn: d(dueOn),
  requests: [],
  ...(closed && { closed: { at: '2026-12-02T10:00:00.000Z', by: 'sam', reason: 'closedByBusinessUnit' as const } }),
});

describe('a hold', () => {
  it('a case already on hold keeps its first hold', () => {
    const held = withHold(caseRecord(), hold('2026-12-07'));
    expect(withHold(held, hold('2026-12-08')).hold?.sinceOn).toBe('2026-12-07');
  });

  it('moves the deadlines still to come by the working days held, across Christmas, but never a statutory one', () => {
    // Held Mon 21 Dec to Tue 5 Jan: 22, 23, 24, 29, 30, 31 Dec, 4, 5 Jan are 8 working days.
    const record = withHold(
      caseRecord({
        clocks: { nationalPanelNotificationDue: d('2026-11-30'), rapidReviewDue: d('2026-12-23'), panelDate: d('2026-12-29') },
        rapidReview: review('2026-12-22'),
      }),
      hold('2026-12-21'),
    );
    const { record: released, heldWorkingDays } = withoutHold(record, d('2027-01-05'), calendar);
    expect(heldWorkingDays).toBe(8);
    expect(released.hold).toBeUndefined();
    expect(released.rapidReview?.dueOn).toBe(calendar.addWorkingDays(d('2026-12-22'), 8));
    expect(released.clocks).toEqual({
      // Statutory: the National Panel's dates never move, whatever the hold.
      nationalPanelNotificationDue: '2026-11-30',
      rapidReviewDue: '2026-12-23',
      panelDate: '2026-12-29', // the panel's date is the panel's: re-listing is the panel's business
    });
  });

  it('does not move a rapid review whose returns are closed, nor change a case not on hold', () => {
    const closed = withHold(caseRecord({ rapidReview: review('2026-12-11', true) }), hold('2026-12-07'));
    expect(withoutHold(closed, d('2026-12-14'), calendar).record.rapidReview?.dueOn).toBe('2026-12-11');
    const free = caseRecord();
    expect(withoutHold(free, d('2026-12-14'), calendar)).toEqual({ record: free, heldWorkingDays: 0 });
  });
});
