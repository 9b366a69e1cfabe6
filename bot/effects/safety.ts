/**
 * A safety concern reaching people at once: a word in the case's thread (reference and
 * agency only), and the details one to one to each member of the business unit.
 */
import { CardFactory } from 'botbuilder';
import { safetyCard } from '../../cards/case-forms.js';
import type { StoredReturn } from '../../review/agency-return.js';
import { anonymise, type CaseRecord } from '../../review/case.js';
import type { SafetyConcern } from '../../review/safety.js';
import { localDateOf } from '../../review/local-date.js';
import { EffectFailure, type Performer } from '../../review/run-effects.js';
import { replyInCaseThread } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { sendToPerson } from '../personal-chats.js';

const agencyName = (deps: PanelDeps, id: string | undefined) => deps.review.partnership.agencies.find((a) => a.id === id)?.name ?? id ?? '';
const concernOf = (record: CaseRecord, id: string | undefined) => record.safety?.find((c) => c.id === id);

/** Who raised a concern, as the business unit reads it. */
export const reportedBy = (deps: PanelDeps, concern: SafetyConcern) =>
  concern.agencyId ? agencyName(deps, concern.agencyId) : 'The referrer';

/** What the concern said: the return's immediate action, or the referral's safety details. Personal: one to one only. */
export async function concernDetails(deps: PanelDeps, record: CaseRecord, concern: SafetyConcern): Promise<string> {
  if (!concern.itemId) return record.referral.incident.immediateSafetyDetails ?? '';
  const item = await deps.review.store.getCaseItem<StoredReturn>(record.reference, concern.itemId);
  return item?.doc.immediateAction ?? '';
}

/** The safety concern's card for a member of the business unit. */
export async function safetyCardFor(deps: PanelDeps, record: CaseRecord, concern: SafetyConcern) {
  const acknowledged = concern.acknowledged;
  return safetyCard({
    record: anonymise(record),
    concern: concern.id,
    reportedBy: reportedBy(deps, concern),
    details: await concernDetails(deps, record, concern),
    ...(acknowledged && {
      acknowledged: { on: localDateOf(new Date(acknowledged.at), deps.review.partnership.timezone), action: acknowledged.action },
    }),
  });
}

/** Said in the case's thread at once: by reference and agency only. */
export const safetyAlert = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const concern = concernOf(record, effect.payload?.concern);
    if (!concern) return { status: 'skipped', error: 'no such concern' };
    const who = concern.agencyId
      ? `${agencyName(deps, concern.agencyId)} reports that action is needed now to keep someone safe`
      : 'The referral says someone may be at immediate risk';
    const text = `${record.reference}: ${who}. The details have gone to the business unit one to one: acknowledge them there once it is in hand.`;
    if (!(await replyInCaseThread(deps, record, text)))
      throw new EffectFailure("the case has no card in the business unit's channel", false);
    return { status: 'sent', audit: [{ action: 'safety.alerted', detail: `concern=${concern.id}` }] };
  },
  failed: (effect, _record, error) => ({
    audit: [{ action: 'safety.alerted', detail: `concern=${effect.payload?.concern} failed ${error}` }],
  }),
});

/** The details, one to one to a member of the business unit, with the way to acknowledge them. */
export const safetyDetails = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const concern = concernOf(record, effect.payload?.concern);
    const p = effect.payload ?? {};
    if (!concern || !p.aadObjectId || !p.serviceUrl) return { status: 'skipped', error: 'no such concern' };
    if (concern.acknowledged) return { status: 'skipped', error: 'acknowledged already' };
    const card = await safetyCardFor(deps, record, concern);
    const activityId = await sendToPerson(
      deps,
      { aadObjectId: p.aadObjectId, serviceUrl: p.serviceUrl, ...(p.tenantId && { tenantId: p.tenantId }) },
      { attachments: [CardFactory.adaptiveCard(card)], summary: `Safety concern on ${record.reference}` },
    );
    return {
      status: 'sent',
      ...(activityId && { activityId }),
      audit: [{ action: 'safety.detailsSent', detail: `concern=${concern.id} to=${p.aadObjectId}` }],
    };
  },
  failed: (effect, record, error) => ({
    audit: [
      { action: 'safety.detailsFailed', detail: `concern=${effect.payload?.concern} to=${effect.payload?.aadObjectId} reason=${error}` },
    ],
    notice: `${record.reference}: Panel could not send a safety concern's details to a member of the business unit: ${error}. Read them with status ${record.reference}.`,
  }),
});
