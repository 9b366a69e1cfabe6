import type { Container, CosmosClient, ItemDefinition } from '@azure/cosmos';
import type { AuditAction, AuditEvent } from '../review/audit.js';
import type { CaseRecord } from '../review/case.js';
import { openContainers, type CosmosStoreOptions } from './cosmos-containers.js';
import { createCaseOnce, replaceCase } from './cosmos-create.js';
import { moveNotifications } from './cosmos-upgrade.js';
import {
  auditId,
  byAtThenId,
  EXPIRY_PK,
  fromStored,
  guard,
  itemId,
  statusOf,
  strip,
  toStored,
  type StoredCaseItem,
} from './cosmos-items.js';
import type { CaseItem, CaseItemType, CaseStore, CaseWrite, DueCase, Page, Settings, Versioned } from '../review/store.js';

/** The Azure Cosmos DB for NoSQL store. Open it with `CosmosStore.open`. */
export class CosmosStore implements CaseStore {
  private constructor(
    private readonly client: CosmosClient,
    private readonly cases: Container,
    private readonly meta: Container,
  ) {}

  /**
   * Connects, and creates the database and containers if they are missing. Fails with
   * a StoreUnavailableError that says whether Cosmos DB could not be reached or refused
   * Panel's credentials.
   */
  static async open(options: CosmosStoreOptions): Promise<CosmosStore> {
    const { client, cases, meta } = await openContainers(options);
    await moveNotifications(cases);
    return new CosmosStore(client, cases, meta);
  }

  async createCaseOnce(
    submissionKey: string,
    year: number,
    build: (sequence: number) => CaseRecord,
    actor: string,
  ): Promise<{ record: CaseRecord; created: boolean; etag: string }> {
    return createCaseOnce({ cases: this.cases, meta: this.meta }, { submissionKey, year, build, actor });
  }

  async getCase(reference: string): Promise<CaseRecord | undefined> {
    return (await this.getCaseVersion(reference))?.value;
  }

  async listOpenCases(page: { limit: number; continuation?: string }): Promise<Page<CaseRecord>> {
    // Cross-partition: one `case` item per partition, indexed on type, read a page at a time.
    const iterator = this.cases.items.query<CaseRecord & ItemDefinition>(
      { query: "SELECT * FROM c WHERE c.type = 'case' AND NOT IS_DEFINED(c.closedAt) ORDER BY c.caseId" },
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
    return replaceCase(this.cases, record, etag, also);
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
    await guard('audit', () => this.cases.items.create({ ...event, id: auditId(event.at), type: 'audit', caseId: event.caseId }));
  }

  async listAudit(caseId: string): Promise<AuditEvent[]> {
    const { resources } = await guard('audit', () =>
      this.cases.items
        .query<AuditEvent & ItemDefinition>({
          // The partition key in the WHERE clause keeps it a single-partition query.
          query: "SELECT * FROM c WHERE c.caseId = @caseId AND c.type = 'audit' ORDER BY c.id",
          parameters: [{ name: '@caseId', value: caseId }],
        })
        .fetchAll(),
    );
    return resources.map((r) => ({ ...strip<Omit<AuditEvent, 'caseId'>>(r), caseId, action: r.action as AuditAction }));
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
   * TTL counts from an item's last write, and items written later carry none; and once
   * TTL has removed the case itself, nothing in its partition would say it expired. So
   * the expiry is also kept as a marker in `meta`, which the purge works from.
   */
  async setExpiry(caseId: string, expiresAt: string): Promise<void> {
    await guard('expiry', () => this.meta.items.upsert({ id: `expiry:${caseId}`, pk: EXPIRY_PK, caseId, expiresAt }));
    const ttl = Math.max(1, Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000));
    for (const id of await this.idsOfCase(caseId)) {
      await guard('expiry', () => this.cases.item(id, caseId).patch([{ op: 'set', path: '/ttl', value: ttl }]));
    }
  }

  async purgeExpired(now: string): Promise<number> {
    const { resources: expired } = await guard('expired cases', () =>
      this.meta.items
        .query<{ caseId: string }>({
          query: 'SELECT c.caseId FROM c WHERE c.pk = @pk AND c.expiresAt <= @now',
          parameters: [
            { name: '@pk', value: EXPIRY_PK },
            { name: '@now', value: now },
          ],
        })
        .fetchAll(),
    );
    for (const { caseId } of expired) {
      for (const id of await this.idsOfCase(caseId)) {
        await guard('purge', () => this.cases.item(id, caseId).delete()).catch((err: unknown) => {
          if (statusOf(err) !== 404) throw err; // TTL got there first
        });
      }
      await guard('purge', () => this.meta.item(`expiry:${caseId}`, EXPIRY_PK).delete());
    }
    return expired.length;
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
