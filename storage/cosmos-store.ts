import type { Container, CosmosClient, ItemDefinition } from '@azure/cosmos';
import { PARTNERSHIP_AUDIT, type AuditEvent } from '../review/audit.js';
import type { AuditHead, ChainedAuditEvent } from '../review/audit-chain.js';
import type { Tombstone } from '../review/case-figures.js';
import type { CaseRecord } from '../review/case.js';
import { openContainers, type CosmosStoreOptions } from './cosmos-containers.js';
import { createCaseOnce, replaceCase } from './cosmos-create.js';
import { chainUnlinkedAudit, moveNotifications } from './cosmos-upgrade.js';
import { appendAudit, Heads, listAudit, listTrails, readHead } from './cosmos-audit.js';
import {
  byAtThenId,
  EXPIRY_PK,
  fromStored,
  guard,
  itemId,
  statusOf,
  strip,
  toStored,
  tombstoneId,
  type StoredCaseItem,
} from './cosmos-items.js';
import type { CaseItem, CaseItemType, CaseStore, CaseWrite, DueCase, Expiry, Page, Settings, Versioned } from '../review/store.js';

/** The Azure Cosmos DB for NoSQL store. Open it with `CosmosStore.open`. */
export class CosmosStore implements CaseStore {
  private readonly heads: Heads;

  private constructor(
    private readonly client: CosmosClient,
    private readonly cases: Container,
    private readonly meta: Container,
  ) {
    this.heads = new Heads(cases);
  }

  /**
   * Connects, and creates the database and containers if they are missing. Fails with
   * a StoreUnavailableError that says whether Cosmos DB could not be reached or refused
   * Panel's credentials.
   */
  static async open(options: CosmosStoreOptions): Promise<CosmosStore> {
    const { client, cases, meta } = await openContainers(options);
    await moveNotifications(cases);
    await chainUnlinkedAudit(cases);
    return new CosmosStore(client, cases, meta);
  }

  async createCaseOnce(
    submissionKey: string,
    year: number,
    build: (sequence: number) => CaseRecord,
    actor: string,
  ): Promise<{ record: CaseRecord; created: boolean; etag: string }> {
    return createCaseOnce({ cases: this.cases, meta: this.meta, heads: this.heads }, { submissionKey, year, build, actor });
  }

  async getCase(reference: string): Promise<CaseRecord | undefined> {
    return (await this.getCaseVersion(reference))?.value;
  }

  async listOpenCases(page: { limit: number; continuation?: string }): Promise<Page<CaseRecord>> {
    return this.casesPage('AND NOT IS_DEFINED(c.closedAt)', page);
  }

  async listCases(page: { limit: number; continuation?: string }): Promise<Page<CaseRecord>> {
    return this.casesPage('', page);
  }

  /** Cross-partition: one `case` item per partition, indexed on type, read a page at a time. */
  private async casesPage(
    where: 'AND NOT IS_DEFINED(c.closedAt)' | '',
    page: { limit: number; continuation?: string },
  ): Promise<Page<CaseRecord>> {
    const iterator = this.cases.items.query<CaseRecord & ItemDefinition>(
      { query: `SELECT * FROM c WHERE c.type = 'case' ${where} ORDER BY c.caseId` },
      { maxItemCount: page.limit, ...(page.continuation && { continuationToken: page.continuation }) },
    );
    const { resources, continuationToken } = await guard('cases', () => iterator.fetchNext());
    const items = resources.map((r) => strip<CaseRecord>(r));
    return continuationToken ? { items, continuation: continuationToken } : { items };
  }

  async getCaseVersion(reference: string): Promise<Versioned<CaseRecord> | undefined> {
    const { resource, etag } = await guard('case', () => this.cases.item('case', reference).read());
    return resource ? { value: strip<CaseRecord>(resource), etag } : undefined;
  }

  async replaceCase(record: CaseRecord, etag: string, also: CaseWrite = {}): Promise<string> {
    return replaceCase({ cases: this.cases, heads: this.heads }, record, etag, also);
  }

  async listDueCases(before: string, page: { limit: number; continuation?: string }): Promise<Page<DueCase>> {
    // Cross-partition: the case documents' indexed next-due time, a page at a time.
    const iterator = this.cases.items.query<{ caseId: string; nextDueAt: string }>(
      {
        query: "SELECT c.caseId, c.nextDueAt FROM c WHERE c.type = 'case' AND c.nextDueAt <= @before ORDER BY c.nextDueAt",
        parameters: [{ name: '@before', value: before }],
      },
      { maxItemCount: page.limit, ...(page.continuation && { continuationToken: page.continuation }) },
    );
    const { resources, continuationToken } = await guard('due cases', () => iterator.fetchNext());
    const items = resources.map((r) => ({ reference: r.caseId, dueAt: r.nextDueAt }));
    return continuationToken ? { items, continuation: continuationToken } : { items };
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    await appendAudit(this.cases, this.heads, event);
  }

  async listAudit(caseId: string): Promise<ChainedAuditEvent[]> {
    return listAudit(this.cases, caseId);
  }

  async getAuditHead(trail: string): Promise<AuditHead | undefined> {
    return (await readHead(this.cases, trail)).head;
  }

  async listAuditTrails(): Promise<string[]> {
    return listTrails(this.cases);
  }

  async getSetting<K extends keyof Settings>(key: K): Promise<Settings[K] | undefined> {
    const { resource } = await guard('setting', () => this.meta.item(key, 'settings').read<{ value: Settings[K] }>());
    return resource?.value;
  }

  async putSetting<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
    await guard('setting', () => this.meta.items.upsert({ id: key, pk: 'settings', value }));
  }

  async addCaseItemOnce<T>(item: CaseItem<T>): Promise<boolean> {
    try {
      await guard('case item', () => this.cases.items.create(toStored(item)));
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  async putCaseItem<T>(item: CaseItem<T>): Promise<void> {
    await guard('case item', () => this.cases.items.upsert(toStored(item)));
  }

  async getCaseItem<T>(caseId: string, id: string): Promise<CaseItem<T> | undefined> {
    const { resource } = await guard('case item', () => this.cases.item(itemId(id), caseId).read<StoredCaseItem>());
    return resource ? fromStored<T>(resource) : undefined;
  }

  /**
   * ORDER BY on two properties needs a composite index, which an existing container
   * would not gain from a changed policy; a case has a handful of items, so the
   * single-partition query returns them unordered and they are sorted here.
   */
  async listCaseItems<T>(caseId: string, type: CaseItemType): Promise<CaseItem<T>[]> {
    const { resources } = await guard('case items', () =>
      this.cases.items
        .query<StoredCaseItem>(
          {
            query: "SELECT * FROM c WHERE c.caseId = @caseId AND c.type = 'caseItem' AND c.itemType = @type",
            parameters: [
              { name: '@caseId', value: caseId },
              { name: '@type', value: type },
            ],
          },
          { partitionKey: caseId },
        )
        .fetchAll(),
    );
    return resources.map((r) => fromStored<T>(r)).sort(byAtThenId);
  }

  async deleteCaseItem(caseId: string, id: string): Promise<void> {
    await guard('case item', () => this.cases.item(itemId(id), caseId).delete()).catch((err: unknown) => {
      if (statusOf(err) !== 404) throw err;
    });
  }

  /**
   * The expiry is kept as a marker in `meta`, one small partition the purge reads. Not a
   * TTL: Cosmos DB would delete the case unseen, and the purge must leave its tombstone
   * and record itself in the partnership's trail.
   */
  async setExpiry(caseId: string, expiresAt: string): Promise<void> {
    await guard('expiry', () => this.meta.items.upsert({ id: `expiry:${caseId}`, pk: EXPIRY_PK, caseId, expiresAt }));
  }

  async listExpiries(): Promise<Expiry[]> {
    const { resources } = await guard('expiries', () =>
      this.meta.items
        .query<{ caseId: string; expiresAt: string }>(
          { query: 'SELECT c.caseId, c.expiresAt FROM c WHERE c.pk = @pk', parameters: [{ name: '@pk', value: EXPIRY_PK }] },
          { partitionKey: EXPIRY_PK },
        )
        .fetchAll(),
    );
    return resources
      .map((r) => ({ reference: r.caseId, expiresAt: r.expiresAt }))
      .sort((a, b) => (a.expiresAt === b.expiresAt ? (a.reference < b.reference ? -1 : 1) : a.expiresAt < b.expiresAt ? -1 : 1));
  }

  /**
   * The tombstone and the record of the purge first, in one batch; then every document in
   * the case's partition, the case last; then its expiry marker.
   */
  async purgeCase(reference: string, burial?: { tombstone: Tombstone; event: AuditEvent }): Promise<void> {
    // The tombstone is kept in the partnership's partition, so it and the record of the purge are one batch: written once.
    if (burial)
      await appendAudit(this.cases, this.heads, burial.event, { ...burial.tombstone, id: tombstoneId(reference), type: 'tombstone' });
    // The case last: until it goes, a run stopped part-way can be finished with its burial.
    const ids = (await this.idsOfCase(reference)).sort((a, b) => Number(a === 'case') - Number(b === 'case'));
    for (const id of ids) {
      await guard('purge', () => this.cases.item(id, reference).delete()).catch((err: unknown) => {
        if (statusOf(err) !== 404) throw err;
      });
    }
    await guard('purge', () => this.meta.item(`expiry:${reference}`, EXPIRY_PK).delete()).catch((err: unknown) => {
      if (statusOf(err) !== 404) throw err;
    });
  }

  async listTombstones(): Promise<Tombstone[]> {
    const { resources } = await guard('tombstones', () =>
      this.cases.items
        .query<Tombstone & ItemDefinition>(
          {
            query: "SELECT * FROM c WHERE c.caseId = @trail AND c.type = 'tombstone' ORDER BY c.id",
            parameters: [{ name: '@trail', value: PARTNERSHIP_AUDIT }],
          },
          { partitionKey: PARTNERSHIP_AUDIT },
        )
        .fetchAll(),
    );
    return resources.map((r) => strip<Tombstone>(r));
  }

  private async idsOfCase(caseId: string): Promise<string[]> {
    const { resources } = await guard('case items', () =>
      this.cases.items
        .query<{ id: string }>({
          query: 'SELECT c.id FROM c WHERE c.caseId = @caseId',
          parameters: [{ name: '@caseId', value: caseId }],
        })
        .fetchAll(),
    );
    return resources.map((r) => r.id);
  }

  async close(): Promise<void> {
    this.client.dispose();
  }
}
