import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTNERSHIP_AUDIT } from '../../review/audit.js';
import { GENESIS, verifyTrail } from '../../review/audit-chain.js';
import { formatReference, type CaseRecord } from '../../review/case.js';
import { purgeExpired } from '../../review/retention.js';
import { localDate } from '../../review/local-date.js';
import { leased, owe } from '../../review/effects.js';
import { chatKey, ConflictError, type CaseItem, type CaseItemType, type CaseStore } from '../../review/store.js';
import { updateCase, updateCaseVersion } from '../../review/update-case.js';
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
      const made = await Promise.all(Array.from({ length: 5 }, () => store.createCaseOnce('same', 2029, (n) => record(2029, n), 'actor')));
      expect(new Set(made.map((m) => m.record.reference))).toEqual(new Set(['REF-2029-0001']));
      expect(made.filter((m) => m.created)).toHaveLength(1);
    });

    it("a new case's effects are stored in it, once, however many deliveries make it at once", async () => {
      const at = '2036-03-02T10:00:00.000Z';
      const build = (n: number) => owe(record(2036, n), { key: 'channel-post', kind: 'channelPost', dueAt: at });
      const made = await Promise.all(Array.from({ length: 3 }, () => store.createCaseOnce('claimed', 2036, build, 'actor')));
      expect(made.filter((m) => m.created)).toHaveLength(1);
      expect((await store.getCase('REF-2036-0001'))?.effects).toEqual({
        'channel-post': { key: 'channel-post', kind: 'channelPost', status: 'pending', dueAt: at, attempts: 0 },
      });
      expect((await store.listDueCases(at, { limit: 100 })).items).toContainEqual({ reference: 'REF-2036-0001', dueAt: at });
      expect((await store.listAudit('REF-2036-0001')).map((e) => e.action)).toEqual(['case.created']);
    });

    it('a change is written with its audit events and items, all or nothing', async () => {
      const { record: made } = await store.createCaseOnce('beside', 2037, (n) => record(2037, n), 'actor');
      const read = await store.getCaseVersion(made.reference);
      const event = {
        caseId: made.reference,
        at: '2037-01-02T10:00:00.000Z',
        actor: 'x',
        action: 'vote.cast' as const,
        detail: 'ballot=1',
      };
      const item = { caseId: made.reference, id: 'decision:1', type: 'decision' as const, at: event.at, doc: { n: 1 } };
      await store.replaceCase({ ...read!.value, descriptor: 'Young Person Y' }, read!.etag, { audit: [event], items: [item] });
      expect((await store.listAudit(made.reference)).map((e) => e.action)).toEqual(['case.created', 'vote.cast']);
      expect(await store.getCaseItem(made.reference, 'decision:1')).toEqual(item);
      // With a stale etag, nothing beside it is written either.
      await expect(
        store.replaceCase({ ...read!.value, descriptor: 'Lost' }, read!.etag, {
          audit: [{ ...event, action: 'vote.changed' }],
          items: [{ ...item, id: 'decision:2' }],
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect((await store.listAudit(made.reference)).map((e) => e.action)).toEqual(['case.created', 'vote.cast']);
      expect(await store.getCaseItem(made.reference, 'decision:2')).toBeUndefined();
      expect((await store.getCase(made.reference))?.descriptor).toBe('Young Person Y');
    });

    it('an effect is taken by one of several runners at once', async () => {
      const at = '2038-01-05T10:00:00.000Z';
      const { record: made } = await store.createCaseOnce(
        'leased',
        2038,
        (n) => owe(record(2038, n), { key: 'feedback:1', kind: 'feedback', dueAt: at }),
        'actor',
      );
      const take = (holder: string) =>
        updateCaseVersion(store, made.reference, (r) => leased(r, 'feedback:1', { holder, until: '2038-01-05T10:05:00.000Z' }, at) ?? r);
      const taken = await Promise.all(['a', 'b', 'c', 'd'].map(take));
      const holders = new Set(taken.map((t) => t.value.effects?.['feedback:1']?.lease?.holder));
      expect(holders.size).toBe(1);
      // Held: due again only when its lease runs out.
      expect((await store.listDueCases(at, { limit: 100 })).items.map((d) => d.reference)).not.toContain(made.reference);
      expect((await store.listDueCases('2038-01-05T10:05:00.000Z', { limit: 100 })).items).toContainEqual({
        reference: made.reference,
        dueAt: '2038-01-05T10:05:00.000Z',
      });
    });

    it('a replace with a stale etag is a conflict', async () => {
      const read = await store.getCaseVersion('REF-2026-0001');
      expect(read).toBeDefined();
      const changed = { ...read!.value, descriptor: 'Young Person Z' };
      const etag = await store.replaceCase(changed, read!.etag);
      expect(etag).not.toBe(read!.etag);
      await expect(store.replaceCase({ ...read!.value, descriptor: 'Lost' }, read!.etag)).rejects.toBeInstanceOf(ConflictError);
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
      const second = await store.listAudit('REF-2026-0002');
      expect(second).toMatchObject([
        { caseId: 'REF-2026-0002', at, actor: 'actor', action: 'case.created', detail: 'kind=lcspr', seq: 1, prev: GENESIS },
        { caseId: 'REF-2026-0002', at, actor: 'y', action: 'case.viewed', detail: 'via=status', seq: 2, prev: second[0]!.hash },
      ]);
      expect(verifyTrail('REF-2026-0002', second, await store.getAuditHead('REF-2026-0002'))).toBeUndefined();
    });

    it('every trail is one chain, however many write to it at once', async () => {
      const { record: made } = await store.createCaseOnce('chain:1', 2037, (n) => record(2037, n), 'actor');
      const at = '2037-01-01T10:00:00.000Z';
      await Promise.all([
        ...Array.from({ length: 6 }, (_, i) => store.appendAudit({ caseId: made.reference, at, actor: `v${i}`, action: 'case.viewed' })),
        ...Array.from({ length: 4 }, (_, i) =>
          updateCase(store, made.reference, (r) => ({
            record: { ...r, descriptor: `${r.descriptor}.` },
            audit: [{ caseId: made.reference, at, actor: `w${i}`, action: 'vote.cast' as const }],
          })),
        ),
        ...Array.from({ length: 3 }, (_, i) => store.appendAudit({ caseId: PARTNERSHIP_AUDIT, at, actor: `p${i}`, action: 'case.listed' })),
      ]);
      const trail = await store.listAudit(made.reference);
      expect(trail.map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
      expect(trail.filter((e) => e.action === 'vote.cast')).toHaveLength(4);
      expect(verifyTrail(made.reference, trail, await store.getAuditHead(made.reference))).toBeUndefined();
      const partnership = await store.listAudit(PARTNERSHIP_AUDIT);
      expect(verifyTrail(PARTNERSHIP_AUDIT, partnership, await store.getAuditHead(PARTNERSHIP_AUDIT))).toBeUndefined();
      expect(await store.listAuditTrails()).toEqual(expect.arrayContaining([made.reference, PARTNERSHIP_AUDIT, 'REF-2026-0001']));
    });

    it('two instances writing one trail in turn keep one chain: a stale head is found and linked after', async () => {
      const other = await under.open();
      try {
        const { record: made } = await store.createCaseOnce('chain:2', 2037, (n) => record(2037, n), 'actor');
        const at = '2037-02-01T10:00:00.000Z';
        const view = (by: CaseStore, actor: string) => by.appendAudit({ caseId: made.reference, at, actor, action: 'case.viewed' });
        await view(store, 'a1');
        await view(other, 'b1');
        await view(store, 'a2'); // what this instance knew of the head is stale
        await updateCase(other, made.reference, (r) => ({
          record: { ...r, descriptor: 'Young Person Z' },
          audit: [{ caseId: made.reference, at, actor: 'b2', action: 'vote.cast' }],
        }));
        await updateCase(store, made.reference, (r) => ({
          record: { ...r, descriptor: 'Young Person Y' },
          audit: [{ caseId: made.reference, at, actor: 'a3', action: 'vote.cast' }],
        }));
        const trail = await other.listAudit(made.reference);
        expect(trail.map((e) => [e.seq, e.actor])).toEqual([
          [1, 'actor'],
          [2, 'a1'],
          [3, 'b1'],
          [4, 'a2'],
          [5, 'b2'],
          [6, 'a3'],
        ]);
        expect(verifyTrail(made.reference, trail, await other.getAuditHead(made.reference))).toBeUndefined();
      } finally {
        await other.close();
      }
    });

    it('settings are kept', async () => {
      expect(await store.getSetting('referralChannel')).toBeUndefined();
      const channel = { channelId: '19:a', serviceUrl: 'https://smba.example', setBy: 'u', setAt: '2026-12-01T10:00:00Z' };
      await store.putSetting('referralChannel', channel);
      await store.putSetting('referralChannel', { ...channel, channelId: '19:b' });
      expect(await store.getSetting('referralChannel')).toEqual({ ...channel, channelId: '19:b' });
    });

    it('a case past its retention is purged, everything about it, and nothing else', async () => {
      const { record: doomed } = await store.createCaseOnce('r:1', 2031, (n) => record(2031, n), 'actor');
      const { record: kept } = await store.createCaseOnce('r:2', 2031, (n) => record(2031, n), 'actor');
      await store.appendAudit({ caseId: doomed.reference, at: '2026-12-01T10:00:00.000Z', actor: 'x', action: 'case.closed' });
      await updateCase(store, doomed.reference, (c) =>
        owe(c, { key: 'channel-post', kind: 'channelPost', dueAt: '2031-01-01T00:00:00.000Z' }),
      );
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

      const purge = (at: string) => purgeExpired({ store, partnership: { timezone: 'Europe/London' }, now: () => new Date(at) });
      expect((await store.listExpiries()).map((e) => e.reference)).toContain(doomed.reference);
      expect(await purge('2033-11-30T10:00:00.000Z')).toEqual([]);
      expect(await store.getCase(doomed.reference)).toBeDefined();
      expect(await purge('2033-12-01T10:00:00.000Z')).toEqual([doomed.reference]);
      expect(await store.getCase(doomed.reference)).toBeUndefined();
      expect(await store.listAudit(doomed.reference)).toEqual([]);
      expect(await store.getAuditHead(doomed.reference)).toBeUndefined();
      expect((await store.listExpiries()).map((e) => e.reference)).not.toContain(doomed.reference);
      const tombstones = (await store.listTombstones()).filter((t) => t.reference === doomed.reference);
      expect(tombstones).toMatchObject([
        { reference: doomed.reference, expiresAt, purgedAt: '2033-12-01T10:00:00.000Z', audit: { events: 3 } },
      ]);
      expect(tombstones[0]!.figures).toMatchObject({ reference: doomed.reference, kind: 'lcspr', receivedOn: '2026-12-01' });
      const purged = async () =>
        (await store.listAudit(PARTNERSHIP_AUDIT)).filter((e) => e.action === 'case.purged' && e.detail?.includes(doomed.reference));
      expect(await purged()).toHaveLength(1);
      // Run again, as a second instance's purge would: nothing more is written.
      const burial = { tombstone: tombstones[0]!, event: (await purged())[0]! };
      await store.purgeCase(doomed.reference, burial);
      expect((await store.listTombstones()).filter((t) => t.reference === doomed.reference)).toHaveLength(1);
      expect(await purged()).toHaveLength(1);
      const due = await store.listDueCases('2040-01-01T00:00:00.000Z', { limit: 100 });
      expect(due.items.map((d) => d.reference)).not.toContain(doomed.reference);
      expect(await store.listCaseItems(doomed.reference, 'return')).toEqual([]);
      expect(await store.getCaseItem(doomed.reference, 'draft:police')).toBeUndefined();
      expect(await store.getCase(kept.reference)).toEqual(kept);
      const keptReturn = item(kept.reference, 'return:police:1', 'return');
      expect(await store.listCaseItems(kept.reference, 'return')).toEqual([keptReturn]);
    });

    it('the due-cases query pages through cases with a pending effect due, soonest first', async () => {
      for (let i = 0; i < 7; i++) {
        const at = `2026-12-02T09:0${i}:00.000Z`;
        await store.createCaseOnce(
          `due:${i}`,
          2030,
          (n) => owe(record(2030, n), { key: 'channel-post', kind: 'channelPost', dueAt: at }),
          'actor',
        );
      }
      // Done, or failed: no longer due.
      const done = async (reference: string, status: 'sent' | 'failed') =>
        updateCase(store, reference, (r) => ({
          ...r,
          effects: { ...r.effects, 'channel-post': { ...r.effects!['channel-post']!, status } },
        }));
      await done('REF-2030-0002', 'sent');
      await done('REF-2030-0003', 'failed');

      const seen: string[] = [];
      let continuation: string | undefined;
      let pages = 0;
      do {
        const page = await store.listDueCases('2026-12-02T09:05:00.000Z', { limit: 2, ...(continuation && { continuation }) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((d) => d.reference).filter((r) => r.startsWith('REF-2030')));
        continuation = page.continuation;
        pages++;
      } while (continuation && pages < 10);
      // Due by 09:05 and pending: 2030-0001 to 0006 less 0002 (sent) and 0003 (failed).
      expect(seen).toEqual(['REF-2030-0001', 'REF-2030-0004', 'REF-2030-0005', 'REF-2030-0006']);
      expect(pages).toBeGreaterThanOrEqual(2);
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

    it('every case is listed a page at a time, oldest first, closed ones too', async () => {
      const seen: string[] = [];
      let continuation: string | undefined;
      do {
        const page = await store.listCases({ limit: 2, ...(continuation && { continuation }) });
        seen.push(...page.items.map((c) => c.reference).filter((r) => r.startsWith('REF-2035')));
        continuation = page.continuation;
      } while (continuation);
      expect(seen).toEqual(['REF-2035-0001', 'REF-2035-0002', 'REF-2035-0003', 'REF-2035-0004', 'REF-2035-0005']);
    });

    const caseItem = <T>(caseId: string, id: string, at: string, doc: T, type: CaseItemType = 'return'): CaseItem<T> => ({
      caseId,
      id,
      type,
      at,
      doc,
    });

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
