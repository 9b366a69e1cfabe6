import type { TurnContext } from 'botbuilder';
import { referralKindCard } from '../../cards/referral-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { REVIEW_KINDS } from '../../review/referral.js';
import { callerOf, NO_IDENTITY } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { referralForm } from '../referral-form.js';
import { referralEnvelope, STALE_CARD } from './card-data.js';

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
  return referralForm(deps, caller, {
    kind,
    submissionId: envelope.data.submissionId,
    values: { referrerName: caller.displayName },
  });
}
