import { CardFactory } from 'botbuilder';
import { channelDecisionCard, type DecisionCardView, type Viewer } from '../cards/decision-cards.js';
import { anonymise, type CaseRecord } from '../review/case.js';
import { closesAs, mayVote, quorumOf, voters } from '../review/decision-actions.js';
import type { CardAddress } from '../review/decision.js';
import type { ChannelAddress } from '../review/store.js';
import type { PanelDeps } from './deps.js';

/**
 * Who Teams asks Panel for their own view of a decision card: the voters, and the
 * business unit if it may close, by the Teams ids Panel knows for them.
 */
function refreshFor(deps: PanelDeps, view: DecisionCardView): Promise<string[]> {
  const { partnership } = deps.review;
  const closers = partnership.people.map((p) => p.aadObjectId.toLowerCase()).filter((id) => closesAs(deps.review, id, view.record.kind));
  return deps.users.idsOf(deps, [...new Set([...voters(deps.review, { kind: view.record.kind, ballot: view.ballot }), ...closers])]);
}

/** What the case's decision card shows, for its current (or last) vote; none before a vote opens. */
export function decisionView(deps: PanelDeps, record: CaseRecord): DecisionCardView | undefined {
  const ballot = record.panel?.ballot;
  if (!ballot) return undefined;
  const { partnership } = deps.review;
  const recommendation = record.panel?.recommendation?.number === ballot.number ? record.panel.recommendation : undefined;
  const decision = record.panel?.decisions.find((d) => d.number === ballot.number) ?? recommendation;
  return {
    record: anonymise(record),
    ballot,
    ...(decision && { decision }),
    ...(recommendation && { awaitingApproval: true }),
    agencyNames: new Map(partnership.agencies.map((a) => [a.id, a.name])),
    voters: voters(deps.review, { kind: record.kind, ballot }).length,
    quorum: quorumOf(deps.review, { kind: record.kind, ballot }),
    ...(ballot.fastTrack && { subgroup: partnership.fastTrack?.name ?? 'fast-track subgroup' }),
    ...(!ballot.fastTrack && partnership.panels[record.kind] && { panelName: partnership.panels[record.kind]!.name }),
    hiddenVotes: partnership.panel.hiddenVotes,
  };
}

/** Who is looking at the card, from their Teams identity: may they vote or close, and their vote. */
export function viewerOf(deps: PanelDeps, view: DecisionCardView, aadObjectId: string): Viewer {
  const me = aadObjectId.toLowerCase();
  const votes = view.decision?.votes ?? view.ballot.votes;
  const choice = votes.find((v) => v.voter === me)?.choice;
  return {
    mayVote: mayVote(deps.review, aadObjectId, { kind: view.record.kind, ballot: view.ballot }),
    mayClose: closesAs(deps.review, aadObjectId, view.record.kind) !== undefined,
    ...(choice && { choice }),
  };
}

/**
 * Posts the case's decision card in the panel's channel as a thread of its own, where the
 * panel can talk about the case; where it is, for each vote to update it in place.
 */
export async function postDecisionCard(deps: PanelDeps, channel: ChannelAddress, record: CaseRecord): Promise<CardAddress | undefined> {
  const view = decisionView(deps, record);
  if (!view) return undefined;
  const card = channelDecisionCard(view, await refreshFor(deps, view));
  const thread = await deps.sender.startThread(channel, { type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
  return { serviceUrl: channel.serviceUrl, ...thread };
}

/** Updates the decision card for everyone to show `record`; Teams then refreshes each voter's view. False when it has no card. */
export async function updateDecisionCard(deps: PanelDeps, record: CaseRecord): Promise<boolean> {
  const view = decisionView(deps, record);
  const card = view?.ballot.card;
  if (!view || !card) return false;
  const content = channelDecisionCard(view, await refreshFor(deps, view));
  await deps.sender.update(card.serviceUrl, card.conversationId, card.activityId, { attachments: [CardFactory.adaptiveCard(content)] });
  return true;
}
