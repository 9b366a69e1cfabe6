import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { typedForMarkdown, typedForTextRun } from '../../cards/shown-as-typed.js';

const WORD_JOINER = '\u2060';
const unjoined = (s: string) => s.replaceAll(WORD_JOINER, '');

describe('text shown as typed', () => {
  // Teams (like the adaptivecards library's TextFormatters) formats `{{DATE(` and `{{TIME(` only with the braces together.
  it("undoes Teams' date and time functions", () => {
    const typed = 'Seen {{DATE(2026-01-01T00:00:00Z, SHORT)}} at {{TIME(2026-01-01T09:30:00Z)}}';
    for (const shown of [typedForTextRun(typed), typedForMarkdown(typed)]) {
      expect(shown).not.toContain('{{');
      expect(unjoined(shown)).toBe(typed);
    }
  });

  it('keeps a markdown link, or a reference to one, from being a link', () => {
    const shown = typedForMarkdown('[click](https://evil.example) and [here][1]\n\n[1]: https://evil.example');
    expect(shown).not.toMatch(/\]\(|\]\[|\]:/);
    expect(unjoined(shown)).toBe('[click](https://evil.example) and [here][1]\n\n[1]: https://evil.example');
    // A TextRun is never markdown: its brackets are left alone.
    expect(typedForTextRun('[click](https://evil.example)')).toBe('[click](https://evil.example)');
  });

  it('leaves text with neither exactly as it was', () => {
    for (const typed of [
      '${name}',
      '${$root.x}',
      '<at>Sam</at>',
      '<script>alert(1)</script>',
      'مرحبا \u202Eשלום',
      'Sam\u200Bantha\uFEFF',
    ]) {
      expect(typedForMarkdown(typed)).toBe(typed);
    }
  });

  it('never changes a character, only adds word joiners, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (typed) => {
        const clean = typed.replaceAll(WORD_JOINER, '');
        for (const shown of [typedForTextRun(clean), typedForMarkdown(clean)]) {
          expect(unjoined(shown)).toBe(clean);
          expect(shown).not.toContain('{{');
        }
        expect(typedForMarkdown(clean)).not.toMatch(/\][^\u2060]|\]$/);
      }),
    );
  });
});
