import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CRITERIA_VIEWS,
  draftProblems,
  nilReturn,
  PROVIDER_SLOTS,
  providerFields,
  RETURN_FIELDS,
  returnAsForm,
  RETURN_LIMITS,
  typedReturn,
  validateReturn,
  type ReturnValidation,
} from '../../review/agency-return.js';
import { addDays } from '../../review/local-date.js';
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
    const errors = errorsOf(
      validateReturn({ ...full, involvedFrom: '2026-12-02', involvedTo: '2026-12-01', criteriaView: 'maybe' }, police),
    );
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
    expect(errorsOf(validateReturn({ ...full, provider3Name: 'Acute trust' }, icb))).toEqual({
      provider3Summary: 'Say what this provider returned',
    });
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

  it('a nil return is the one-press nil return, and may still carry what the agency knows', () => {
    expect(validateReturn({ involved: 'no' }, icb)).toEqual({ ok: true, value: nilReturn('icb') });
    const result = validateReturn({ involved: 'no', overview: 'Known only as a name on a list.' }, police);
    expect(result).toEqual({ ok: true, value: { ...nilReturn('police'), overview: 'Known only as a name on a list.' } });
  });

  it('a nil return with a view on the criteria still says why', () => {
    expect(errorsOf(validateReturn({ involved: 'no', criteriaView: 'notMet' }, police))).toEqual({ criteriaReason: 'Say briefly why' });
  });

  it('accepts only "yes" or "no" for involvement', () => {
    for (const involved of ['', 'YES', 'y', 'maybe']) {
      expect(Object.keys(errorsOf(validateReturn({ ...full, involved }, police)))).toEqual(['involved']);
    }
    // Typed with spaces around it, it is read trimmed.
    expect(validateReturn({ involved: ' no ' }, police)).toEqual({ ok: true, value: nilReturn('police') });
  });

  it('takes today as a date, not tomorrow, for either end', () => {
    // Today is Tue 1 Dec 2026.
    expect(validateReturn({ ...full, involvedTo: '2026-12-01' }, police).ok).toBe(true);
    expect(errorsOf(validateReturn({ ...full, involvedTo: '2026-12-02' }, police))).toEqual({ involvedTo: 'This date is in the future' });
    expect(errorsOf(validateReturn({ ...full, involvedFrom: '2026-12-02', involvedTo: '' }, police))).toEqual({
      involvedFrom: 'This date is in the future',
    });
  });

  it('an end on the day it began is fine; an end without a start is kept', () => {
    expect(validateReturn({ ...full, involvedFrom: '2026-10-31', involvedTo: '2026-10-31' }, police).ok).toBe(true);
    const result = validateReturn({ involved: 'no', involvedTo: '2026-10-31' }, police);
    expect(result.ok && result.value.involvedTo).toBe('2026-10-31');
  });

  it('refuses a date that is not in the calendar, or not written YYYY-MM-DD', () => {
    for (const date of ['2026-02-30', '2025-13-01', '01/03/2025', '2025-3-1']) {
      expect(errorsOf(validateReturn({ ...full, involvedFrom: date }, police))).toEqual({ involvedFrom: 'Enter a real date' });
    }
  });

  it('a view needs a reason only once given; each view is taken', () => {
    for (const criteriaView of CRITERIA_VIEWS) {
      const result = validateReturn({ ...full, criteriaView }, police);
      expect(result.ok && result.value.criteriaView).toBe(criteriaView);
      expect(errorsOf(validateReturn({ ...full, criteriaView, criteriaReason: '   ' }, police))).toEqual({
        criteriaReason: 'Say briefly why',
      });
    }
  });

  it('names every over-long answer with its own limit, counted after trimming', () => {
    const over = (f: keyof typeof RETURN_LIMITS) => 'x'.repeat(RETURN_LIMITS[f] + 1);
    const errors = errorsOf(
      validateReturn(
        {
          ...full,
          significantEvents: over('significantEvents'),
          learning: over('learning'),
          provider1Name: over('provider1Name'),
          provider1Summary: 'Seen.',
        },
        icb,
      ),
    );
    expect(errors).toEqual({
      significantEvents: `Keep this to 3000 characters or fewer (now 3001)`,
      learning: `Keep this to 1500 characters or fewer (now 1501)`,
      provider1Name: `Keep this to 120 characters or fewer (now 121)`,
    });
    // Spaces around an answer at its limit do not count.
    const atLimit = `  ${'x'.repeat(RETURN_LIMITS.overview)}  `;
    const result = validateReturn({ ...full, overview: atLimit }, police);
    expect(result.ok && result.value.overview).toBe('x'.repeat(RETURN_LIMITS.overview));
  });

  it('anything not text is named, read as empty, and every other problem is still shown', () => {
    const errors = errorsOf(
      validateReturn({ involved: 'yes', involvedFrom: 20250301, overview: ['a'], criteriaView: { met: true } }, police),
    );
    expect(errors).toEqual({ involvedFrom: 'Must be text', overview: 'Must be text', criteriaView: 'Must be text' });
    expect(errorsOf(validateReturn({ involved: true }, police))).toEqual({ involved: 'Must be text' });
    // Missing and null inputs are simply empty.
    expect(validateReturn({ involved: 'no', overview: null, learning: undefined }, police)).toEqual({
      ok: true,
      value: nilReturn('police'),
    });
  });

  it('comes back as typed, text only, when it fails', () => {
    const typed = { ...full, involvedTo: '2030-01-01', overview: 42, learning: '  keep my spaces  ', unrelated: 'dropped' };
    const result = validateReturn(typed, police);
    expect(result.ok).toBe(false);
    const { overview: _notText, unrelated: _unknown, ...text } = typed;
    if (!result.ok) expect(result.form).toEqual(text);
    expect(typedReturn(typed)).toEqual(text);
  });

  it("the ICB's providers: a name without a summary, or a summary without a name, is refused; blanks are skipped", () => {
    expect(errorsOf(validateReturn({ ...full, provider1Name: '   ', provider1Summary: 'Seen.' }, icb))).toEqual({
      provider1Name: 'Name the provider',
    });
    const result = validateReturn(
      { ...full, provider2Name: 'Acute trust', provider2Summary: 'A&E twice.', provider3Name: 'GP', provider3Summary: 'Seen once.' },
      icb,
    );
    expect(result.ok && result.value.providers).toEqual([
      { name: 'Acute trust', summary: 'A&E twice.' },
      { name: 'GP', summary: 'Seen once.' },
    ]);
  });

  it("any other agency's ignores them, however they are filled in", () => {
    // The police card has no provider inputs: nothing there can refuse the return.
    const stray = { ...full, provider1Name: 'x'.repeat(RETURN_LIMITS.provider1Name + 1), provider1Summary: 'y', provider2Summary: 7 };
    const result = validateReturn(stray, police);
    expect(errorsOf(result)).toEqual({});
    expect(result.ok && result.value.providers).toEqual([]);
  });

  it('any valid return, shown again to amend, reads back as the same return', () => {
    const text = fc.string({ maxLength: 40 }).map((t) => t.trim());
    const someText = text.filter((t) => t !== '');
    const daysAgo = fc.integer({ min: 0, max: 2000 }).map((n) => addDays(TODAY, -n));
    const provider = fc.option(fc.record({ name: someText, summary: someText }), { nil: undefined });
    const form = fc
      .record({
        involved: fc.constantFrom('yes', 'no'),
        dates: fc.tuple(daysAgo, daysAgo).map(([a, b]) => (a < b ? [a, b] : [b, a])),
        hasTo: fc.boolean(),
        overview: someText,
        significantEvents: text,
        goodPractice: text,
        concerns: text,
        immediateAction: text,
        learning: text,
        criteriaView: fc.constantFrom(...CRITERIA_VIEWS),
        criteriaReason: someText,
        providers: fc.tuple(provider, provider, provider),
        collatesHealth: fc.boolean(),
      })
      .map(({ dates, hasTo, providers, collatesHealth, ...rest }) => {
        const data: Record<string, string> = { ...rest, involvedFrom: dates[0]!, involvedTo: hasTo ? dates[1]! : '' };
        PROVIDER_SLOTS.forEach((i) => {
          const p = providers[i - 1];
          const [name, summary] = providerFields(i);
          if (p) Object.assign(data, { [name]: p.name, [summary]: p.summary });
        });
        return { data, ctx: { agencyId: collatesHealth ? 'icb' : 'police', collatesHealth, today: TODAY } };
      });
    fc.assert(
      fc.property(form, ({ data, ctx }) => {
        const first = validateReturn(data, ctx);
        expect(first.ok).toBe(true);
        if (first.ok) expect(validateReturn(returnAsForm(first.value), ctx)).toEqual(first);
      }),
    );
  });

  it('a nil return, shown again, is a nil return', () => {
    expect(validateReturn(returnAsForm(nilReturn('la')), { agencyId: 'la', collatesHealth: false, today: TODAY })).toEqual({
      ok: true,
      value: nilReturn('la'),
    });
  });

  it('a draft names every over-long field with its limit, and nothing at its limit', () => {
    const atLimit = Object.fromEntries(RETURN_FIELDS.map((f) => [f, 'x'.repeat(RETURN_LIMITS[f])]));
    expect(draftProblems(atLimit)).toEqual({});
    const over = Object.fromEntries(RETURN_FIELDS.map((f) => [f, 'x'.repeat(RETURN_LIMITS[f] + 1)]));
    const problems = draftProblems(over);
    expect(Object.keys(problems)).toEqual([...RETURN_FIELDS]);
    expect(problems.involvedFrom).toBe('Keep this to 10 characters or fewer (now 11)');
    expect(problems.provider3Summary).toBe('Keep this to 1500 characters or fewer (now 1501)');
    // Half-typed dates, unknown views and missing answers are a draft's business.
    expect(draftProblems({ involved: 'ye', involvedFrom: '2026-13-45', criteriaView: 'meh' })).toEqual({});
  });
});
