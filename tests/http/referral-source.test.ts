import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, type PersonKey } from '../support/activities.js';
import { input, inputs, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, validReferralForm } from '../support/referral-form.js';

/**
 * Where a referral came from (issue 16, part 5): a practitioner refers from chat; the
 * business unit enters a National Panel notification, a court's, the child death
 * overview panel's or another partnership's on the sender's behalf, and the case
 * records it. Whether the caller may is read from their Teams identity.
 */
describe.each(STORES)('where a referral came from, on $name', ({ store }) => {
  const { panel, serviceUrl } = httpSuite({}, store);
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>) =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data))).value as Json;

  it('the business unit enters a National Panel notification on its behalf; the case records both', async () => {
    const submissionId = randomUUID();
    const form = await act('sam', VERBS.chooseReferralKind, { kind: 'lcspr', submissionId });
    expect(input(form, 'source').choices).toHaveLength(5);
    const ack = await act('sam', VERBS.submitReferral, {
      ...validReferralForm(NO_RISK),
      source: 'nationalPanel',
      managerConsulted: 'false',
      submissionId,
    });
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))?.[0] ?? '';
    const stored = await panel.store.getCase(reference);
    expect(stored?.referral.source).toEqual({ from: 'nationalPanel', enteredByBusinessUnit: true });
    const details = await act('sam', VERBS.viewCaseDetails, { reference });
    expect(texts(details).join('\n')).toMatch(/Came from: A National Panel notification[\s\S]*Entered by: The business unit/);
  });

  it('a practitioner is not asked, and a source a forged card sends is not read', async () => {
    const submissionId = randomUUID();
    const form = await act('dana', VERBS.chooseReferralKind, { kind: 'lcspr', submissionId });
    expect(inputs(form).map((i) => i.id)).not.toContain('source');
    const ack = await act('dana', VERBS.submitReferral, {
      ...validReferralForm(NO_RISK),
      source: 'court',
      sourceDetail: 'Crown Court',
      submissionId,
    });
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))?.[0] ?? '';
    expect((await panel.store.getCase(reference))?.referral.source).toEqual({ from: 'practitioner', enteredByBusinessUnit: false });
  });
});
