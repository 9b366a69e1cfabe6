import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FAMILY_ONLY } from '../../bot/handlers/family.js';
import { VERBS } from '../../cards/verbs.js';
import { anonymise } from '../../review/case.js';
import { PANEL_CHANNEL, PEOPLE, REFERRALS_CHANNEL, type PersonKey } from '../support/activities.js';
import { actions, errorUnder, input, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { actIn, decidedCase, PARTNERSHIP_REVIEW } from '../support/review-case.js';

const LIAISON = 'DC Morgan Ashdown';
const NOTE = 'Told at home with her aunt present; she asked for letters, not calls.';
const LATER_NOTE = 'Her grandmother wrote a page about him.';

/**
 * The family's involvement in a review (issue 17): after a decision for a partnership
 * review on Tue 29 Dec 2026, the business unit (Sam) agrees the level and names the
 * liaison officer, and logs the family told of the review; the same card sent twice logs
 * it once; a mistake comes back with what was typed and each problem beside its field.
 * The reviewer (Quinn) reads the log and adds to it; a panel member (Priya) is refused.
 * Every view, change and refusal is audited, never with a name or a note, and nothing of
 * the log reaches a channel.
 */
describe.each(STORES)('the family involvement log, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = actIn({ panel, serviceUrl });
  let reference = '';
  const family = async () => (await panel.store.getCase(reference))?.family;
  const audit = async () => panel.store.listAudit(reference);
  const actionsBy = async (who: PersonKey) =>
    (await audit()).filter((e) => e.actor === PEOPLE[who].aadObjectId && e.action.startsWith('family.')).map((e) => e.action);
  /** What the Save button of a family card sends with it: the case and its submission. */
  const saveData = (card: unknown) => {
    const save = actions(card).find((a) => a.verb === VERBS.updateFamily);
    if (!save) throw new Error('no Save on the family card');
    return save.data as Record<string, string>;
  };
  const agreed = { level: 'full', whyNot: '', agreedWith: '', liaison: LIAISON, interpreter: 'true', language: 'Polish' };

  it('a decision for a partnership review; the plan card opens the family involvement card', async () => {
    reference = await decidedCase({ panel, serviceUrl }, PARTNERSHIP_REVIEW.outcome, PARTNERSHIP_REVIEW.close, PARTNERSHIP_REVIEW.at);
    expect((await panel.store.getCase(reference))?.plan?.steps.length).toBeGreaterThan(0);

    const plan = await act('sam', VERBS.showPlan, { reference });
    expect(actions(plan).find((a) => a.title === 'Family involvement')).toMatchObject({
      verb: VERBS.showFamily,
      data: { reference },
      associatedInputs: 'none',
    });
    const card = await act('sam', VERBS.showFamily, { reference });
    expect(texts(card)).toEqual(
      expect.arrayContaining([
        'Family involvement: ' + reference + ' (Young Person A)',
        'Shown only to the business unit and the reviewer. Every view and change is recorded.',
        'Family involvement: Not yet agreed',
      ]),
    );
    expect(actions(card).map((a) => [a.title, a.verb])).toEqual([
      ['Save', VERBS.updateFamily],
      ['Back', VERBS.showPlan],
    ]);
    expect(await actionsBy('sam')).toEqual(['family.viewed']);
  });

  it('the business unit agrees full involvement, names the liaison officer and logs a contact, once for the same card sent twice', async () => {
    const card = await act('sam', VERBS.showFamily, { reference });
    const sent = { ...saveData(card), ...agreed, contactOn: '2026-12-29', contactKind: 'informed', contactNote: NOTE };
    // Pressed twice at once: one press logs it, the other finds it logged.
    const answers = await Promise.all([act('sam', VERBS.updateFamily, sent), act('sam', VERBS.updateFamily, sent)]);
    const said = answers.map((a) => texts(a).find((t) => /^(Saved|Nothing changed)/.test(t))).sort();
    expect(said).toEqual(['Nothing changed.', 'Saved, and the contact logged: told of the review.']);
    const second = answers[1];
    expect(texts(second)).toEqual(
      expect.arrayContaining([
        'Family involvement: Full',
        `Liaison officer: ${LIAISON}`,
        'Interpreter: Needed: Polish',
        `Tue 29 Dec 2026: Told of the review: ${NOTE}`,
      ]),
    );
    // The card that comes back keeps what is stored, with no contact typed, for the next one.
    expect(input(second, 'liaison').value).toBe(LIAISON);
    expect(input(second, 'contactNote').value ?? '').toBe('');
    expect(saveData(second).submissionId).not.toBe(saveData(card).submissionId);

    expect(await family()).toMatchObject({
      level: 'full',
      liaison: LIAISON,
      interpreter: true,
      language: 'Polish',
      setBy: PEOPLE.sam.aadObjectId,
      contacts: [{ on: '2026-12-29', kind: 'informed', note: NOTE, by: PEOPLE.sam.aadObjectId }],
    });
    expect((await family())?.contacts).toHaveLength(1);
    const events = (await audit()).filter((e) => e.action === 'family.updated' || e.action === 'family.contactLogged');
    expect(events.map((e) => [e.action, e.detail])).toEqual([
      ['family.updated', 'level=full'],
      ['family.contactLogged', 'kind=informed'],
    ]);
  });

  it('a mistake comes back as the same card, with what was typed kept and each problem beside its field; nothing is saved', async () => {
    const card = await act('sam', VERBS.showFamily, { reference });
    const typed = {
      ...agreed,
      level: 'none',
      whyNot: '',
      agreedWith: 'the police lead',
      contactOn: '2026-12-30',
      contactKind: 'viewsSought',
      contactNote: 'Views by letter.',
    };
    const answer = await act('sam', VERBS.updateFamily, { ...saveData(card), ...typed });
    expect(errorUnder(answer, 'whyNot')).toMatch(/Say why the family is not fully involved/);
    expect(errorUnder(answer, 'contactOn')).toMatch(/cannot be in the future/);
    expect(errorUnder(answer, 'level')).toBeUndefined();
    expect(texts(answer).join('\n')).toMatch(/Nothing is saved yet: 2 answers need attention/);
    for (const [id, value] of Object.entries(typed)) expect(input(answer, id).value ?? '').toBe(value);

    const forged = await act('sam', VERBS.updateFamily, {
      ...saveData(card),
      ...agreed,
      level: 'some',
      liaison: 'x'.repeat(101),
      contactOn: '2026-02-30',
      contactKind: 'gossip',
    });
    expect(errorUnder(forged, 'level')).toMatch(/Choose the level/);
    expect(errorUnder(forged, 'liaison')).toMatch(/100 characters or fewer/);
    expect(errorUnder(forged, 'contactOn')).toMatch(/a real date/);
    expect(errorUnder(forged, 'contactKind')).toMatch(/Choose what the contact was/);
    expect(await family()).toMatchObject({ level: 'full', contacts: [{ kind: 'informed' }] });
    expect((await family())?.contacts).toHaveLength(1);
  });

  it('partial involvement is saved with why and with whom it was agreed', async () => {
    const card = await act('sam', VERBS.showFamily, { reference });
    const why = 'Her stepfather is a suspect in the criminal investigation.';
    const saved = await act('sam', VERBS.updateFamily, {
      ...saveData(card),
      ...agreed,
      level: 'partial',
      whyNot: why,
      agreedWith: 'the police lead',
    });
    expect(texts(saved)).toEqual(
      expect.arrayContaining(['Family involvement: Partial', `Why not: ${why} (agreed with the police lead)`, 'Saved.']),
    );
    expect(await family()).toMatchObject({ level: 'partial', whyNot: why, agreedWith: 'the police lead' });
    expect((await audit()).filter((e) => e.action === 'family.updated').map((e) => e.detail)).toEqual(['level=full', 'level=partial']);
  });

  it('the reviewer reads the log and adds to it, the log by date, newest last; the view is audited', async () => {
    panel.clock = new Date('2027-01-05T10:00:00Z');
    const card = await act('quinn', VERBS.showFamily, { reference }, 'personal');
    expect(texts(card).join('\n')).toContain(`Liaison officer: ${LIAISON}`);
    // The plan is the business unit's: the reviewer's card has no way back to it.
    expect(actions(card).map((a) => a.verb)).toEqual([VERBS.updateFamily]);
    const stored = (await family())!;
    const kept = {
      level: stored.level,
      whyNot: stored.whyNot,
      agreedWith: stored.agreedWith,
      liaison: LIAISON,
      interpreter: 'true',
      language: 'Polish',
    };
    const penPicture = await act(
      'quinn',
      VERBS.updateFamily,
      { ...saveData(card), ...kept, contactOn: '2027-01-05', contactKind: 'penPicture', contactNote: LATER_NOTE },
      'personal',
    );
    await act(
      'quinn',
      VERBS.updateFamily,
      { ...saveData(penPicture), ...kept, contactOn: '2027-01-04', contactKind: 'viewsSought', contactNote: '' },
      'personal',
    );
    const log = (await family())?.contacts.map((c) => [c.on, c.kind, c.by]);
    expect(log).toEqual([
      ['2026-12-29', 'informed', PEOPLE.sam.aadObjectId],
      ['2027-01-04', 'viewsSought', PEOPLE.quinn.aadObjectId],
      ['2027-01-05', 'penPicture', PEOPLE.quinn.aadObjectId],
    ]);
    // The settings were not changed: only the contacts are audited.
    expect(await actionsBy('quinn')).toEqual(['family.viewed', 'family.contactLogged', 'family.contactLogged']);
  });

  it('a panel member is refused, seeing and changing nothing, and the refusal is audited; an unknown case gets the same answer', async () => {
    const before = await family();
    expect(await act('priya', VERBS.showFamily, { reference })).toBe(FAMILY_ONLY);
    expect(await act('priya', VERBS.updateFamily, { reference, submissionId: randomUUID(), ...agreed, level: 'none', whyNot: 'x' })).toBe(
      FAMILY_ONLY,
    );
    expect(await act('priya', VERBS.showFamily, { reference: 'REF-2026-9999' })).toBe(FAMILY_ONLY);
    expect(await family()).toEqual(before);
    expect((await audit()).filter((e) => e.action === 'family.refused').map((e) => [e.actor, e.detail])).toEqual([
      [PEOPLE.priya.aadObjectId, 'view'],
      [PEOPLE.priya.aadObjectId, 'update'],
    ]);
  });

  it('nothing of the log reaches a channel, the anonymous case or the audit trail', async () => {
    // A change that refreshes the case's card in the business unit's channel, after the log.
    await act('sam', VERBS.updatePlan, { reference, step: 'reviewer', change: 'done' });
    await panel.idle();
    const record = (await panel.store.getCase(reference))!;
    const inChannels = connector.calls.filter((c) =>
      [REFERRALS_CHANNEL, PANEL_CHANNEL].some((channel) => c.path.includes(channel) || JSON.stringify(c.body).includes(channel)),
    );
    expect(inChannels.some((c) => c.method === 'PUT')).toBe(true);
    const shown = JSON.stringify(inChannels.map((c) => c.body));
    const trail = JSON.stringify(await audit());
    for (const secret of [LIAISON, NOTE, LATER_NOTE, 'Polish', 'stepfather']) {
      expect(shown).not.toContain(secret);
      expect(trail).not.toContain(secret);
      expect(JSON.stringify(anonymise(record))).not.toContain(secret);
    }
  });

  it('once the case is closed the log is kept as it was: shown, never changed', async () => {
    // A review closes once its plan is carried out.
    for (const step of (await panel.store.getCase(reference))?.plan?.steps ?? []) {
      await act('sam', VERBS.updatePlan, { reference, step: step.kind, change: 'done' });
    }
    await act('sam', VERBS.confirmClose, { reference });
    expect((await panel.store.getCase(reference))?.closedAt).toBeDefined();
    const before = await family();
    const card = await act('quinn', VERBS.showFamily, { reference }, 'personal');
    expect(texts(card).join('\n')).toMatch(/The case is closed: the log is kept as it was/);
    expect(actions(card)).toEqual([]);
    const answer = await act('sam', VERBS.updateFamily, {
      reference,
      submissionId: randomUUID(),
      ...agreed,
      contactOn: '2027-01-05',
      contactKind: 'sentReport',
    });
    expect(texts(answer).join('\n')).toMatch(/The case is closed: nothing was changed/);
    expect(await family()).toEqual(before);
  });
});
