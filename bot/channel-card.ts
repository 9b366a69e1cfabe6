import { CardFactory, type Activity } from 'botbuilder';
import { channelCaseCard, type ProgressContext } from '../cards/case-cards.js';
import { anonymise } from '../review/case.js';
import { localDateOf } from '../review/local-date.js';
import { channelPostKey } from '../review/store.js';
import { withConnectorRetry } from './connector-retry.js';
import { updateDecisionCard } from './decision-card.js';
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

/** Where the case's card is in the business unit's channel, if it was posted. */
async function caseThread(deps: PanelDeps, reference: string) {
  const { store } = deps.review;
  const post = await store.getNotification(reference, channelPostKey(reference));
  const channel = await store.getSetting('referralChannel');
  if (post?.status !== 'sent' || !post.activityId || !channel) return undefined;
  // A channel thread's conversation is "<channel>;messageid=<its first post>".
  return { channel, activityId: post.activityId, conversationId: `${channel.channelId};messageid=${post.activityId}` };
}

/**
 * Updates a case's cards in place, for everyone, from the case as stored now: its card
 * in the business unit's channel, and its decision card in the panel's. Updates of one
 * card run one after another, each reading the latest state, so an older view never
 * lands after a newer one from this process; requests that come while one waits are
 * served by it.
 */
export class ChannelCards {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, Promise<void>>();

  /** The case's card in the business unit's channel. */
  refresh(deps: PanelDeps, reference: string): Promise<void> {
    return this.serially(`case:${reference}`, () => this.update(deps, reference));
  }

  /** The case's decision card in the panel's channel (a vote, a close). */
  refreshDecision(deps: PanelDeps, reference: string): Promise<void> {
    return this.serially(`decision:${reference}`, () => updateDecisionCard(deps, reference));
  }

  /**
   * Runs `work` after the card's previous update. An update already waiting to start
   * stands for this one too: it will read the case as it is then, so a burst of votes
   * makes two updates, not one per vote.
   */
  private serially(key: string, work: () => Promise<void>): Promise<void> {
    const waiting = this.waiting.get(key);
    if (waiting) return waiting;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => {
      this.waiting.delete(key);
      return work();
    });
    this.waiting.set(key, next);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }

  private async update(deps: PanelDeps, reference: string): Promise<void> {
    const thread = await caseThread(deps, reference);
    const record = await deps.review.store.getCase(reference);
    if (!thread || !record) return;
    const card = channelCaseCard(anonymise(record), progressContext(deps));
    const client = await deps.connector.client(thread.channel.serviceUrl);
    const activity = { type: 'message', id: thread.activityId, attachments: [CardFactory.adaptiveCard(card)] } as Activity;
    await withConnectorRetry(() => client.conversations.updateActivity(thread.conversationId, thread.activityId, activity));
  }
}

/**
 * Says something about a case in its thread in the business unit's channel: by
 * reference and agency only, never about the person. False when the case's card was
 * never posted there.
 */
export async function replyInCaseThread(deps: PanelDeps, reference: string, text: string): Promise<boolean> {
  const thread = await caseThread(deps, reference);
  if (!thread) return false;
  const client = await deps.connector.client(thread.channel.serviceUrl);
  await withConnectorRetry(() =>
    client.conversations.sendToConversation(thread.conversationId, { type: 'message', text } as Activity),
  );
  return true;
}
