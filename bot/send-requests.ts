import { CardFactory, type TurnContext } from 'botbuilder';
import pLimit from 'p-limit';
import { requestCard } from '../cards/rapid-review-cards.js';
import type { CaseRecord } from '../review/case.js';
import { isLeadOf, recordDelivery } from '../review/rapid-review-actions.js';
import { localDateOf } from '../review/local-date.js';
import { tenantOf } from './caller.js';
import { planReminders } from './reminders.js';
import { replyInCaseThread } from './channel-card.js';
import type { PanelDeps } from './deps.js';
import { sendToPerson } from './personal-chats.js';

/**
 * At most this many requests are in flight at once: Teams throttles a bot that sends
 * too fast, per conversation and per tenant, and a partnership has a few dozen leads.
 */
const CONCURRENT_SENDS = 4;

/** Someone to send an agency's request to, and which attempt this is (1 the first time). */
export interface RequestTarget {
  agencyId: string;
  aadObjectId: string;
  attempt: number;
}

/** Where new one-to-one conversations are created: the Teams service of the turn that asked. */
export interface Origin {
  serviceUrl: string;
  tenantId?: string;
}

/** The Teams service of the turn that asked, where new one-to-one chats are created. */
export function originOf(context: TurnContext): Origin {
  const tenantId = tenantOf(context);
  return { serviceUrl: context.activity.serviceUrl, ...(tenantId && { tenantId }) };
}

/** One send of one request to one person: claimed once, so it happens once. */
export const requestKey = (reference: string, target: RequestTarget) =>
  `lead-request:${reference}:${target.agencyId}:${target.aadObjectId.toLowerCase()}:${target.attempt}`;

/** Everyone a case's requests are addressed to, for the first time. */
export function allTargets(record: CaseRecord): RequestTarget[] {
  return (record.rapidReview?.requests ?? []).flatMap((r) =>
    r.addressees.map((a) => ({ agencyId: r.agencyId, aadObjectId: a.aadObjectId, attempt: 1 })),
  );
}

/**
 * Sends each addressee their agency's request, one to one, once: each send is claimed
 * in the store first, so a redelivered start or a second instance sends nothing more.
 * Whether it arrived is recorded on the case and audited; anyone Panel cannot reach
 * is reported in the case's thread in the business unit's channel, by agency and
 * reason. Then the case's channel card is brought up to date.
 */
export async function sendRequests(deps: PanelDeps, reference: string, targets: RequestTarget[], origin: Origin): Promise<void> {
  const { store, now } = deps.review;
  const record = await store.getCase(reference);
  if (!record?.rapidReview) return;

  const limit = pLimit(CONCURRENT_SENDS);
  await Promise.all(
    targets.map((target) =>
      limit(async () => {
        const key = requestKey(reference, target);
        const claimed = await store.claimNotification({
          key,
          caseId: reference,
          kind: 'leadRequest',
          at: now().toISOString(),
          payload: requestPayload(target, origin),
        });
        if (claimed) await sendClaimedRequest(deps, key, record, target, origin);
      }),
    ),
  );
  await deps.channelCards.refresh(deps, reference);
}

/** Said in the case's thread when the requests first go out: agencies nobody could be sent a request for. */
export async function reportAgenciesWithoutLeads(deps: PanelDeps, record: CaseRecord): Promise<void> {
  for (const request of record.rapidReview?.requests.filter((r) => r.addressees.length === 0) ?? []) {
    await report(
      deps,
      record.reference,
      `${record.reference}: no safeguarding lead of ${agencyNameOf(deps, request.agencyId)} is listed in the partnership file, so nobody was sent its request. Ask the administrator to add one.`,
    );
  }
}

const agencyNameOf = (deps: PanelDeps, id: string) => deps.review.partnership.agencies.find((a) => a.id === id)?.name ?? id;

/** What the outbox sweep needs to send a request again: identifiers only. */
function requestPayload(target: RequestTarget, origin: Origin): Record<string, string> {
  return {
    agencyId: target.agencyId,
    aadObjectId: target.aadObjectId,
    attempt: String(target.attempt),
    serviceUrl: origin.serviceUrl,
    ...(origin.tenantId && { tenantId: origin.tenantId }),
  };
}

/** The target and origin of a lead request from its notification's payload, if it has them. */
export function fromRequestPayload(payload: Record<string, string> | undefined): { target: RequestTarget; origin: Origin } | undefined {
  if (!payload?.agencyId || !payload.aadObjectId || !payload.serviceUrl) return undefined;
  return {
    target: { agencyId: payload.agencyId, aadObjectId: payload.aadObjectId, attempt: Number(payload.attempt ?? 1) },
    origin: { serviceUrl: payload.serviceUrl, ...(payload.tenantId && { tenantId: payload.tenantId }) },
  };
}

/**
 * Sends one request this instance holds (claimed, or taken over by the outbox sweep
 * after its claimant died), records whether it arrived, and reports it if not.
 */
export async function sendClaimedRequest(
  deps: PanelDeps,
  key: string,
  record: CaseRecord,
  target: RequestTarget,
  origin: Origin,
): Promise<void> {
  const { store, now } = deps.review;
  const reference = record.reference;
  const review = record.rapidReview;
  if (!review) return;
  const agencyName = agencyNameOf(deps, target.agencyId);
  const card = requestCard({
    record,
    agencyId: target.agencyId,
    agencyName,
    dueOn: review.dueOn,
    status: { kind: 'open' },
    submissionId: deps.newId(),
    canHandOn: isLeadOf(deps.review, { aadObjectId: target.aadObjectId, displayName: '' }, target.agencyId),
  });
  const delivery = await sendToPerson(
    deps,
    { aadObjectId: target.aadObjectId, ...origin },
    { attachments: [CardFactory.adaptiveCard(card)], summary: `Rapid review request ${reference}` },
  );
  const at = now().toISOString();
  const detail = `agency=${target.agencyId} to=${target.aadObjectId}`;
  if (delivery.status === 'sent') {
    await store.completeNotification(
      key,
      { status: 'sent', ...(delivery.activityId && { activityId: delivery.activityId }) },
      { caseId: reference, at, actor: 'panel', action: 'rapidReview.requestSent', detail },
    );
    await recordDelivery(deps.review, { reference, ...target, delivery: { status: 'sent', at, attempt: target.attempt } });
    await planReminders(deps, record, { ...target, ...origin }, localDateOf(now(), deps.review.partnership.timezone));
    return;
  }
  deps.log.warn({ reference, agency: target.agencyId, reason: delivery.reason }, 'request not delivered');
  const recorded = await store.completeNotification(
    key,
    { status: 'failed', error: delivery.reason },
    { caseId: reference, at, actor: 'panel', action: 'rapidReview.requestUndelivered', detail: `${detail} reason=${delivery.reason}` },
  );
  // Already done by whoever took it over: theirs is the outcome, and the report.
  if (!recorded) return;
  await recordDelivery(deps.review, {
    reference,
    ...target,
    delivery: { status: 'unreachable', reason: delivery.reason, at, attempt: target.attempt },
  });
  await report(
    deps,
    reference,
    `${reference}: Panel could not deliver the rapid review request to a safeguarding lead of ${agencyName}: ${delivery.reason}. ` +
      'The request is kept on the case. Ask them to open Panel in Teams, then press Resend undelivered requests on the case\'s card.',
  );
}

async function report(deps: PanelDeps, reference: string, text: string): Promise<void> {
  const posted = await replyInCaseThread(deps, reference, text);
  if (!posted) deps.log.warn({ reference }, 'nowhere to report an undelivered request: the case has no channel card');
}
