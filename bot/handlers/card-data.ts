import { z } from 'zod';
import { parseReference } from '../../review/case.js';

/**
 * The envelopes card actions carry. They say which referral or case a button is
 * about; they never say who may do what.
 */
export const referralEnvelope = z.object({ submissionId: z.string().uuid() }).passthrough();

export const caseEnvelope = z.object({
  reference: z
    .string()
    .transform((s, ctx) => {
      const ref = parseReference(s);
      if (!ref) ctx.addIssue({ code: 'custom', message: 'not a case reference' });
      return ref ?? '';
    }),
});

export const STALE_CARD = 'This card is out of date. Type "refer" to start a new referral, or "help".';

/** The reference in a two-word command such as "status REF-2026-0007", if that is what was typed. */
export function commandReference(text: string | undefined): string | undefined {
  const words = (text ?? '').trim().split(/\s+/);
  return words.length === 2 ? parseReference(words[1] ?? '') : undefined;
}
