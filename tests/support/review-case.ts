import { randomUUID } from 'node:crypto';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, PANEL_CHANNEL, personalMessage, type PersonKey } from './activities.js';
import { texts } from './cards.js';
import type { HttpSuite } from './http-suite.js';
import { NO_RISK, validReferralForm } from './referral-form.js';

/** A card action by someone, in a personal chat, the panel's channel or the referrals channel; Panel's answer. */
export const actIn =
  ({ panel, serviceUrl }: Pick<HttpSuite, 'panel' | 'serviceUrl'>) =>
  async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'panel' | 'channel' = 'channel') =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;

/**
 * A referral taken to the panel's decision: both channels chosen, Dana's referral listed
 * and its vote opened, two votes for `outcome`, and the chair closing it at `at` with
 * `close`'s fields. Returns the case's reference.
 */
export async function decidedCase(
  suite: Pick<HttpSuite, 'panel' | 'serviceUrl'>,
  outcome: string,
  close: Record<string, string>,
  at?: string,
): Promise<string> {
  const { panel, serviceUrl } = suite;
  const act = actIn(suite);
  await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
  await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
  const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }, 'personal');
  const reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
  await act('sam', VERBS.listForPanel, { reference });
  await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
  await act('priya', VERBS.castVote, { reference, ballot: '1', choice: outcome }, 'panel');
  await act('noor', VERBS.castVote, { reference, ballot: '1', choice: outcome }, 'panel');
  if (at) panel.clock = new Date(at);
  await act('jo', VERBS.closeVote, { reference, ballot: '1', ...close }, 'panel');
  await panel.idle();
  return reference;
}

/** A partnership review decided on Tue 29 Dec 2026: its plan laid out over the new year's bank holiday. */
export const PARTNERSHIP_REVIEW = {
  outcome: 'partnership',
  close: { rationale: 'Learning across agencies.', reviewer: 'local', notices: '' },
  at: '2026-12-29T10:00:00Z',
} as const;
