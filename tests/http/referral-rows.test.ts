import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { MAX_ROWS } from '../../review/referral.js';
import { cardAction, type PersonKey } from '../support/activities.js';
import { actions, errorUnder, input, inputs, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, validReferralForm } from '../support/referral-form.js';

const FAMILY = [
  ['Morgan Brook', 'Mother'],
  ['Lee Brook', 'Father'],
  ['Ash Brook', 'Brother'],
  ['Robin Hale', 'Grandmother'],
  ['Sky Hale', 'Aunt'],
] as const;

/**
 * Family members and professionals are rows the referrer adds and removes (issue 16,
 * part 5): each button brings the same card back, a row more or less, what was typed
 * kept; a submission with a problem keeps every row too.
 */
describe.each(STORES)('rows of family members and professionals, on $name', ({ store }) => {
  const { panel, serviceUrl } = httpSuite({}, store);

  /** What a Teams client sends for a button: every input as it stands, what was typed over it, the button's data. */
  const press = async (who: PersonKey, card: Json, title: string, typed: Record<string, string> = {}) => {
    const action = actions(card).find((a) => a.title === title);
    if (!action) throw new Error(`no button "${title}" on the card`);
    const values = Object.fromEntries(inputs(card).map((i) => [String(i.id), String(i.value ?? '')]));
    const answer = await panel.invoke(
      cardAction(serviceUrl(), who, String(action.verb), { ...values, ...typed, ...(action.data as Json) }),
    );
    return answer.value as Json;
  };

  const start = async () => {
    const answer = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.chooseReferralKind, { kind: 'lcspr', submissionId: randomUUID() }),
    );
    return answer.value as Json;
  };

  it('five family members, added one row at a time, are all kept through a submission with a problem', async () => {
    let card = await start();
    expect(inputs(card).filter((i) => /^family\d+Name$/.test(String(i.id)))).toHaveLength(1);
    // Everything but the family typed first, with one mistake: a bad email address.
    const typed: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...validReferralForm(NO_RISK), referrerEmail: 'dana at school' })) {
      if (typeof v === 'string' && !/^(family|kind)/.test(k)) typed[k] = v;
    }
    for (const [i, [name, relationship]] of FAMILY.entries()) {
      const row = { ...(i === 0 ? typed : {}), [`family${i + 1}Name`]: name, [`family${i + 1}Relationship`]: relationship };
      card = await press('dana', card, i < FAMILY.length - 1 ? 'Add family member' : 'Submit referral', row);
    }
    expect(errorUnder(card, 'referrerEmail')).toMatch(/email/);
    FAMILY.forEach(([name, relationship], i) => {
      expect(input(card, `family${i + 1}Name`).value).toBe(name);
      expect(input(card, `family${i + 1}Relationship`).value).toBe(relationship);
    });
    expect(input(card, 'summary').value).toBe(typed.summary);
    expect(inputs(card).filter((i) => /^family\d+Name$/.test(String(i.id)))).toHaveLength(5);

    card = await press('dana', card, 'Submit referral', { referrerEmail: 'dana.evans@school.example.org' });
    const reference = /REF-\d{4}-\d{4}/.exec(JSON.stringify(card))?.[0];
    const stored = await panel.store.getCase(reference ?? '');
    expect(stored?.referral.family.map((f) => [f.name, f.relationship])).toEqual(FAMILY.map(([n, r]) => [n, r]));
  });

  it('removing the last row drops only it; an emptied row between others is closed up', async () => {
    let card = await start();
    card = await press('dana', card, 'Add professional', { professional1Name: 'Class teacher', professional1Agency: 'Elm Row Primary' });
    card = await press('dana', card, 'Add professional', { professional2Name: 'GP', professional2Agency: 'Health' });
    card = await press('dana', card, 'Remove professional 3', { professional3Name: 'Typed by mistake' });
    expect(
      inputs(card)
        .filter((i) => /^professional\d+Name$/.test(String(i.id)))
        .map((i) => i.value),
    ).toEqual(['Class teacher', 'GP']);

    card = await press('dana', card, 'Add professional', {
      professional1Name: '',
      professional1Agency: '',
      professional3Name: 'Health visitor',
    });
    expect(
      inputs(card)
        .filter((i) => /^professional\d+Name$/.test(String(i.id)))
        .map((i) => i.value),
    ).toEqual(['GP', 'Health visitor', '']);
  });

  it(`stops adding at ${MAX_ROWS} rows, which Teams can carry`, async () => {
    let card = await start();
    for (let i = 1; i < MAX_ROWS; i++) card = await press('dana', card, 'Add family member');
    expect(inputs(card).filter((i) => /^family\d+Name$/.test(String(i.id)))).toHaveLength(MAX_ROWS);
    expect(actions(card).map((a) => a.title)).not.toContain('Add family member');
  });

  it('a button from a card that names no known change is an out-of-date card, not a crash', async () => {
    const answer = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.changeReferralRows, { kind: 'lcspr', submissionId: randomUUID(), rows: 'family:explode' }),
    );
    expect(JSON.stringify(answer.value)).toMatch(/out of date/);
  });
});
