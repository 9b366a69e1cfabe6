import { describe, expect, it } from 'vitest';
import { BUSINESS_UNIT_ONLY } from '../../bot/handlers/rapid-review.js';
import { VERBS } from '../../cards/verbs.js';
import { effectsOf } from '../../review/effects.js';
import { personalMessage, REFERRALS_CHANNEL } from '../support/activities.js';
import { cardOf, errorUnder, texts } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { actIn, decidedCase, PARTNERSHIP_REVIEW } from '../support/review-case.js';

const WHY = 'The reviewer starts on 11 January.';

/**
 * A review's plan (issue 17, first part): a decision for a partnership review on Tue
 * 29 Dec 2026 lays out its steps from Suffolk's process, each dated between the decision
 * and the review's due date (Thu 25 Mar 2027, before Easter) on working days, over the new
 * year's bank holiday. The business unit moves a step's date with a reason and marks a step done; the
 * case's card shows the plan's progress (never the reason); the business unit is reminded
 * of each step in the case's thread.
 */
describe.each(STORES)("a review's plan, on $name", ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({}, store);
  const act = actIn({ panel, serviceUrl });
  let reference = '';
  const stepReminders = async () =>
    effectsOf((await panel.store.getCase(reference))!).filter((e) => e.kind === 'stepReminder' && e.payload?.step === 'termsOfReference');

  it('a decision for a partnership review lays out its plan, dated over the bank holiday', async () => {
    reference = await decidedCase({ panel, serviceUrl }, PARTNERSHIP_REVIEW.outcome, PARTNERSHIP_REVIEW.close, PARTNERSHIP_REVIEW.at);

    const record = await panel.store.getCase(reference);
    // Three months on is Easter Monday 2027: the working day before Good Friday.
    expect(record?.clocks.reviewDue).toBe('2027-03-25');
    const steps = record?.plan?.steps ?? [];
    expect(steps).toHaveLength(10);
    // 61 working days from the decision to the due date; 1 January is a bank holiday.
    expect(steps.slice(0, 2)).toEqual([
      { kind: 'reviewer', dueOn: '2027-01-04' },
      { kind: 'termsOfReference', dueOn: '2027-01-07' },
    ]);
    expect(steps.at(-1)).toEqual({ kind: 'signOff', dueOn: '2027-03-25' });
    expect((await stepReminders()).map((e) => e.payload?.on)).toEqual(['2027-01-04', '2027-01-06', '2027-01-07']);
  });

  it('only the business unit sees and changes it; anyone else is refused, and the refusal audited', async () => {
    expect(await act('priya', VERBS.showPlan, { reference })).toBe(BUSINESS_UNIT_ONLY);
    expect(await act('priya', VERBS.updatePlan, { reference, step: 'reviewer', change: 'done' })).toBe(BUSINESS_UNIT_ONLY);
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toContain('plan.refused');
  });

  it("a step's date moves with a reason, and its reminders with it; a step is marked done", async () => {
    const form = await act('sam', VERBS.showPlan, { reference });
    expect(texts(form).join('\n')).toMatch(/Terms of reference agreed: due Thu 7 Jan 2027; the business unit/);
    const noWhy = await act('sam', VERBS.updatePlan, { reference, step: 'termsOfReference', change: 'move', dueOn: '2027-01-14', why: '' });
    expect(errorUnder(noWhy, 'why')).toMatch(/Say why/);
    await act('sam', VERBS.updatePlan, { reference, step: 'termsOfReference', change: 'move', dueOn: '2027-01-14', why: WHY });
    const reminders = await stepReminders();
    expect(reminders.filter((e) => e.status === 'pending').map((e) => e.payload?.on)).toEqual(['2027-01-11', '2027-01-13', '2027-01-14']);
    expect(reminders.filter((e) => e.payload?.dueOn === '2027-01-07').every((e) => e.status === 'skipped')).toBe(true);

    const done = await act('sam', VERBS.updatePlan, { reference, step: 'reviewer', change: 'done' });
    expect(texts(done).join('\n')).toMatch(/Reviewer named, any conflict of interest declared: done Tue 29 Dec 2026/);
    const record = await panel.store.getCase(reference);
    expect(record?.plan?.steps[1]?.moves).toMatchObject([{ from: '2027-01-07', to: '2027-01-14', reason: WHY }]);
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['plan.stepMoved', 'plan.stepDone']),
    );

    await panel.idle();
    const post = record?.effects?.['channel-post'];
    const shared = texts(cardOf(connector.matching('PUT', new RegExp(`/activities/${post?.activityId}$`)).at(-1)!.body)).join('\n');
    // `my tasks` lists each review's next step for the business unit.
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'sam', 'my tasks'));
    const told = connector.calls
      .slice(before)
      .map((c) => String(c.body.text))
      .join('\n');
    expect(told).toMatch(
      new RegExp(`${reference} \\(Young Person A\\): Review team: a representative of each agency involved, due Fri 8 Jan 2027`),
    );
    // The next step is now the review team's: the terms of reference moved after it.
    expect(shared).toMatch(/Review plan: 1 of 10 steps done; next: Review team: a representative of each agency involved, Fri 8 Jan 2027/);
    expect(shared).not.toContain(WHY);
  });

  it("the business unit is reminded of a step on its day, in the case's thread", async () => {
    panel.clock = new Date('2027-01-14T09:05:00Z');
    const before = connector.calls.length;
    await panel.panel.deps.effects.sweep();
    await panel.idle();
    const said = connector.calls
      .slice(before)
      .filter((c) => c.method === 'POST' && c.path.startsWith(`/v3/conversations/${REFERRALS_CHANNEL};messageid=`))
      .map((c) => String(c.body.text));
    expect(said).toContainEqual(expect.stringMatching(/review plan's step "Terms of reference agreed" is due today/));
  });

  it('publication: its date, the notice due 7 working days before it as a duty, the checklist; recorded done, the reminders stop', async () => {
    const soon = await act('sam', VERBS.updatePublication, { reference, publishOn: '2027-01-20', checks: '' });
    expect(errorUnder(soon, 'publishOn')).toMatch(/7 working days before publication: choose 2027-01-25 or later/);
    const forged = await act('sam', VERBS.updatePublication, { reference, publishOn: '2027-02-01', checks: 'proofread,bribes' });
    expect(errorUnder(forged, 'checks')).toMatch(/from the checklist/);
    expect(await act('priya', VERBS.updatePublication, { reference, publishOn: '2027-02-01', checks: '' })).toBe(BUSINESS_UNIT_ONLY);

    const saved = await act('sam', VERBS.updatePublication, { reference, publishOn: '2027-02-01', checks: 'proofread,embargo' });
    expect(texts(saved).join('\n')).toMatch(/Publication saved/);
    const record = await panel.store.getCase(reference);
    expect(record?.publication).toMatchObject({ on: '2027-02-01', checks: ['proofread', 'embargo'] });
    expect(record?.clocks.publicationNoticeDue).toBe('2027-01-21');
    const reminders = () =>
      panel.store
        .getCase(reference)
        .then((r) => effectsOf(r!).filter((e) => e.kind === 'dutyReminder' && e.payload?.duty === 'publicationNotice'));
    expect((await reminders()).map((e) => e.payload?.when)).toEqual(['before', 'before', 'due', 'overdue']);

    const early = await act('sam', VERBS.updatePublication, {
      reference,
      publishOn: '2027-02-01',
      checks: 'proofread,embargo',
      link: 'https://safeguarding.example.org/reviews/ref-2026-0001',
    });
    expect(errorUnder(early, 'link')).toMatch(/once it is published, on 2027-02-01/);

    await act('sam', VERBS.recordDuty, { reference, duty: 'publicationNotice', notification: '' });
    expect((await panel.store.getCase(reference))?.duties?.publicationNotice).toMatchObject({ on: '2027-01-14' });
    expect((await reminders()).filter((e) => e.status === 'pending')).toEqual([]);
  });

  it('published, its link is kept and the date it stays online until: a year on', async () => {
    panel.clock = new Date('2027-02-02T10:00:00Z');
    const bad = await act('sam', VERBS.updatePublication, {
      reference,
      publishOn: '2027-02-01',
      checks: 'proofread',
      link: 'javascript:alert(1)',
    });
    expect(errorUnder(bad, 'link')).toMatch(/https:\/\//);
    const link = 'https://safeguarding.example.org/reviews/ref-2026-0001';
    const saved = await act('sam', VERBS.updatePublication, { reference, publishOn: '2027-02-01', checks: 'proofread,embargo', link });
    expect(texts(saved).join('\n')).toMatch(/Published: Mon 1 Feb 2027, online until at least Tue 1 Feb 2028/);
    expect((await panel.store.getCase(reference))?.publication).toMatchObject({ link, onlineUntil: '2028-02-01' });
  });
});
