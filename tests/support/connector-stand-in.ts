import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  authorization?: string;
}

export interface ConnectorReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What the stand-in answers (undefined: the default, Teams' success), now or once a promise settles. */
export type Responder = (call: ConnectorCall) => ConnectorReply | undefined | Promise<ConnectorReply | undefined>;

/**
 * A local HTTP server standing in for the Bot Connector (the `serviceUrl` of every
 * test activity): it records what Panel sends and answers like Teams does.
 */
export class ConnectorStandIn {
  readonly calls: ConnectorCall[] = [];
  private readonly events = new EventEmitter();
  private readonly server: Server;
  private next = 1;
  private responder: Responder = () => undefined;
  /** The members a team's roster lists (`GET /v3/conversations/<team>/pagedmembers`). */
  roster: { id: string; name: string; aadObjectId: string }[] = [];

  /**
   * What was PUT to an upload session, by file name: the stand-in also plays the OneDrive
   * upload URL Teams gives a bot when someone accepts a file (`uploadUrl`).
   */
  readonly uploads = new Map<string, { bytes: Buffer; contentRange?: string; authorization?: string }>();

  /** `record: false` keeps nothing, for a benchmark's thousands of calls. */
  constructor(private readonly options: { record: boolean } = { record: true }) {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body ?? {}));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Where a file called `name` would be PUT, as a `fileConsent/invoke`'s `uploadInfo.uploadUrl`. */
  uploadUrl(name: string): string {
    return `${this.url}${UPLOAD}${encodeURIComponent(name)}`;
  }

  /** Replaces the default answers, for failures (403, 404, 429...). */
  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Calls whose path matches, in order. */
  matching(method: string, path: RegExp): ConnectorCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  /** Resolves with the first call, past or future, that satisfies `predicate`. */
  waitFor(predicate: (call: ConnectorCall) => boolean): Promise<ConnectorCall> {
    const seen = this.calls.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const listener = (call: ConnectorCall) => {
        if (predicate(call)) {
          this.events.off('call', listener);
          resolve(call);
        }
      };
      this.events.on('call', listener);
    });
  }

  private async handle(req: IncomingMessage): Promise<ConnectorReply> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.startsWith(UPLOAD)) return this.upload(req, path, Buffer.concat(chunks));
    const text = Buffer.concat(chunks).toString('utf8');
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      path,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
    };
    if (this.options.record) {
      this.calls.push(call);
      this.events.emit('call', call);
    }
    const custom = await this.responder(call);
    if (custom) return custom;
    if (call.method === 'GET' && call.path.endsWith('/pagedmembers')) return { status: 200, body: { members: this.roster } };
    const id = String(this.next++);
    if (call.method === 'POST' && call.path === '/v3/conversations') {
      const channel = (call.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      return channel
        ? { status: 201, body: { id: `${channel};messageid=${id}`, activityId: id } }
        : { status: 201, body: { id: `a:conversation-${id}` } };
    }
    return { status: 201, body: { id: `activity-${id}` } };
  }

  /** A file's bytes PUT to its upload session: kept, and answered as OneDrive does (201, the item). */
  private async upload(req: IncomingMessage, path: string, bytes: Buffer): Promise<ConnectorReply> {
    const call: ConnectorCall = { method: req.method ?? 'PUT', path, body: { size: bytes.length } };
    const custom = await this.responder(call);
    const name = path.slice(UPLOAD.length);
    if (!custom) {
      this.uploads.set(name, {
        bytes,
        ...(req.headers['content-range'] && { contentRange: req.headers['content-range'] }),
        ...(req.headers.authorization && { authorization: req.headers.authorization }),
      });
    }
    if (this.options.record) {
      this.calls.push(call);
      this.events.emit('call', call);
    }
    return custom ?? { status: 201, body: { id: `item-${this.next++}`, name, size: bytes.length } };
  }
}

const UPLOAD = '/upload/';
