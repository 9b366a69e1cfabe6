import { describe, expect, it } from 'vitest';
import { readCardForm } from '../../review/card-form.js';

describe('reading a card form', () => {
  it('reads each input as trimmed text; a missing one is empty', () => {
    expect(readCardForm(['reason', 'until'], { reason: '  Awaiting the inquest ', extra: 1 })).toEqual({
      form: { reason: 'Awaiting the inquest', until: '' },
      errors: {},
    });
  });

  it('names an input that is not text beside its field, keeps the rest as typed', () => {
    expect(readCardForm(['agencies', 'dueOn'], { agencies: ['la', 'police'], dueOn: '2026-12-11' })).toEqual({
      form: { agencies: '', dueOn: '2026-12-11' },
      errors: { agencies: 'Must be text' },
    });
    expect(readCardForm(['rationale'], { rationale: { text: 'x' } }).errors).toEqual({ rationale: 'Must be text' });
  });
});
