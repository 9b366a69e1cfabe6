/**
 * What every card form's inputs are before their own rules: text. Adaptive Card inputs
 * arrive as strings; anything else (forged or malformed card data) is named beside its
 * field and read as empty, so every other check still runs and the card comes back
 * showing every problem at once, with what was typed kept.
 */
import { z } from 'zod';

/** One card input: trimmed text, or a problem. */
export const cardText = z.unknown().transform((v, ctx) => {
  if (typeof v === 'string') return v.trim();
  if (v !== undefined && v !== null) ctx.addIssue({ code: 'custom', message: 'Must be text' });
  return '';
});

/** A zod object of card inputs, each `cardText`. */
export const cardFormShape = <F extends string>(fields: readonly F[]) =>
  z.object(Object.fromEntries(fields.map((f) => [f, cardText])) as Record<F, typeof cardText>);

/** Reads a card's inputs: the form as text, and a problem beside each input that was not. */
export function readCardForm<F extends string>(
  fields: readonly F[],
  data: Record<string, unknown>,
): { form: Record<F, string>; errors: Partial<Record<F, string>> } {
  const parsed = cardFormShape(fields).safeParse(data);
  if (parsed.success) return { form: parsed.data as Record<F, string>, errors: {} };
  const errors: Partial<Record<F, string>> = {};
  for (const issue of parsed.error.issues) errors[issue.path[0] as F] ??= issue.message;
  const form = Object.fromEntries(fields.map((f) => [f, typeof data[f] === 'string' ? (data[f] as string).trim() : ''])) as Record<
    F,
    string
  >;
  return { form, errors };
}
