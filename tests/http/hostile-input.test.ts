import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { HOLD_REASON_MAX } from '../../review/hold-actions.js';
import { RETURN_LIMITS } from '../../review/agency-return.js';
import { FIELD_LIMITS } from '../../review/referral.js';
import { RATIONALE_MAX } from '../../review/close-vote.js';
import { chatKey } from '../../review/store.js';
import { PANEL_CHANNEL, PEOPLE, cardAction, channelMention, personalMessage, type PersonKey } from '../support/activities.js';
import { actions, cardOf, errorUnder, input, texts, type Json } from '../support/cards.js';
import { asShown, cardProblems, shownTexts, textsByKind } from '../support/card-checks.js';
import type { ConnectorCall } from '../support/connector-stand-in.js';
import { ALL_HOSTILE, HOSTILE, HUGE } from '../support/hostile-text.js';
import { httpSuite } from '../support/http-suite.js';
import { NO_RISK, validReferralForm } from '../support/referral-form.js';

/** What the referral's free-text answers are typed as: every hostile value in some answer. */
const TYPED_REFERRAL = {
  referrerName: HOSTILE.zeroWidth,
  subjectName: HOSTILE.templateName,
  subjectAddress: HOSTILE.templateRoot,
  summary: ALL_HOSTILE,
  reasons: `${HOSTILE.markdownLink} ${HOSTILE.mention}`,
  immediateSafetyDetails: HOSTILE.html,
  family1Name: HOSTILE.rightToLeft,
  family1Relationship: HOSTILE.teamsDate,
  professional1Involvement: HOSTILE.markdownLink,
};
/** An agency's return, typed the same way. */
const TYPED_RETURN = {
  overview: ALL_HOSTILE,
  significantEvents: HOSTILE.markdownLink,
  goodPractice: HOSTILE.templateName,
  concerns: HOSTILE.teamsDate,
  learning: HOSTILE.rightToLeft,
  criteriaReason: HOSTILE.mention,
};

/**
 * Hostile input (issue 19): template expressions (`${…}`), Teams' date functions, markdown
 * links, mentions, HTML, right-to-left and zero-width characters, and 100 KB strings,
 * typed into every card that shows back what was typed: the referral (sent back with
 * problems, then its details), the safety concern, the agency's return and its draft,
 * the hold, the close of the vote, the review's plan, the agency's report and its draft,
 * the meeting, the family log and the action plan. Each comes back as typed (an input's
 * value exactly; a text shown, as Teams shows it), or cut to its limit with the card
 * saying so. Every card is within Teams' size and valid, none has a live link or a
 * mention in it, and nothing anyone typed reaches a channel.
 */
describe('hostile input, over HTTP', () => {
  const { connector, panel, serviceUrl } = httpSuite();
  let reference = '';
  let review = '';

  /** A card action and its answer; a card given back is checked whatever it is. */
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' | 'panel' = 'personal') => {
    const answer = (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;
    if (typeof answer === 'object') expect(cardProblems(answer), verb).toEqual([]);
    return answer as Json | string;
  };
  const card = (answer: Json | string): Json => {
    if (typeof answer === 'string') throw new Error(`a message, not a card: ${answer}`);
    return answer;
  };
  /** Every input holds what was sent to it. */
  const expectInputs = (answer: Json | string, typed: Record<string, string>) => {
    for (const [id, value] of Object.entries(typed)) expect(input(card(answer), id).value, id).toBe(value);
  };
  /** Every value is shown, as Teams would show it. */
  const expectShown = (answer: Json | string, typed: readonly string[]) => {
    const shown = shownTexts(card(answer)).join('\n');
    for (const value of typed) expect(shown).toContain(value);
  };
  /** What Panel sent someone one to one since a point. */
  const sentTo = async (who: PersonKey, since = 0): Promise<ConnectorCall[]> => {
    const chat = (await panel.store.getSetting(chatKey(PEOPLE[who].aadObjectId)))?.conversationId;
    return connector.calls.slice(since).filter((c) => c.method === 'POST' && c.path === `/v3/conversations/${chat}/activities`);
  };
  /** The cards Panel sent one to one (a reply, or a message it started) since a point, whose text matches. */
  const cardsOneToOne = (heading: RegExp, since = 0): Json[] =>
    connector.calls
      .slice(since)
      .filter((c) => c.method === 'POST' && c.path.startsWith('/v3/conversations/a:') && c.body.attachments)
      .map((c) => cardOf(c.body))
      .filter((c) => texts(c).some((t) => heading.test(t)));

  it("the business unit's channel and the panel's are chosen", async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
  });

  it('a referral sent back with a problem keeps every hostile answer exactly as typed', async () => {
    const sent = { ...validReferralForm(TYPED_REFERRAL), referrerEmail: 'dana at school', submissionId: randomUUID() };
    const form = await act('dana', VERBS.submitReferral, sent);
    expect(errorUnder(form, 'referrerEmail')).toMatch(/work email/);
    expectInputs(form, TYPED_REFERRAL);
    // The template's own expressions were not expanded: `${name}` is still `${name}`.
    expect(JSON.stringify(form)).toContain('"value":"${name}"');
    expect(JSON.stringify(form)).toContain('"value":"${$root.x}"');
  });

  it('a 100 KB answer comes back cut to its limit, and the card says so', async () => {
    const sent = { ...validReferralForm({ ...TYPED_REFERRAL, summary: HUGE }), submissionId: randomUUID() };
    const form = await act('dana', VERBS.submitReferral, sent);
    expect(input(card(form), 'summary').value).toBe(HUGE.slice(0, FIELD_LIMITS.summary));
    expect(errorUnder(form, 'summary')).toMatch(
      new RegExp(
        `Keep this to ${FIELD_LIMITS.summary} characters.*This card shows only the first ${FIELD_LIMITS.summary.toLocaleString('en-GB')} of the 102,400`,
      ),
    );
    const { summary: _summary, ...rest } = TYPED_REFERRAL;
    expectInputs(form, rest);
  });

  it('stored, it is acknowledged without any of it, and the channel hears nothing of it', async () => {
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(TYPED_REFERRAL), submissionId: randomUUID() });
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
    const shown = shownTexts(ack).join('\n');
    for (const value of Object.values(TYPED_REFERRAL)) expect(shown).not.toContain(value);
    await panel.idle();
    expect((await panel.store.getCase(reference))?.referral.summary).toBe(ALL_HOSTILE);
  });

  it('the details, to the business unit only, show every answer as typed, in text runs, never as markup', async () => {
    const details = await act('sam', VERBS.viewCaseDetails, { reference }, 'channel');
    expectShown(details, Object.values(TYPED_REFERRAL));
    const { markdown, runs } = textsByKind(details);
    expect(runs.map(asShown)).toContain(ALL_HOSTILE);
    expect(markdown.join('\n')).not.toContain(HOSTILE.markdownLink);
    // `status` in a personal chat gives the business unit the same card.
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'sam', `status ${reference}`));
    const [status] = cardsOneToOne(new RegExp(`^${reference}`), before);
    expect(cardProblems(status)).toEqual([]);
    expectShown(status!, Object.values(TYPED_REFERRAL));
  });

  it("the safety concern's details, one to one to the business unit, show what was said as typed", async () => {
    const [concern] = cardsOneToOne(/^Safety concern/);
    expect(cardProblems(concern)).toEqual([]);
    expectShown(concern!, [HOSTILE.html]);
    const empty = await act('sam', VERBS.acknowledgeSafety, { reference, concern: 'referral', action: '' });
    expect(errorUnder(empty, 'action')).toBeDefined();
    const huge = await act('sam', VERBS.acknowledgeSafety, { reference, concern: 'referral', action: HUGE });
    expect(String(input(card(huge), 'action').value)).toHaveLength(1000);
    expect(errorUnder(huge, 'action')).toMatch(/This card shows only the first 1,000 of the 102,400 characters sent/);
    const done = await act('sam', VERBS.acknowledgeSafety, { reference, concern: 'referral', action: ALL_HOSTILE });
    expectShown(done, [`What was done: ${ALL_HOSTILE}`]);
  });

  it("an agency's return and its draft keep every hostile answer as typed", async () => {
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police,la', dueOn: '2026-12-08' }, 'channel');
    await panel.idle();
    const answer = (verb: string, data: Record<string, unknown> = {}) => act('alex', verb, { reference, agencyId: 'police', ...data });
    const saved = await answer(VERBS.saveReturnDraft, { involved: 'yes', ...TYPED_RETURN });
    expectInputs(saved, TYPED_RETURN);
    const reopened = await answer(VERBS.openReturn);
    expectInputs(reopened, TYPED_RETURN);
    const submissionId = actions(reopened).find((a) => a.verb === VERBS.submitReturn)?.data as { submissionId: string };
    // Involved, but from when is not said: the same form, as typed, the problem beside its field.
    const incomplete = await answer(VERBS.submitReturn, { ...submissionId, involved: 'yes', criteriaView: 'met', ...TYPED_RETURN });
    expect(errorUnder(incomplete, 'involvedFrom')).toBeDefined();
    expectInputs(incomplete, TYPED_RETURN);
    const huge = await answer(VERBS.submitReturn, {
      ...submissionId,
      involved: 'yes',
      involvedFrom: '2026-01-05',
      ...TYPED_RETURN,
      overview: HUGE,
    });
    expect(input(card(huge), 'overview').value).toBe(HUGE.slice(0, RETURN_LIMITS.overview));
    expect(errorUnder(huge, 'overview')).toMatch(/This card shows only the first 3,000 of the 102,400 characters sent/);
    const before = connector.calls.length;
    const thanks = await answer(VERBS.submitReturn, {
      ...submissionId,
      involved: 'yes',
      involvedFrom: '2026-01-05',
      criteriaView: 'met',
      immediateAction: HOSTILE.html,
      ...TYPED_RETURN,
    });
    expect(shownTexts(thanks).join('\n')).not.toContain(ALL_HOSTILE);
    await panel.idle();
    // The return asks for action now: its words go to the business unit one to one, as typed.
    const [concern] = cardsOneToOne(/^Safety concern/, before);
    expectShown(concern!, [HOSTILE.html]);
    // Read in full in the collation, in text runs.
    await act('sam', VERBS.closeReturns, { reference }, 'channel');
    const read = await act('sam', VERBS.viewCollation, { reference, agencyId: 'police' }, 'channel');
    expectShown(read, Object.values(TYPED_RETURN));
  });

  it('a hold keeps its reason as typed while the form is wrong, and shows it nowhere once held', async () => {
    const form = await act('sam', VERBS.holdCase, { reference }, 'channel');
    expect(input(card(form), 'reason').value ?? '').toBe('');
    const wrong = await act('sam', VERBS.confirmHold, { reference, reason: ALL_HOSTILE, until: 'soon' }, 'channel');
    expect(errorUnder(wrong, 'until')).toBeDefined();
    expectInputs(wrong, { reason: ALL_HOSTILE, until: 'soon' });
    const huge = await act('sam', VERBS.confirmHold, { reference, reason: HUGE, until: '' }, 'channel');
    expect(input(card(huge), 'reason').value).toBe(HUGE.slice(0, HOLD_REASON_MAX));
    expect(errorUnder(huge, 'reason')).toMatch(/Keep this to 1000 characters.*This card shows only the first 1,000/);
    const held = await act('sam', VERBS.confirmHold, { reference, reason: ALL_HOSTILE, until: '' }, 'channel');
    expect(shownTexts(held).join('\n')).not.toContain(ALL_HOSTILE);
    await act('sam', VERBS.releaseHold, { reference }, 'channel');
  });

  it("the chair's rationale is kept as typed on the close form, and shown as typed once decided", async () => {
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() });
    review = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
    await act('sam', VERBS.listForPanel, { reference: review }, 'channel');
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await act('priya', VERBS.castVote, { reference: review, ballot: '1', choice: 'partnership' }, 'panel');
    await act('noor', VERBS.castVote, { reference: review, ballot: '1', choice: 'partnership' }, 'panel');
    panel.clock = new Date('2026-12-29T10:00:00Z');
    await act('jo', VERBS.closeVoteForm, { reference: review, ballot: '1' }, 'panel');
    const close = { reference: review, ballot: '1', notices: '', criteria: '' };
    const noReviewer = await act('jo', VERBS.closeVote, { ...close, rationale: ALL_HOSTILE, reviewer: '' }, 'panel');
    expect(errorUnder(noReviewer, 'reviewer')).toBeDefined();
    expectInputs(noReviewer, { rationale: ALL_HOSTILE });
    const huge = await act('jo', VERBS.closeVote, { ...close, rationale: HUGE, reviewer: 'local' }, 'panel');
    expect(input(card(huge), 'rationale').value).toBe(HUGE.slice(0, RATIONALE_MAX));
    expect(errorUnder(huge, 'rationale')).toMatch(/This card shows only the first 3,000 of the 102,400 characters sent/);
    const decided = await act('jo', VERBS.closeVote, { ...close, rationale: ALL_HOSTILE, reviewer: 'local' }, 'panel');
    expectShown(decided, [ALL_HOSTILE]);
    await panel.idle();
  });

  it("a step's date moved: why, as typed on the form and on the plan", async () => {
    const move = { reference: review, step: 'termsOfReference', change: 'move', why: ALL_HOSTILE };
    const holiday = await act('sam', VERBS.updatePlan, { ...move, dueOn: '2027-01-01' });
    expect(errorUnder(holiday, 'dueOn')).toMatch(/not a working day/);
    expectInputs(holiday, { why: ALL_HOSTILE });
    const moved = await act('sam', VERBS.updatePlan, { ...move, dueOn: '2027-01-12' });
    expectShown(moved, [ALL_HOSTILE]);
  });

  it("an agency's report and its draft keep every hostile answer as typed; the business unit reads them as typed", async () => {
    const before = connector.calls.length;
    await act('sam', VERBS.requestReports, { reference: review, reportAgencies: 'police', reportsDue: '2027-01-19' });
    await panel.idle();
    const [request] = cardsOneToOne(/^Agency report requested/, before);
    const submit = actions(request).find((a) => a.verb === VERBS.submitReport)!.data as Record<string, string>;
    const report = {
      chronology: ALL_HOSTILE,
      decisions: HOSTILE.markdownLink,
      services: HOSTILE.teamsDate,
      recommendations: HOSTILE.templateName,
      director: HOSTILE.zeroWidth,
    };
    const draft = await act('alex', VERBS.saveReportDraft, { ...submit, ...report, signedOff: 'false' });
    expectInputs(draft, report);
    const unsigned = await act('alex', VERBS.submitReport, { ...submit, ...report, signedOff: 'false' });
    expect(errorUnder(unsigned, 'signedOff')).toBeDefined();
    expectInputs(unsigned, report);
    expect(await act('alex', VERBS.submitReport, { ...submit, ...report, signedOff: 'true' })).toMatch(/is recorded/);
    const read = await act('sam', VERBS.readReports, { reference: review, agencyId: 'police' });
    expectShown(read, Object.values(report));
  });

  it('a meeting keeps its place and what is asked as typed; the invitation says them as plain text', async () => {
    const plan = await act('sam', VERBS.showPlan, { reference: review });
    const arrange = actions(plan).find((a) => a.verb === VERBS.arrangeMeeting)!.data as Record<string, string>;
    const meeting = {
      ...arrange,
      meetingKind: 'firstMeeting',
      meetingOn: '2027-01-20',
      meetingPlace: HOSTILE.markdownLink,
      invitees: PEOPLE.alex.aadObjectId,
      asked: ALL_HOSTILE,
    };
    const wrong = await act('sam', VERBS.arrangeMeeting, { ...meeting, meetingTime: '10am' });
    expect(errorUnder(wrong, 'meetingTime')).toMatch(/HH:MM/);
    expectInputs(wrong, { meetingPlace: HOSTILE.markdownLink, asked: ALL_HOSTILE });
    const before = connector.calls.length;
    await act('sam', VERBS.arrangeMeeting, { ...meeting, meetingTime: '10:00' });
    await panel.idle();
    const [invite] = (await sentTo('alex', before)).filter((c) => String(c.body.text).includes('Invitation from Panel'));
    expect(invite?.body.textFormat).toBe('plain');
    expect(String(invite?.body.text)).toContain(`: ${HOSTILE.markdownLink}.`);
    expect(String(invite?.body.text)).toContain(`What is asked of you: ${ALL_HOSTILE}`);
  });

  it('the family log keeps every hostile answer as typed, and shows it as typed', async () => {
    const family = await act('sam', VERBS.showFamily, { reference: review });
    const save = actions(family).find((a) => a.verb === VERBS.updateFamily)!.data as Record<string, string>;
    const typed = {
      level: 'partial',
      whyNot: ALL_HOSTILE,
      agreedWith: HOSTILE.markdownLink,
      liaison: HOSTILE.templateName,
      interpreter: 'true',
      language: HOSTILE.rightToLeft,
      contactKind: 'informed',
      contactNote: `${HOSTILE.teamsDate} ${HOSTILE.mention} ${HOSTILE.html}`,
    };
    const future = await act('sam', VERBS.updateFamily, { ...save, ...typed, contactOn: '2099-01-01' });
    expect(errorUnder(future, 'contactOn')).toMatch(/future/);
    expectInputs(future, typed);
    const saved = await act('sam', VERBS.updateFamily, { ...save, ...typed, contactOn: '2026-12-29' });
    expectShown(saved, [ALL_HOSTILE, HOSTILE.markdownLink, HOSTILE.templateName, HOSTILE.rightToLeft, typed.contactNote]);
  });

  it("the action plan keeps every hostile answer as typed, on the plan, the owner's actions and their update", async () => {
    const plan = await act('sam', VERBS.showPlan, { reference: review });
    const add = actions(plan).find((a) => a.verb === VERBS.addAction)!.data as Record<string, string>;
    const typed = { recommendationText: ALL_HOSTILE, actionText: HOSTILE.markdownLink, measure: HOSTILE.teamsDate };
    const action = { ...add, recommendation: 'new', recommendationClass: 'local', owner: PEOPLE.alex.aadObjectId, actionDue: '2027-02-01' };
    const noMeasure = await act('sam', VERBS.addAction, { ...action, ...typed, measure: '' });
    expect(errorUnder(noMeasure, 'measure')).toBeDefined();
    expectInputs(noMeasure, { recommendationText: ALL_HOSTILE, actionText: HOSTILE.markdownLink });
    const added = await act('sam', VERBS.addAction, { ...action, ...typed });
    expectShown(added, [HOSTILE.markdownLink.slice(0, 20)]);
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'alex', 'actions'));
    const [owned] = cardsOneToOne(/actions/i, before);
    expect(cardProblems(owned)).toEqual([]);
    expectShown(owned!, [HOSTILE.markdownLink, HOSTILE.teamsDate]);
    const id = (await panel.store.getCase(review))!.recommendations![0]!.actions[0]!.id;
    const updated = await act('alex', VERBS.updateAction, { actionKey: `${review}|${id}`, status: 'inProgress', evidence: ALL_HOSTILE });
    expectShown(updated, [ALL_HOSTILE]);
  });

  it('a decision not to publish keeps its reasons as typed, on the plan', async () => {
    const plan = await act('sam', VERBS.notPublishing, { reference: review, notPublishingWhy: ALL_HOSTILE, told: 'nationalPanel' });
    expectShown(plan, [ALL_HOSTILE]);
  });

  it('hostile text posted in a channel is not said back there', async () => {
    const before = connector.calls.length;
    await panel.send(channelMention(serviceUrl(), 'priya', ALL_HOSTILE));
    await panel.send(channelMention(serviceUrl(), 'sam', `status ${reference} ${HOSTILE.markdownLink}`, PANEL_CHANNEL));
    const replies = connector.calls.slice(before).filter((c) => c.method === 'POST');
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) for (const value of Object.values(HOSTILE)) expect(JSON.stringify(reply.body)).not.toContain(value);
  });

  it('nothing anyone typed reached a channel: cards, updates and replies carry no free text', async () => {
    await panel.idle();
    const inChannels = connector.calls.filter((c) => c.path.includes('@thread.tacv2'));
    expect(inChannels.length).toBeGreaterThan(5);
    for (const call of inChannels) {
      const sent = asShown(JSON.stringify(call.body));
      for (const value of [...Object.values(HOSTILE).map((v) => JSON.stringify(v).slice(1, -1)), 'x'.repeat(50)]) {
        expect(sent, call.path).not.toContain(value);
      }
    }
  });

  it("every card Panel sent anyone is within Teams' size, valid, and without a live link or a mention", () => {
    const sent = connector.calls.flatMap((c) => {
      const activity = (c.body.activity as Json | undefined) ?? c.body;
      return activity.attachments ? [cardOf(activity)] : [];
    });
    expect(sent.length).toBeGreaterThan(10);
    for (const c of sent) expect(cardProblems(c), texts(c)[0]).toEqual([]);
  });
});
