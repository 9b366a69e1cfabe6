import { referralFormCard } from '../cards/referral-cards.js';
import type { AdaptiveCardJson } from '../cards/render.js';
import { localDateOf } from '../review/local-date.js';
import { ROWS_SHOWN_KEY, rowsShown, type FieldErrors, type ReferralForm, type ReviewKind } from '../review/referral.js';
import type { Caller } from '../review/deps.js';
import type { PanelDeps } from './deps.js';

/**
 * The referral form for a kind, for this partnership, today, with the values given; for
 * a business-unit caller, with where it came from (they enter referrals for others).
 * `data` is what the card's button sent, if any: it says how many rows each list had.
 */
export function referralForm(
  deps: PanelDeps,
  caller: Caller,
  form: { kind: ReviewKind; submissionId: string; values: Partial<ReferralForm>; errors?: FieldErrors; notice?: string },
  data: Record<string, unknown> = {},
): AdaptiveCardJson {
  const { partnership, now, directory } = deps.review;
  return referralFormCard({
    ...form,
    onBehalf: directory.hasRole(caller.aadObjectId, 'businessUnit'),
    rows: {
      family: rowsShown('family', data[ROWS_SHOWN_KEY.family], form.values),
      professionals: rowsShown('professionals', data[ROWS_SHOWN_KEY.professionals], form.values),
    },
    agencies: partnership.agencies,
    today: localDateOf(now(), partnership.timezone),
  });
}
