import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { referralKindCard } from '../../cards/referral-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { REVIEW_KINDS, ROWS_SHOWN_KEY, rowsShown, typedForm, withoutRow } from '../../review/referral.js';
import { callerOf, NO_IDENTITY } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { referralForm } from '../referral-form.js';
import { referralEnvelope, STALE_CARD } from './card-data.js';

const rowChange = z.enum(['family:add', 'family:remove', 'professionals:add', 'professionals:remove']);

/**
 * `referral.rows`: the referral form again, with a family member's or a professional's
 * row added, or the last one removed, and everything else as typed. Nothing is stored.
 */
export async function changeReferralRows(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const envelope = referralEnvelope.safeParse(data);
  const change = rowChange.safeParse(data.rows);
  if (!envelope.success || !change.success) return STALE_CARD;
  const { submissionId } = envelope.data;
  const kind = REVIEW_KINDS.find((k) => k === data.kind);
  if (!kind) return referralKindCard({ submissionId, error: 'Choose the kind of review' });

  const [list, how] = change.data.split(':') as ['family' | 'professionals', 'add' | 'remove'];
  const typed = typedForm(data);
  const shown = rowsShown(list, data[ROWS_SHOWN_KEY[list]], typed);
  const values = how === 'remove' ? withoutRow(typed, list, shown) : typed;
  const rows = String(how === 'add' ? shown + 1 : shown - 1);
  return referralForm(deps, caller, { kind, submissionId, values }, { ...data, [ROWS_SHOWN_KEY[list]]: rows });
}
