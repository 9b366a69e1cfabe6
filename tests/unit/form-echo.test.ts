import { describe, expect, it } from 'vitest';
import { formCard, type FormView } from '../../cards/form.js';
import { errorUnder, inputOf, walk, type Json } from './fixtures.js';

type F = 'reason' | 'until' | 'agency' | 'note';

/** A form with a limited text, a date, a choice and a text of no limit of its own. */
const view = (values: Partial<Record<F, string>>, errors: Partial<Record<F, string>> = {}): FormView<F> => ({
  heading: 'Put REF-2026-0001 on hold',
  subtitle: 'Its clocks stop.',
  sections: [
    {
      key: 'hold',
      title: 'The hold',
      fields: [
        { id: 'reason', label: 'Why', type: 'multiline' },
        { id: 'until', label: 'Until', type: 'date' },
        {
          id: 'agency',
          label: 'Agency',
          type: 'choice',
          choices: [
            { title: 'Police', value: 'police' },
            { title: 'Education', value: 'education' },
          ],
        },
        { id: 'note', label: 'Note', type: 'text' },
      ],
    },
  ],
  values,
  errors,
  limits: { reason: 1000 },
  actions: [{ title: 'Put on hold', verb: 'case.confirmHold', data: { reference: 'REF-2026-0001' } }],
});

describe('a form sent back with what was typed', () => {
  it('shows an answer in full when it fits its input', () => {
    const card = formCard(view({ reason: 'r'.repeat(1000), until: '2026-12-08', agency: 'police,education', note: 'n'.repeat(1000) }));
    expect(inputOf(card, 'reason').value).toBe('r'.repeat(1000));
    expect(inputOf(card, 'agency').value).toBe('police,education');
    expect(errorUnder(card, 'reason')).toBeUndefined();
  });

  it('cuts a 100 KB answer to what its input takes, and says so beside it, after its own problem', () => {
    const huge = 'x'.repeat(100 * 1024);
    const card = formCard(
      view({ reason: huge, until: huge, agency: huge, note: huge }, { reason: 'Keep this to 1000 characters or fewer' }),
    );
    expect(JSON.stringify(card).length).toBeLessThan(10_000);
    expect(inputOf(card, 'reason').value).toBe('x'.repeat(1000));
    expect(errorUnder(card, 'reason')).toBe(
      'Keep this to 1000 characters or fewer This card shows only the first 1,000 of the 102,400 characters sent.',
    );
    // A date, a choice (every choice at once, at most) and a text of no limit of its own.
    expect(String(inputOf(card, 'until').value)).toHaveLength(20);
    expect(String(inputOf(card, 'agency').value)).toHaveLength('police,education,'.length);
    expect(String(inputOf(card, 'note').value)).toHaveLength(1000);
    for (const id of ['until', 'agency', 'note']) expect(errorUnder(card, id)).toMatch(/This card shows only the first/);
  });

  it('never cuts a character in half', () => {
    const card = formCard(view({ reason: `${'a'.repeat(999)}😀😀` }));
    expect(inputOf(card, 'reason').value).toBe('a'.repeat(999));
  });

  it("shows Panel's facts and what was typed without Teams reading them as markup or dates", () => {
    const card = formCard({
      ...view({}, { reason: 'See [the guide](https://evil.example)' }),
      facts: [{ title: 'Rationale', value: '[click](https://evil.example) {{DATE(2026-01-01T00:00:00Z, SHORT)}}' }],
      sections: [{ ...view({}).sections[0]!, intro: '[here][1]\n\n[1]: https://evil.example' }],
    });
    const markdown: string[] = [];
    walk(card, (o: Json) => {
      if (o.type === 'TextBlock') markdown.push(String(o.text));
      if (o.type === 'FactSet') for (const f of o.facts as Json[]) markdown.push(String(f.title), String(f.value));
    });
    expect(markdown.join('\n')).not.toMatch(/\][([:]|\{\{/);
    expect(markdown.map((t) => t.replaceAll('\u2060', ''))).toEqual(
      expect.arrayContaining([
        '[click](https://evil.example) {{DATE(2026-01-01T00:00:00Z, SHORT)}}',
        '[here][1]\n\n[1]: https://evil.example',
      ]),
    );
  });
});
