import { referralFormCard } from '../cards/referral-cards.js';
import type { AdaptiveCardJson } from '../cards/render.js';
import { localDateOf } from '../review/local-date.js';
import type { FieldErrors, ReferralForm, ReviewKind } from '../review/referral.js';
import type { PanelDeps } from './deps.js';

/** The referral form for a kind, for this partnership, today, with the values given. */
export function referralForm(
  deps: PanelDeps,
  form: { kind: ReviewKind; submissionId: string; values: Partial<ReferralForm>; errors?: FieldErrors; notice?: string },
): AdaptiveCardJson {
  const { partnership, now } = deps.review;
  return referralFormCard({
    ...form,
    agencies: partnership.agencies,
    today: localDateOf(now(), partnership.timezone),
  });
}
