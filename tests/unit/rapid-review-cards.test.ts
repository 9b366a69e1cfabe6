import { describe, expect, it } from 'vitest';
import { collationCard } from '../../cards/rapid-review-cards.js';
import { returnFormCard } from '../../cards/return-cards.js';
import { VERBS } from '../../cards/verbs.js';
import { REFLECTIVE_FIELDS, RETURN_FIELDS, RETURN_LIMITS, type ReturnDraft, type StoredReturn } from '../../review/agency-return.js';
import { anonymise } from '../../review/case.js';
import { caseRecord, executeActions, TODAY } from './fixtures.js';

/** Teams takes a bot message of about 100 KB in UTF-16 and advises keeping to 80 KB: 40,000 characters of card JSON. */
const TEAMS_LIMIT = 40_000;
const full = (n: number) => 'x'.repeat(n);

/** A return with every answer as long as it may be. */
const longest: StoredReturn = {
  agencyId: 'icb',
  involved: true,
  involvedFrom: TODAY,
  overview: full(RETURN_LIMITS.overview),
  significantEvents: full(RETURN_LIMITS.significantEvents),
  goodPractice: full(RETURN_LIMITS.goodPractice),
  concerns: full(RETURN_LIMITS.concerns),
  immediateAction: full(RETURN_LIMITS.immediateAction),
  learning: full(RETURN_LIMITS.learning),
  criteriaView: 'met',
  criteriaReason: full(RETURN_LIMITS.criteriaReason),
  providers: [1, 2, 3].map(() => ({ name: full(RETURN_LIMITS.provider1Name), summary: full(RETURN_LIMITS.provider1Summary) })),
  reflective: Object.fromEntries(REFLECTIVE_FIELDS.map((f) => [f, full(RETURN_LIMITS[f])])),
  submissionId: 's',
  by: 'lead',
  at: '2026-12-01T10:00:00.000Z',
};
const AGENCIES = Array.from({ length: 11 }, (_, i) => ({ id: `agency-${i}`, name: `Agency number ${i} with a long name` }));

describe('rapid review cards within Teams’ size limit', () => {
  it.each([false, true])("the ICB's return form, every answer at its limit (a reflective review case: %s)", (reflective) => {
    const values = Object.fromEntries(RETURN_FIELDS.map((f) => [f, full(RETURN_LIMITS[f])])) as ReturnDraft;
    const card = returnFormCard({
      reference: 'REF-2026-0007',
      descriptor: 'Young Person G',
      agencyId: 'icb',
      agencyName: 'Integrated Care Board',
      collatesHealth: true,
      reflective,
      values,
      submissionId: 's',
      today: TODAY,
    });
    expect(JSON.stringify(card).length).toBeLessThan(TEAMS_LIMIT);
  });

  it('the collation is a summary of eleven agencies, each return read on its own, even at its longest', () => {
    const returns = new Map(AGENCIES.map((a) => [a.id, { ...longest, agencyId: a.id }]));
    const view = { record: anonymise(caseRecord()), agencies: AGENCIES, returns, nameOf: () => 'A Lead', inChannel: true };
    const summary = collationCard(view);
    expect(JSON.stringify(summary).length).toBeLessThan(TEAMS_LIMIT);
    expect(JSON.stringify(summary)).not.toContain(full(100));
    expect(executeActions(summary).filter((a) => a.verb === VERBS.viewCollation)).toHaveLength(11);
    const one = collationCard({ ...view, agencyId: 'agency-3' });
    expect(JSON.stringify(one).length).toBeLessThan(TEAMS_LIMIT);
    expect(JSON.stringify(one)).toContain(longest.overview);
  });
});
