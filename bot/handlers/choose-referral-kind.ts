import type { TurnContext } from 'botbuilder';
import { referralFormCard, referralKindCard } from '../../cards/referral-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { localDateOf } from '../../review/local-date.js';
import { REVIEW_KINDS, type FieldErrors, type ReferralForm, type ReviewKind } from '../../review/referral.js';
import { callerOf, NO_IDENTITY } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { referralEnvelope, STALE_CARD } from './card-data.js';

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

/** Referral step 1 → 2 (`referral.chooseKind`). */
export async function chooseReferralKind(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const envelope = referralEnvelope.safeParse(data);
  if (!envelope.success) return STALE_CARD;
  const kind = REVIEW_KINDS.find((k) => k === data.kind);
  if (!kind) {
    return referralKindCard({ submissionId: envelope.data.submissionId, error: 'Choose the kind of review' });
  }
  // The referrer's name comes prefilled from Teams.
  return referralForm(deps, {
    kind,
    submissionId: envelope.data.submissionId,
    values: { referrerName: caller.displayName },
  });
}
