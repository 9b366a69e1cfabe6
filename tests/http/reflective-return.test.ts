import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import type { StoredReturn } from '../../review/agency-return.js';
import { cardAction, channelMention, type PersonKey } from '../support/activities.js';
import { inputs, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, validForm, validReferralForm } from '../support/referral-form.js';

const RECOMMENDATION = 'Joint supervision between school nursing and the police schools officer, reviewed in six months.';

const involved = (extra: Record<string, string> = {}) => ({
  involved: 'yes',
  involvedFrom: '2026-06-01',
  overview: 'Two visits to the home in August.',
  criteriaView: 'met',
  criteriaReason: 'What the school and police knew was not put together.',
  ...extra,
});

/**
 * The reflective review's return asks Cheshire East's Appendix 2 questions (issue 16,
 * part 5): needs of the child, key decision points, voice of the child, identity,
 * challenge and escalation, policy, and recommendations for action. Other kinds keep
 * today's return, and what a forged card sends under those names is not kept.
 */
describe.each(STORES)("a reflective review case's return, on $name", ({ store }) => {
  const { panel, serviceUrl } = httpSuite({}, store);
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' = 'personal') =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;
  const startCase = async (form: Record<string, unknown>) => {
    const ack = await act('dana', VERBS.submitReferral, { ...form, submissionId: randomUUID() });
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
    await act('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel');
    await panel.idle();
    return reference;
  };
  const APPENDIX_2 = ['childNeeds', 'keyDecisions', 'voiceOfChild', 'identity', 'challenge', 'policy', 'recommendations'];

  it("asks Appendix 2's questions, keeps the answers and shows them in the collation", async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const reference = await startCase(validForm('reflective'));
    const form = await act('alex', VERBS.openReturn, { reference, agencyId: 'police' });
    expect(inputs(form).map((i) => i.id)).toEqual(expect.arrayContaining(APPENDIX_2));
    await act('alex', VERBS.submitReturn, {
      ...involved({ voiceOfChild: 'The child was not seen alone at either visit.', recommendations: RECOMMENDATION }),
      reference,
      agencyId: 'police',
      submissionId: randomUUID(),
    });
    const [stored] = (await panel.store.listCaseItems<StoredReturn>(reference, 'return')).map((i) => i.doc);
    expect(stored?.reflective).toEqual({ voiceOfChild: 'The child was not seen alone at either visit.', recommendations: RECOMMENDATION });
    const read = texts(await act('sam', VERBS.viewCollation, { reference, agencyId: 'police' }, 'channel')).join('\n');
    expect(read).toContain(RECOMMENDATION);
    expect(read).toMatch(/wishes and feelings[\s\S]*not seen alone/);
  });

  it("another kind's return is today's: no such questions, and nothing kept under their names", async () => {
    const reference = await startCase(validReferralForm(NO_RISK));
    const form = await act('alex', VERBS.openReturn, { reference, agencyId: 'police' });
    expect(inputs(form).map((i) => i.id)).not.toContain('recommendations');
    await act('alex', VERBS.submitReturn, {
      ...involved({ recommendations: RECOMMENDATION }),
      reference,
      agencyId: 'police',
      submissionId: randomUUID(),
    });
    const [stored] = (await panel.store.listCaseItems<StoredReturn>(reference, 'return')).map((i) => i.doc);
    expect(stored).toMatchObject({ involved: true });
    expect(stored?.reflective).toBeUndefined();
  });
});
