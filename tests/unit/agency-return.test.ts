import { describe, expect, it } from 'vitest';
import {
  draftProblems,
  returnAsForm,
  RETURN_LIMITS,
  validateReturn,
  type ReturnValidation,
} from '../../review/agency-return.js';
import { TODAY } from './fixtures.js';

const police = { agencyId: 'police', collatesHealth: false, today: TODAY };
const icb = { agencyId: 'icb', collatesHealth: true, today: TODAY };

const full = {
  involved: 'yes',
  involvedFrom: '2025-03-01',
  involvedTo: '2026-10-31',
  overview: 'Two call-outs to the home.',
  significantEvents: 'A DASH risk assessment in October.',
  goodPractice: '',
  concerns: 'Not shared with the school.',
  immediateAction: '',
  learning: '',
  criteriaView: 'met',
  criteriaReason: 'Agencies did not share what they knew.',
};

const errorsOf = (result: ReturnValidation) => (result.ok ? {} : result.errors);

describe('an agency return', () => {
  it('a nil return needs nothing else', () => {
    expect(validateReturn({ involved: 'no' }, police)).toEqual({ ok: true, value: { agencyId: 'police', involved: false, providers: [] } });
  });

  it('says whether the agency was involved, first of all', () => {
    expect(errorsOf(validateReturn({}, police))).toEqual({ involved: expect.stringMatching(/nil return is an answer/) });
  });

  it('when involved: when from, an overview, and a view on the criteria, with why', () => {
    expect(Object.keys(errorsOf(validateReturn({ involved: 'yes' }, police))).sort()).toEqual(['criteriaView', 'involvedFrom', 'overview']);
    expect(errorsOf(validateReturn({ ...full, criteriaReason: '' }, police))).toEqual({ criteriaReason: 'Say briefly why' });
  });

  it('refuses a future date, an end before the start, and an unknown view', () => {
    const errors = errorsOf(validateReturn({ ...full, involvedFrom: '2026-12-02', involvedTo: '2026-12-01', criteriaView: 'maybe' }, police));
    expect(errors).toMatchObject({
      involvedFrom: 'This date is in the future',
      criteriaView: 'Choose one of the options',
    });
    expect(errorsOf(validateReturn({ ...full, involvedTo: '2025-01-01' }, police))).toEqual({
      involvedTo: 'This is before the date involvement began',
    });
  });

  it('names an over-long answer with its limit, and anything not text', () => {
    const long = 'x'.repeat(RETURN_LIMITS.overview + 1);
    expect(errorsOf(validateReturn({ ...full, overview: long, concerns: 42 }, police))).toEqual({
      overview: `Keep this to ${RETURN_LIMITS.overview} characters or fewer (now ${long.length})`,
      concerns: 'Must be text',
    });
  });

  it('comes back as typed when it fails: nothing is lost', () => {
    const typed = { ...full, involvedFrom: 'not a date', overview: '  spaced  ' };
    const result = validateReturn(typed, police);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.form).toEqual(typed);
  });

  it("the ICB's carries other health providers, each named with what it returned", () => {
    const withProvider = { ...full, provider1Name: 'Riverside GP practice', provider1Summary: 'Two missed appointments.' };
    const result = validateReturn(withProvider, icb);
    expect(result.ok && result.value.providers).toEqual([{ name: 'Riverside GP practice', summary: 'Two missed appointments.' }]);
    expect(errorsOf(validateReturn({ ...full, provider2Summary: 'Seen once.' }, icb))).toEqual({ provider2Name: 'Name the provider' });
    expect(errorsOf(validateReturn({ ...full, provider3Name: 'Acute trust' }, icb))).toEqual({ provider3Summary: 'Say what this provider returned' });
  });

  it("any other agency's ignores them", () => {
    const result = validateReturn({ ...full, provider1Name: 'Riverside GP practice', provider1Summary: 'x' }, police);
    expect(result.ok && result.value.providers).toEqual([]);
  });

  it('a recorded return, shown again to amend, reads back as the same return', () => {
    const first = validateReturn({ ...full, provider1Name: 'GP', provider1Summary: 'Seen.' }, icb);
    if (!first.ok) throw new Error('the fixture is invalid');
    expect(validateReturn(returnAsForm(first.value), icb)).toEqual(first);
  });

  it('a draft is kept as typed; only what is too long to keep is named', () => {
    expect(draftProblems({ involved: 'yes', involvedFrom: '2025-3', overview: 'half a thought' })).toEqual({});
    expect(Object.keys(draftProblems({ learning: 'x'.repeat(RETURN_LIMITS.learning + 1) }))).toEqual(['learning']);
  });
});
