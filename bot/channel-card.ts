import { fastTrackBlocked } from '../review/fast-track.js';
import { CardFactory } from 'botbuilder';
import { channelCaseCard, type ProgressContext } from '../cards/case-cards.js';
import type { AdaptiveCardJson } from '../cards/render.js';
import { anonymise, type CaseRecord } from '../review/case.js';
import { CHANNEL_POST, effectOf } from '../review/effects.js';
import { localDateOf } from '../review/local-date.js';
import { threadOf } from './teams-sender.js';
import type { PanelDeps } from './deps.js';

/** Today, and the agencies' names: what a card needs to show a rapid review's progress. */
export function progressContext(deps: PanelDeps): ProgressContext {
  const { partnership, now } = deps.review;
  return {
    today: localDateOf(now(), partnership.timezone),
    agencyNames: new Map(partnership.agencies.map((a) => [a.id, a.name])),
  };
}

/** What the business unit's view of a case needs to show its rapid review: progress, and people's names. */
export function reviewContext(deps: PanelDeps) {
  return {
    progress: progressContext(deps),
    nameOf: (aadObjectId: string) => deps.review.directory.find(aadObjectId)?.name ?? 'someone no longer listed',
  };
}

/** What the business unit's details card of a case offers: the rapid review's progress, and fast track when it is open. */
export function detailsOptions(deps: PanelDeps, record: CaseRecord, inChannel: boolean) {
  const { partnership, now } = deps.review;
  const subgroup = partnership.fastTrack?.name;
  const open = subgroup !== undefined && fastTrackBlocked(record, localDateOf(now(), partnership.timezone)) === undefined;
  return { inChannel, rapidReview: reviewContext(deps), ...(open && { fastTrack: subgroup }) };
}

/** The case's card as the business unit's channel shows it. */
export const caseCardOf = (deps: PanelDeps, record: CaseRecord) => channelCaseCard(anonymise(record), progressContext(deps));

/** Where the case's card is in the business unit's channel, if it was posted. */
async function caseThread(deps: PanelDeps, record: CaseRecord) {
  const post = effectOf(record, CHANNEL_POST);
  if (post?.status !== 'sent' || !post.activityId) return undefined;
  const channel = await deps.review.store.getSetting('referralChannel');
  if (!channel) return undefined;
  // Its thread as recorded when it was posted: the business unit may have chosen another
  // channel since. For a post recorded before Panel kept its thread, today's channel is
  // the best guess. Teams keeps one service URL per tenant and region.
  return {
    serviceUrl: channel.serviceUrl,
    activityId: post.activityId,
    conversationId: post.conversationId ?? threadOf(channel, post.activityId),
  };
}

/** Updates the case's card in the business unit's channel to show `record`; false if it was never posted. */
export async function updateCaseCard(deps: PanelDeps, record: CaseRecord): Promise<boolean> {
  const thread = await caseThread(deps, record);
  if (!thread) return false;
  await deps.sender.update(thread.serviceUrl, thread.conversationId, thread.activityId, {
    attachments: [CardFactory.adaptiveCard(caseCardOf(deps, record))],
  });
  return true;
}

/** Posts a card in the case's thread; where it is, or undefined when the case's card was never posted. */
export async function postInCaseThread(deps: PanelDeps, record: CaseRecord, card: AdaptiveCardJson) {
  const thread = await caseThread(deps, record);
  if (!thread) return undefined;
  const activityId = await deps.sender.post(thread.serviceUrl, thread.conversationId, { attachments: [CardFactory.adaptiveCard(card)] });
  return { conversationId: thread.conversationId, ...(activityId && { activityId }) };
}

/** Updates a card Panel posted in a case's thread (`activityId`, in `conversationId`), in place. */
export async function updateInCaseThread(
  deps: PanelDeps,
  record: CaseRecord,
  at: { activityId: string; conversationId: string },
  card: AdaptiveCardJson,
) {
  const thread = await caseThread(deps, record);
  if (!thread) return false;
  await deps.sender.update(thread.serviceUrl, at.conversationId, at.activityId, { attachments: [CardFactory.adaptiveCard(card)] });
  return true;
}

/**
 * Says something about a case in its thread in the business unit's channel: by
 * reference and agency only, never about the person. False when the case's card was
 * never posted there.
 */
export async function replyInCaseThread(deps: PanelDeps, record: CaseRecord, text: string): Promise<boolean> {
  const thread = await caseThread(deps, record);
  if (!thread) return false;
  await deps.sender.post(thread.serviceUrl, thread.conversationId, { text, textFormat: 'markdown' });
  return true;
}
