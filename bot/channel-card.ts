import { CardFactory, type Activity } from 'botbuilder';
import { channelCaseCard, type ProgressContext } from '../cards/case-cards.js';
import { anonymise, type CaseRecord } from '../review/case.js';
import { localDateOf } from '../review/local-date.js';
import { channelPostKey } from '../review/store.js';
import { withConnectorRetry } from './connector-retry.js';
import { updateDecisionCard } from './decision-card.js';
import { threadOf } from './channel-thread.js';
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
  // Its thread as recorded when it was posted: the business unit may have chosen another
  // channel since. For a post recorded before Panel kept its thread, today's channel is
  // the best guess.
  return { channel, activityId: post.activityId, conversationId: post.conversationId ?? threadOf(channel, post.activityId) };
}

/** How many times one update makes a card again because the case changed while it was put. */
const PUT_ATTEMPTS = 5;

/**
 * Updates a case's cards in place, for everyone, from the case as stored now: its card
 * in the business unit's channel, and its decision card in the panel's. Updates of one
 * card run one after another in this process, each reading the latest state; requests
 * that come while one waits are served by it. Across instances, whose queues cannot see
 * each other, each update reads the case again after its put and, if it changed
 * meanwhile, puts the card again, up to PUT_ATTEMPTS times: an older view stays on the
 * card only if the case changes more often than that during one update.
 */
export class ChannelCards {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, Promise<void>>();

  /** The case's card in the business unit's channel. */
  refresh(deps: PanelDeps, reference: string): Promise<void> {
    const key = `case:${reference}`;
    return this.serially(key, () => this.putLatest(deps, key, reference, (record) => updateCaseCard(deps, record)));
  }

  /** The case's decision card in the panel's channel (a vote, a close). */
  refreshDecision(deps: PanelDeps, reference: string): Promise<void> {
    const key = `decision:${reference}`;
    return this.serially(key, () => this.putLatest(deps, key, reference, (record) => updateDecisionCard(deps, record)));
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

  /**
   * Puts a card made from the case as stored, until the case is unchanged from the
   * state put (at most PUT_ATTEMPTS times), or an update of the card waiting in this
   * process will read it. `put` says false when there is no card to update.
   */
  private async putLatest(deps: PanelDeps, key: string, reference: string, put: (record: CaseRecord) => Promise<boolean>): Promise<void> {
    const { store } = deps.review;
    let read = await store.getCaseVersion(reference);
    for (let attempt = 0; read && attempt < PUT_ATTEMPTS; attempt++) {
      if (!(await put(read.value)) || this.waiting.has(key)) return;
      const after = await store.getCaseVersion(reference);
      if (after?.etag === read.etag) return;
      read = after;
    }
  }
}

/** Updates the case's card in the business unit's channel to show `record`; false if it was never posted. */
async function updateCaseCard(deps: PanelDeps, record: CaseRecord): Promise<boolean> {
  const thread = await caseThread(deps, record.reference);
  if (!thread) return false;
  const card = channelCaseCard(anonymise(record), progressContext(deps));
  const client = await deps.connector.client(thread.channel.serviceUrl);
  const activity = { type: 'message', id: thread.activityId, attachments: [CardFactory.adaptiveCard(card)] } as Activity;
  await withConnectorRetry(() => client.conversations.updateActivity(thread.conversationId, thread.activityId, activity));
  return true;
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
