import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * @vercel/cosmosdb-server runs a transactional batch's operations in turn and stops at
 * the first that fails, but keeps the ones before it; Cosmos DB writes all of a batch or
 * none. Panel's batches put the case and its trail's head side by side, each
 * conditional, so the difference matters: this handler runs the server's own operations
 * the same way, and puts the container's documents back as they were when one fails.
 * `install()` must run before the server's routes are loaded (`require` below).
 */

interface Items {
  _data: Map<string, unknown>;
  _index: Map<string, string>;
}
interface Collection {
  read(): unknown;
  documents: Items;
}
interface Account {
  database(id: string): { collection(id: string): Collection };
}
interface Input {
  operationType?: string;
}
interface Result {
  statusCode: number;
  body?: { _etag?: string };
}
type Operation = (collection: Collection, input: Input) => Result;
type Handler = (account: Account, req: IncomingMessage, res: ServerResponse, params: { dbId: string; collId: string }) => Promise<unknown>;

const require = createRequire(import.meta.url);
const lib = '@vercel/cosmosdb-server/lib';

export function install(): void {
  const batchModule = require(`${lib}/handler/batch-documents.js`) as { default: Handler };
  const ops = require(`${lib}/handler/_document-operations.js`) as Record<string, Operation>;
  const json = (require(`${lib}/json.js`) as { default: (req: IncomingMessage) => Promise<unknown> }).default;
  const byType: Record<string, Operation | undefined> = {
    Create: ops.createOperation,
    Upsert: ops.upsertOperation,
    Read: ops.readOperation,
    Delete: ops.deleteOperation,
    Replace: ops.replaceOperation,
  };
  batchModule.default = async (account, req, res, { dbId, collId }) => {
    const body = await json(req);
    const collection = account.database(dbId).collection(collId);
    if (!collection.read()) {
      res.statusCode = 404;
      return {};
    }
    if (!Array.isArray(body)) {
      res.statusCode = 400;
      return { message: 'Invalid request body' };
    }
    // From here to the end nothing awaits: no other request runs in between.
    const before = { data: new Map(collection.documents._data), index: new Map(collection.documents._index) };
    const answers: object[] = [];
    let failed = false;
    for (const input of body as (Input | null)[]) {
      if (failed) {
        answers.push({ statusCode: 424, requestCharge: 0 });
        continue;
      }
      const operation = byType[input?.operationType ?? ''];
      if (!operation) {
        res.statusCode = 400;
        return { message: `Operation type '${input?.operationType}' is not supported in Batch.` };
      }
      const result = operation(collection, input!);
      failed = result.statusCode >= 400;
      answers.push(
        failed
          ? { statusCode: result.statusCode, requestCharge: 0 }
          : { statusCode: result.statusCode, requestCharge: 1, eTag: result.body?._etag, resourceBody: result.body },
      );
    }
    if (failed) {
      collection.documents._data = before.data;
      collection.documents._index = before.index;
    }
    return answers;
  };
}
