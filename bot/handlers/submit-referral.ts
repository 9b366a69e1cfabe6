import type { TurnContext } from 'botbuilder';
import { acknowledgementCard } from '../../cards/case-cards.js';
import { referralKindCard } from '../../cards/referral-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { anonymise } from '../../review/case.js';
import { REVIEW_KINDS, typedForm } from '../../review/referral.js';
import { StoreBusyError } from '../../review/store.js';
import { submitReferral as submit } from '../../review/submit-referral.js';
import { callerOf, NO_IDENTITY, originOf } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { runAfterTurn } from '../after-turn.js';
import { referralEnvelope, STALE_CARD } from './card-data.js';
import { referralForm } from '../referral-form.js';

export const BUSY_NOTICE =
  'Panel is very busy just now and could not store your referral. Nothing was lost: press Submit referral again in a minute.';

/**
 * `referral.submit`: the form comes back with its problems, or the case is stored
 * (once per submission, however often Teams delivers it or the user clicks), the
 * business unit's channel hears of it, and the referrer gets the acknowledgement.
 */
export async function submitReferral(
  context: TurnContext,
  deps: PanelDeps,
  data: Record<string, unknown>,
): Promise<AdaptiveCardJson | string> {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const envelope = referralEnvelope.safeParse(data);
  if (!envelope.success) return STALE_CARD;
  const submissionId = envelope.data.submissionId;
  const kind = REVIEW_KINDS.find((k) => k === data.kind);
  if (!kind) return referralKindCard({ submissionId, error: 'Choose the kind of review' });

  let result: Awaited<ReturnType<typeof submit>>;
  try {
    result = await submit(deps.review, { caller, data, submissionId, origin: originOf(context) });
  } catch (err) {
    if (!(err instanceof StoreBusyError)) throw err;
    deps.log.warn({ verb: 'referral.submit', outcome: 'busy' }, 'store throttled the referral');
    // The same card, as typed: submitting again is safe, it is the same submission.
    return referralForm(deps, caller, { kind, submissionId, values: typedForm(data), notice: BUSY_NOTICE }, data);
  }
  if (result.status === 'invalid') {
    deps.log.info({ verb: 'referral.submit', outcome: 'invalid', fields: Object.keys(result.errors) }, 'referral needs changes');
    return referralForm(deps, caller, { kind, submissionId, values: result.form, errors: result.errors }, data);
  }
  const { record, created, version } = result;
  deps.log.info({ verb: 'referral.submit', reference: record.reference, created }, 'referral stored');
  // The referrer is answered now; the channel hears of it straight after (a delivery
  // again finds the post done, or under way).
  runAfterTurn(deps, record.reference, version);
  return acknowledgementCard(anonymise(record));
}
