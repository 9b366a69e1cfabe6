import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReference, type CaseRecord } from '../../review/case.js';
import { localDate } from '../../review/local-date.js';
import { chatKey, ConflictError, leaseEnd, type CaseItem, type CaseItemType, type CaseStore } from '../../review/store.js';
import { updateCase } from '../../review/update-case.js';
import { childReferral } from '../unit/fixtures.js';

/** A store to hold to the contract, and how to dispose of it. */
export interface StoreUnderTest {
  open(): Promise<CaseStore>;
  stop(): Promise<void>;
}

function record(year: number, sequence: number, overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    reference: formatReference(year, sequence),
    year,
    sequence,
    descriptor: `Young Person ${String.fromCharCode(64 + (sequence % 26 || 26))}`,
    kind: 'lcspr',
    stage: 'referred',
    receivedAt: '2026-12-01T10:00:00.000Z',
    receivedOn: localDate('2026-12-01'),
    referrerAadObjectId: '11111111-1111-4111-8111-111111111111',
    clocks: { panelDate: localDate('2026-12-29') },
    referral: childReferral(),
    ...overrides,
  };
}

/**
 * One contract, unchanged, for every store: what the review workflow relies on.
 */
export function storeContract(name: string, make: () => StoreUnderTest): void {
  describe(`the store contract on ${name}`, () => {
    const under = make();
    let store: CaseStore;

    beforeAll(async () => {
      store = await under.open();
    }, 30_000);
    afterAll(async () => {
      await store.close();
      await under.stop();
    });

    it('creates a case and reads it back whole', async () => {
      const { record: created, created: isNew } = await store.createCaseOnce('a:1', 2026, (n) => record(2026, n), 'actor');
      expect(isNew).toBe(true);
      expect(created.reference).toBe('REF-2026-0001');
      expect(await store.getCase('REF-2026-0001')).toEqual(created);
      expect(await store.getCase('REF-2026-9999')).toBeUndefined();
    });

    it('a duplicate submission is detected and returns the first case', async () => {
      const again = await store.createCaseOnce('a:1', 2026, (n) => record(2026, n, { descriptor: 'Other' }), 'actor');
      expect(again.created).toBe(false);
      expect(again.record.reference).toBe('REF-2026-0001');
      expect(again.record.descriptor).not.toBe('Other');
      const next = await store.createCaseOnce('a:2', 2026, (n) => record(2026, n), 'actor');
      expect(next.record.reference).toBe('REF-2026-0002');
    });

    it('each year has its own sequence', async () => {
      const { record: first } = await store.createCaseOnce('a:2027', 2027, (n) => record(2027, n), 'actor');
      expect(first.reference).toBe('REF-2027-0001');
    });

    it('references are unique under concurrency', async () => {
      const made = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.createCaseOnce(`c:${i}`, 2028, (n) => record(2028, n), 'actor')),
      );
      const references = made.map((m) => m.record.reference);
      expect(new Set(references).size).toBe(20);
      expect(made.every((m) => m.created)).toBe(true);
    });

    it('the same submission at once makes one case', async () => {
      const made = await Promise.all(
        Array.from({ length: 5 }, () => store.createCaseOnce('same', 2029, (n) => record(2029, n), 'actor')),
      );
      expect(new Set(made.map((m) => m.record.reference))).toEqual(new Set(['REF-2029-0001']));
      expect(made.filter((m) => m.created)).toHaveLength(1);
    });

    it("a new case's claims are stored with it, once, held by the delivery that made it", async () => {
      const at = '2036-03-02T10:00:00.000Z';
      const claims = (r: CaseRecord) => [{ key: `post:${r.reference}`, caseId: r.reference, kind: 'channelPost' as const, at }];
      const made = await Promise.all(
        Array.from({ length: 3 }, () => store.createCaseOnce('claimed', 2036, (n) => record(2036, n), 'actor', claims)),
      );
      expect(made.filter((m) => m.created)).toHaveLength(1);
      const claim = await store.getNotification('REF-2036-0001', 'post:REF-2036-0001');
      expect(claim).toMatchObject({ status: 'pending', kind: 'channelPost', leaseUntil: leaseEnd({ at }) });
      // Held: nobody else may make the post until the lease has run out.
      expect(await store.takeOverNotification('REF-2036-0001', 'post:REF-2036-0001', { now: at, until: at })).toBe(false);
      await store.completeNotification('post:REF-2036-0001', { status: 'sent' }, { caseId: 'REF-2036-0001', at, actor: 'panel', action: 'channel.posted' });
      // A later delivery of the submission claims nothing again.
      await store.createCaseOnce('claimed', 2036, (n) => record(2036, n), 'actor', claims);
      expect(await store.getNotification('REF-2036-0001', 'post:REF-2036-0001')).toMatchObject({ status: 'sent' });
    });

    it('a replace with a stale etag is a conflict', async () => {
      const read = await store.getCaseVersion('REF-2026-0001');
      expect(read).toBeDefined();
      const changed = { ...read!.value, descriptor: 'Young Person Z' };
      const etag = await store.replaceCase(changed, read!.etag);
      expect(etag).not.toBe(read!.etag);
      await expect(store.replaceCase({ ...read!.value, descriptor: 'Lost' }, read!.etag)).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect((await store.getCase('REF-2026-0001'))?.descriptor).toBe('Young Person Z');
    });

    it('ten concurrent writers on one case lose no update', async () => {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          updateCase(store, 'REF-2026-0002', (c) => ({
            ...c,
            referral: { ...c.referral, reasons: `${c.referral.reasons} [writer ${i}]` },
          })),
        ),
      );
      const reasons = (await store.getCase('REF-2026-0002'))?.referral.reasons ?? '';
      for (let i = 0; i < 10; i++) expect(reasons).toContain(`[writer ${i}]`);
    });

    it('audit events of a case come back in order, from its own partition', async () => {
      const at = '2026-12-01T10:00:00.000Z';
      for (const action of ['case.created', 'channel.posted', 'case.viewed'] as const) {
        await store.appendAudit({ caseId: 'REF-2026-0001', at, actor: 'x', action });
      }
      await store.appendAudit({ caseId: 'REF-2026-0002', at, actor: 'y', action: 'case.viewed', detail: 'via=status' });
      // The first event of every case is its creation, written with the case.
      expect((await store.listAudit('REF-2026-0001')).map((e) => e.action)).toEqual([
        'case.created',
        'case.created',
        'channel.posted',
        'case.viewed',
      ]);
      expect(await store.listAudit('REF-2026-0002')).toEqual([
        { caseId: 'REF-2026-0002', at, actor: 'actor', action: 'case.created', detail: 'kind=lcspr' },
        { caseId: 'REF-2026-0002', at, actor: 'y', action: 'case.viewed', detail: 'via=status' },
      ]);
    });

    it('settings are kept', async () => {
      expect(await store.getSetting('referralChannel')).toBeUndefined();
      const channel = { channelId: '19:a', serviceUrl: 'https://smba.example', setBy: 'u', setAt: '2026-12-01T10:00:00Z' };
      await store.putSetting('referralChannel', channel);
      await store.putSetting('referralChannel', { ...channel, channelId: '19:b' });
      expect(await store.getSetting('referralChannel')).toEqual({ ...channel, channelId: '19:b' });
    });

    it('a notification is claimed once', async () => {
      const claim = { key: 'channel-post:REF-2026-0001', caseId: 'REF-2026-0001', kind: 'channelPost' as const, at: '2026-12-01T10:00:00.000Z' };
      const claims = await Promise.all([store.claimNotification(claim), store.claimNotification(claim)]);
      expect(claims.sort()).toEqual([false, true]);
    });

    it('a case past its retention is purged, everything about it, and nothing else', async () => {
      const { record: doomed } = await store.createCaseOnce('r:1', 2031, (n) => record(2031, n), 'actor');
      const { record: kept } = await store.createCaseOnce('r:2', 2031, (n) => record(2031, n), 'actor');
      await store.appendAudit({ caseId: doomed.reference, at: '2026-12-01T10:00:00.000Z', actor: 'x', action: 'case.closed' });
      await store.claimNotification({ key: `k:${doomed.reference}`, caseId: doomed.reference, kind: 'channelPost', at: '2031-01-01T00:00:00.000Z' });
      const item = (caseId: string, id: string, type: CaseItemType) =>
        ({ caseId, id, type, at: '2031-02-01T10:00:00.000Z', doc: { text: id } }) as const;
      await store.addCaseItemOnce(item(doomed.reference, 'return:police:1', 'return'));
      await store.putCaseItem(item(doomed.reference, 'draft:police', 'draft'));
      await store.addCaseItemOnce(item(kept.reference, 'return:police:1', 'return'));
      const expiresAt = '2033-12-01T10:00:00.000Z';
      await updateCase(store, doomed.reference, (c) => ({ ...c, closedAt: '2026-12-01T10:00:00.000Z', expiresAt }));
      await store.setExpiry(doomed.reference, expiresAt);
      // Written after the expiry was set: swept up all the same.
      await store.appendAudit({ caseId: doomed.reference, at: '2027-01-01T10:00:00.000Z', actor: 'x', action: 'case.viewed' });
      await store.putCaseItem({ ...item(doomed.reference, 'draft:police', 'draft'), doc: { text: 'saved again' } });
      await store.addCaseItemOnce(item(doomed.reference, 'return:health:1', 'return'));

      expect(await store.purgeExpired('2033-11-30T10:00:00.000Z')).toBe(0);
      expect(await store.getCase(doomed.reference)).toBeDefined();
      expect(await store.purgeExpired('2033-12-01T10:00:00.000Z')).toBe(1);
      expect(await store.getCase(doomed.reference)).toBeUndefined();
      expect(await store.listAudit(doomed.reference)).toEqual([]);
      const due = await store.listDueNotifications('2040-01-01T00:00:00.000Z', { limit: 100 });
      expect(due.items.map((n) => n.caseId)).not.toContain(doomed.reference);
      expect(await store.getNotification(doomed.reference, `k:${doomed.reference}`)).toBeUndefined();
      expect(await store.listCaseItems(doomed.reference, 'return')).toEqual([]);
      expect(await store.getCaseItem(doomed.reference, 'draft:police')).toBeUndefined();
      expect(await store.getCase(kept.reference)).toEqual(kept);
      const keptReturn = item(kept.reference, 'return:police:1', 'return');
      expect(await store.listCaseItems(kept.reference, 'return')).toEqual([keptReturn]);
    });

    it('the due-notifications query pages through what is still pending', async () => {
      for (let i = 0; i < 7; i++) {
        const caseId = formatReference(2030, i + 1);
        const at = `2026-12-02T09:0${i}:00.000Z`;
        await store.claimNotification({ key: `channel-post:${caseId}`, caseId, kind: 'channelPost', at });
      }
      const event = (caseId: string, action: 'channel.posted' | 'channel.post.failed') =>
        ({ caseId, at: '2026-12-02T09:10:00.000Z', actor: 'panel', action }) as const;
      const thread = '19:bu@thread.tacv2;messageid=7';
      await store.completeNotification('channel-post:REF-2030-0002', { status: 'sent', activityId: '7', conversationId: thread }, event('REF-2030-0002', 'channel.posted'));
      expect(await store.getNotification('REF-2030-0002', 'channel-post:REF-2030-0002')).toMatchObject({ status: 'sent', activityId: '7', conversationId: thread });
      await store.completeNotification('channel-post:REF-2030-0003', { status: 'failed', error: '403' }, event('REF-2030-0003', 'channel.post.failed'));
      expect((await store.listAudit('REF-2030-0002')).map((e) => e.action)).toEqual(['channel.posted']);

      const seen: string[] = [];
      let continuation: string | undefined;
      let pages = 0;
      do {
        const page = await store.listDueNotifications('2026-12-02T09:05:00.000Z', { limit: 2, ...(continuation && { continuation }) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((n) => n.caseId));
        continuation = page.continuation;
        pages++;
      } while (continuation && pages < 10);
      // Due by 09:05 on 2 December and pending: the claim of 1 December, then 2030-0001 to 0006 less 0002 (sent) and 0003 (failed).
      expect(seen).toEqual(['REF-2026-0001', 'REF-2030-0001', 'REF-2030-0004', 'REF-2030-0005', 'REF-2030-0006']);
      expect(pages).toBeGreaterThanOrEqual(3);
    });

    it('a notification is read back by its key, pending, then as it ended', async () => {
      const caseId = formatReference(2032, 1);
      const at = '2032-01-05T09:00:00.000Z';
      const completedAt = '2032-01-05T09:01:00.000Z';
      const sent = { key: `lead-request:${caseId}:police`, caseId, kind: 'leadRequest' as const, at };
      const failed = { ...sent, key: `lead-request:${caseId}:health` };
      expect(await store.getNotification(caseId, sent.key)).toBeUndefined();
      await store.claimNotification(sent);
      await store.claimNotification(failed);
      const leaseUntil = '2032-01-05T09:02:00.000Z';
      expect(await store.getNotification(caseId, sent.key)).toEqual({ ...sent, status: 'pending', dueAt: at, leaseUntil });

      const event = (action: 'rapidReview.requestSent' | 'rapidReview.requestUndelivered') =>
        ({ caseId, at: completedAt, actor: 'panel', action }) as const;
      await store.completeNotification(sent.key, { status: 'sent', activityId: 'a-1' }, event('rapidReview.requestSent'));
      await store.completeNotification(failed.key, { status: 'failed', error: '403' }, event('rapidReview.requestUndelivered'));
      expect(await store.getNotification(caseId, sent.key)).toEqual({
        ...sent,
        status: 'sent',
        dueAt: at,
        leaseUntil,
        activityId: 'a-1',
        completedAt,
      });
      expect(await store.getNotification(caseId, failed.key)).toEqual({
        ...failed,
        status: 'failed',
        dueAt: at,
        leaseUntil,
        error: '403',
        completedAt,
      });
      // A key belongs to its case.
      expect(await store.getNotification(formatReference(2032, 2), sent.key)).toBeUndefined();
    });

    it('a claim holds its notification for a lease; once it runs out, one sweep takes it over', async () => {
      const caseId = formatReference(2033, 1);
      const at = '2033-01-05T09:00:00.000Z';
      const claim = { key: `lead-request:${caseId}:police:a:1`, caseId, kind: 'leadRequest' as const, at, payload: { agencyId: 'police' } };
      await store.claimNotification(claim);
      const lease = (now: string, until: string) => store.takeOverNotification(caseId, claim.key, { now, until });
      // Still held by its claimant (2 minutes).
      expect(await lease('2033-01-05T09:01:59.000Z', '2033-01-05T09:10:00.000Z')).toBe(false);
      // The claimant died: ten sweeps at once, one takes it over.
      const takers = await Promise.all(
        Array.from({ length: 10 }, () => lease('2033-01-05T09:05:00.000Z', '2033-01-05T09:07:00.000Z')),
      );
      expect(takers.filter(Boolean)).toHaveLength(1);
      expect(await store.getNotification(caseId, claim.key)).toMatchObject({
        status: 'pending',
        leaseUntil: '2033-01-05T09:07:00.000Z',
        payload: { agencyId: 'police' },
      });
      // Done: nobody takes it over again, however late.
      await store.completeNotification(claim.key, { status: 'sent' }, { caseId, at, actor: 'panel', action: 'rapidReview.requestSent' });
      expect(await lease('2033-02-01T00:00:00.000Z', '2033-02-01T00:02:00.000Z')).toBe(false);
      expect(await store.takeOverNotification(caseId, 'no-such-key', { now: at, until: at })).toBe(false);
    });

    it('a claim that was let go is held again only when asked, and one sent or failed never', async () => {
      const caseId = formatReference(2033, 2);
      const at = '2033-01-06T09:00:00.000Z';
      const hold = (key: string, now: string, alsoLetGo?: boolean) =>
        store.takeOverNotification(caseId, key, { now, until: '2033-01-06T10:02:00.000Z', ...(alsoLetGo && { alsoLetGo }) });
      const claims = ['let-go', 'sent', 'failed'].map((name) => ({ key: `post:${caseId}:${name}`, caseId, kind: 'channelPost' as const, at }));
      for (const claim of claims) await store.claimNotification(claim);
      const [letGo, sent, failed] = claims.map((c) => c.key) as [string, string, string];
      const done = (key: string, outcome: Parameters<CaseStore['completeNotification']>[1]) =>
        store.completeNotification(key, outcome, { caseId, at, actor: 'panel', action: 'notification.skipped' });
      await done(letGo, { status: 'skipped', error: 'its case was never stored' });
      await done(sent, { status: 'sent', activityId: 'a-1' });
      await done(failed, { status: 'failed', error: 'forbidden' });

      const later = '2033-01-06T10:00:00.000Z';
      expect(await hold(letGo, later)).toBe(false);
      for (const key of [sent, failed]) expect(await hold(key, later, true)).toBe(false);
      // Five callers at once: one holds it, pending again with nothing of its last outcome.
      const holders = await Promise.all(Array.from({ length: 5 }, () => hold(letGo, later, true)));
      expect(holders.filter(Boolean)).toHaveLength(1);
      const heldAgain = await store.getNotification(caseId, letGo);
      expect(heldAgain).toMatchObject({ status: 'pending', leaseUntil: '2033-01-06T10:02:00.000Z' });
      expect(heldAgain?.error).toBeUndefined();
      expect(heldAgain?.completedAt).toBeUndefined();
      expect(await store.getNotification(caseId, sent)).toMatchObject({ status: 'sent', activityId: 'a-1' });
      expect(await store.getNotification(caseId, failed)).toMatchObject({ status: 'failed', error: 'forbidden' });
    });

    it('a notification takes one outcome: a late one, or two at once, change nothing and are not audited', async () => {
      const caseId = formatReference(2033, 3);
      const at = '2033-01-07T09:00:00.000Z';
      const claim = { key: `post:${caseId}`, caseId, kind: 'channelPost' as const, at };
      await store.claimNotification(claim);
      const outcomes = await Promise.all([
        store.completeNotification(claim.key, { status: 'sent', activityId: 'a-1' }, { caseId, at, actor: 'panel', action: 'channel.posted' }),
        store.completeNotification(claim.key, { status: 'failed', error: 'late' }, { caseId, at, actor: 'panel', action: 'channel.post.failed' }),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const first = await store.getNotification(caseId, claim.key);
      expect(await store.completeNotification(claim.key, { status: 'skipped', error: 'too late' }, { caseId, at, actor: 'panel', action: 'notification.skipped' })).toBe(false);
      expect(await store.getNotification(caseId, claim.key)).toEqual(first);
      expect((await store.listAudit(caseId)).map((e) => e.action)).toEqual([first?.status === 'sent' ? 'channel.posted' : 'channel.post.failed']);
      expect(await store.completeNotification('no-such-key', { status: 'sent' }, { caseId, at, actor: 'panel', action: 'channel.posted' })).toBe(false);
    });

    it("a claimant's outcome is refused once the outbox has taken its notification over", async () => {
      const caseId = formatReference(2033, 4);
      const at = '2033-01-08T09:00:00.000Z';
      const claim = { key: `post:${caseId}`, caseId, kind: 'channelPost' as const, at };
      await store.claimNotification(claim);
      const event = { caseId, at, actor: 'panel', action: 'channel.posted' } as const;
      // The claimant is held up past its lease; the outbox takes the post over.
      expect(await store.takeOverNotification(caseId, claim.key, { now: '2033-01-08T09:05:00.000Z', until: '2033-01-08T09:07:00.000Z' })).toBe(true);
      expect(await store.completeNotification(claim.key, { status: 'failed', error: 'late' }, event, leaseEnd(claim))).toBe(false);
      expect(await store.completeNotification(claim.key, { status: 'sent', activityId: 'a-2' }, event, '2033-01-08T09:07:00.000Z')).toBe(true);
      expect(await store.getNotification(caseId, claim.key)).toMatchObject({ status: 'sent', activityId: 'a-2' });
    });

    it('a reminder is scheduled once, waits for its time, and once skipped is no longer due', async () => {
      const caseId = formatReference(2034, 1);
      const intent = { key: `reminder:${caseId}:police:a:2034-01-09`, caseId, kind: 'reminder' as const, dueAt: '2034-01-09T09:00:00.000Z', payload: { agencyId: 'police' } };
      expect(await store.scheduleNotification(intent)).toBe(true);
      expect(await store.scheduleNotification({ ...intent, dueAt: '2034-02-01T09:00:00.000Z' })).toBe(false);
      const dueBy = async (before: string) =>
        (await store.listDueNotifications(before, { limit: 100 })).items.filter((n) => n.caseId === caseId).map((n) => n.key);
      expect(await dueBy('2034-01-09T08:59:59.000Z')).toEqual([]);
      expect(await dueBy('2034-01-09T09:00:00.000Z')).toEqual([intent.key]);
      // Nobody holds it: the first sweep after its time takes it.
      expect(await store.takeOverNotification(caseId, intent.key, { now: '2034-01-09T09:05:00.000Z', until: '2034-01-09T09:07:00.000Z' })).toBe(true);
      await store.completeNotification(intent.key, { status: 'skipped', error: 'returned' }, { caseId, at: '2034-01-09T09:05:00.000Z', actor: 'panel', action: 'reminder.skipped' });
      expect(await dueBy('2034-12-31T00:00:00.000Z')).toEqual([]);
      expect(await store.getNotification(caseId, intent.key)).toMatchObject({ status: 'skipped', error: 'returned', payload: { agencyId: 'police' } });
    });

    it('open cases are listed a page at a time, oldest first; a closed case is not', async () => {
      for (let i = 0; i < 5; i++) await store.createCaseOnce(`open:${i}`, 2035, (n) => record(2035, n), 'actor');
      await updateCase(store, formatReference(2035, 2), (r) => ({ ...r, closedAt: '2035-02-01T00:00:00.000Z' }));
      const seen: string[] = [];
      let continuation: string | undefined;
      do {
        const page = await store.listOpenCases({ limit: 2, ...(continuation && { continuation }) });
        seen.push(...page.items.map((c) => c.reference).filter((r) => r.startsWith('REF-2035')));
        continuation = page.continuation;
      } while (continuation);
      expect(seen).toEqual(['REF-2035-0001', 'REF-2035-0003', 'REF-2035-0004', 'REF-2035-0005']);
    });

    const caseItem = <T>(caseId: string, id: string, at: string, doc: T, type: CaseItemType = 'return'): CaseItem<T> =>
      ({ caseId, id, type, at, doc });

    it('an item is added once: a redelivery is refused and the first is kept', async () => {
      const caseId = formatReference(2032, 1);
      const first = caseItem(caseId, 'return:police:s1', '2032-01-06T10:00:00.000Z', { summary: 'first' });
      expect(await store.addCaseItemOnce(first)).toBe(true);
      const again = { ...first, at: '2032-01-06T11:00:00.000Z', doc: { summary: 'again' } };
      expect(await store.addCaseItemOnce(again)).toBe(false);
      expect(await store.getCaseItem(caseId, first.id)).toEqual(first);
      // Ids are unique within a case: another case may use the same one.
      const elsewhere = { ...first, caseId: formatReference(2032, 2) };
      expect(await store.addCaseItemOnce(elsewhere)).toBe(true);
      expect(await store.getCaseItem(elsewhere.caseId, first.id)).toEqual(elsewhere);
    });

    it('put creates an item, then replaces it; an absent item is undefined', async () => {
      const caseId = formatReference(2032, 1);
      expect(await store.getCaseItem(caseId, 'draft:police')).toBeUndefined();
      const draft = caseItem(caseId, 'draft:police', '2032-01-07T10:00:00.000Z', { text: 'first save' }, 'draft');
      await store.putCaseItem(draft);
      expect(await store.getCaseItem(caseId, 'draft:police')).toEqual(draft);
      const saved = { ...draft, at: '2032-01-07T11:00:00.000Z', doc: { text: 'second save', extra: [1, 2] } };
      await store.putCaseItem(saved);
      expect(await store.getCaseItem(caseId, 'draft:police')).toEqual(saved);
    });

    it("a case's items of one type come back oldest first, then by id, and only that case's", async () => {
      const caseId = formatReference(2032, 3);
      const later = '2032-01-09T10:00:00.000Z';
      const earlier = '2032-01-08T10:00:00.000Z';
      for (const item of [
        caseItem(caseId, 'return:b', later, { n: 1 }),
        caseItem(caseId, 'return:z', earlier, { n: 2 }),
        caseItem(caseId, 'return:a', later, { n: 3 }),
        caseItem(caseId, 'draft:a', earlier, { n: 4 }, 'draft'),
        caseItem(formatReference(2032, 4), 'return:c', earlier, { n: 5 }),
      ]) {
        await store.addCaseItemOnce(item);
      }
      const returns = await store.listCaseItems<{ n: number }>(caseId, 'return');
      expect(returns.map((i) => i.id)).toEqual(['return:z', 'return:a', 'return:b']);
      expect(returns[0]).toEqual(caseItem(caseId, 'return:z', earlier, { n: 2 }));
      expect((await store.listCaseItems(caseId, 'draft')).map((i) => i.id)).toEqual(['draft:a']);
      expect(await store.listCaseItems(formatReference(2032, 5), 'return')).toEqual([]);
    });

    it('an item is deleted, and deleting one that is not there is no error', async () => {
      const caseId = formatReference(2032, 3);
      await store.deleteCaseItem(caseId, 'return:a');
      expect(await store.getCaseItem(caseId, 'return:a')).toBeUndefined();
      expect((await store.listCaseItems(caseId, 'return')).map((i) => i.id)).toEqual(['return:z', 'return:b']);
      await store.deleteCaseItem(caseId, 'return:a');
      await store.deleteCaseItem(formatReference(2032, 9), 'never');
    });

    it("a person's one-to-one chat is kept as a setting of its own", async () => {
      const key = chatKey('33333333-3333-4333-8333-33333333ABCD');
      expect(key).toBe('chat:33333333-3333-4333-8333-33333333abcd');
      expect(await store.getSetting(key)).toBeUndefined();
      const chat = { conversationId: 'a:1xyz', serviceUrl: 'https://smba.example', tenantId: 't', at: '2032-01-05T09:00:00Z' };
      await store.putSetting(key, chat);
      expect(await store.getSetting(key)).toEqual(chat);
      expect(await store.getSetting(chatKey('44444444-4444-4444-8444-444444444444'))).toBeUndefined();
      expect(await store.getSetting('referralChannel')).toMatchObject({ channelId: '19:b' });
    });
  });
}
