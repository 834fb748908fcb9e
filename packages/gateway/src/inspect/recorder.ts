// The inspector's recorder: a Tap (tap.ts) that keeps the last exchanges in a bounded ring, each
// one as the lesson draws it — raw request bytes, the parsed head, the environ as the app got it,
// every startResponse call and body chunk, the response head as written with each field's origin,
// and the time each layer took. Bounded so that `--inspect` can stay on under load: 200 exchanges,
// 64 KiB of each body, the true totals kept beside what was cut.
import type { RequestHead } from '../http-parser.ts';
import type { Environ, HeaderList, StartResponse } from '../types.ts';
import type { ExchangeTap, Tap } from './tap.ts';

/** Who put a response field on the wire, as the tap saw it happen. */
export type HeaderOrigin = 'app' | 'server';

/** Bytes kept up to a limit, with the size of the whole. */
export interface Kept {
  bytes: Buffer;
  total: number;
}

export interface StartCall {
  /** Milliseconds since the head was parsed. */
  at: number;
  status: string;
  headers: HeaderList;
  error?: string;
}

export interface BodyChunk {
  at: number;
  /** `body`: produced by the returned iterable; `write`: passed to startResponse's write(). */
  via: 'body' | 'write';
  bytes: number;
  /** The first bytes, as latin-1 text. */
  first: string;
}

export interface ResponseField {
  name: string;
  value: string;
  origin: HeaderOrigin;
}

/** Milliseconds each layer took; undefined where the step did not happen. */
export interface Timings {
  /** From the request's first byte to its head parsed. */
  parse: number;
  environ?: number;
  /** From the call into the app to its first startResponse. */
  app?: number;
  /** From the call into the app to the first body byte it produced. */
  firstByte?: number;
  /** From the call into the app to the last byte written. */
  lastByte?: number;
}

export interface Exchange {
  id: number;
  /** Wall-clock time the head was parsed (ms since the epoch). */
  time: number;
  /** The mounted app that answered (by path prefix), or '' when one app serves all. */
  app: string;
  remote: { address: string; port: string };
  head: { method: string; target: string; version: string; headers: HeaderList };
  /** Bytes received for this request: head and body, as they came off the socket. */
  request: Kept;
  /** Every environ key as the app got it, values shown as text. */
  environ: Array<[key: string, value: string]>;
  calls: StartCall[];
  chunks: BodyChunk[];
  /** Chunks past the first 100 are counted, not listed. */
  chunkCount: number;
  /** The body the app produced, before framing. */
  body: Kept;
  response: { statusLine: string; fields: ResponseField[]; raw: string } | null;
  status: number;
  /** Body bytes sent on the wire. */
  sent: number;
  done: boolean;
  timings: Timings;
}

export interface RecorderOptions {
  /** Exchanges kept. Default 200. */
  capacity?: number;
  /** Bytes of each body kept. Default 64 KiB. */
  bodyLimit?: number;
  /** Mount prefixes and their names, to say which app answered. */
  apps?: ReadonlyArray<{ prefix: string; name: string }>;
}

const MAX_CHUNKS_LISTED = 100;
const FIRST_BYTES = 48;

/** Per connection: the bytes of a request whose head is not parsed yet, or the exchange underway. */
interface ConnectionState {
  pending: Buffer[];
  pendingBytes: number;
  pendingTotal: number;
  firstByteAt: number;
  current: Exchange | null;
}

export class Recorder implements Tap {
  private readonly ring: Array<Exchange | undefined>;
  /** Exchanges begun so far; the next one's id. */
  private count = 0;
  private readonly bodyLimit: number;
  private readonly apps: ReadonlyArray<{ prefix: string; name: string }>;
  private readonly connections = new WeakMap<object, ConnectionState>();
  private readonly listeners = new Set<(exchange: Exchange) => void>();

  constructor(options: RecorderOptions = {}) {
    this.ring = new Array<Exchange | undefined>(options.capacity ?? 200);
    this.bodyLimit = options.bodyLimit ?? 64 * 1024;
    // Longest prefix first, as mount() chooses.
    this.apps = [...(options.apps ?? [])].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The exchanges kept, oldest first. */
  list(): Exchange[] {
    const out: Exchange[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const exchange = this.ring[(this.count + i) % this.ring.length];
      if (exchange !== undefined) out.push(exchange);
    }
    return out;
  }

  get(id: number): Exchange | undefined {
    const exchange = this.ring[id % this.ring.length];
    return exchange?.id === id ? exchange : undefined;
  }

  /** Calls `listener` with each exchange once its last byte is written; returns the unsubscribe. */
  subscribe(listener: (exchange: Exchange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  received(connection: object, chunk: Buffer): void {
    let state = this.connections.get(connection);
    if (state === undefined) {
      state = { pending: [], pendingBytes: 0, pendingTotal: 0, firstByteAt: 0, current: null };
      this.connections.set(connection, state);
    }
    // While an exchange is underway its body arrives (and, when pipelined, the next requests too:
    // they are shown with it, as one read can carry both).
    if (state.current !== null && !state.current.done)
      return keep(state.current.request, chunk, this.bodyLimit);
    if (state.pendingTotal === 0) state.firstByteAt = performance.now();
    state.pendingTotal += chunk.length;
    if (state.pendingBytes < this.bodyLimit) {
      const part = chunk.subarray(0, this.bodyLimit - state.pendingBytes);
      state.pending.push(Buffer.from(part)); // a copy: the socket's buffer may be reused
      state.pendingBytes += part.length;
    }
  }

  begin(
    connection: object,
    head: RequestHead,
    remote: { address: string; port: string },
  ): ExchangeTap {
    const parsedAt = performance.now();
    const state = this.connections.get(connection);
    const request: Kept = {
      bytes: Buffer.concat(state?.pending ?? []),
      total: state?.pendingTotal ?? 0,
    };
    const headers: HeaderList = [];
    for (let i = 0; i < head.rawHeaders.length; i += 2)
      headers.push([head.rawHeaders[i]!, head.rawHeaders[i + 1]!]);
    const id = this.count++;
    const exchange: Exchange = {
      id,
      time: Date.now(),
      app: this.appOf(head.target),
      remote,
      head: { method: head.method, target: head.target, version: `HTTP/1.${head.minor}`, headers },
      request,
      environ: [],
      calls: [],
      chunks: [],
      chunkCount: 0,
      body: { bytes: Buffer.alloc(0), total: 0 },
      response: null,
      status: 0,
      sent: 0,
      done: false,
      timings: { parse: state === undefined ? 0 : parsedAt - state.firstByteAt },
    };
    if (state !== undefined) {
      state.pending = [];
      state.pendingBytes = 0;
      state.pendingTotal = 0;
      state.current = exchange;
    }
    this.ring[id % this.ring.length] = exchange;
    return new ExchangeRecording(exchange, parsedAt, this.bodyLimit, (done) => this.emit(done));
  }

  private appOf(target: string): string {
    const path = target.split('?', 1)[0]!;
    for (const { prefix, name } of this.apps) {
      if (prefix === '' || path === prefix || path.startsWith(prefix + '/')) return name;
    }
    return '';
  }

  private emit(exchange: Exchange): void {
    for (const listener of this.listeners) listener(exchange);
  }
}

/** Appends `chunk` to `kept` up to `limit` bytes, counting the whole. */
function keep(kept: Kept, chunk: Uint8Array, limit: number): void {
  kept.total += chunk.length;
  if (kept.bytes.length < limit)
    kept.bytes = Buffer.concat([kept.bytes, chunk.subarray(0, limit - kept.bytes.length)]);
}

/** The environ as text: strings as they are, the gateway's objects named by what they are. */
function describe(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (key === 'gateway.input')
    return 'a byte stream (AsyncIterable<Uint8Array>); what it yielded is the body in the raw request';
  if (value instanceof AbortSignal) return `AbortSignal (aborted: ${value.aborted})`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `[${value.map(String).join(', ')}]`;
  return `${(value as object).constructor?.name ?? 'Object'} { ${Object.keys(value).join(', ')} }`;
}

/** The ExchangeTap for one exchange: writes into its Exchange as the connection reports. */
class ExchangeRecording implements ExchangeTap {
  private calledAt = 0;

  constructor(
    private readonly exchange: Exchange,
    private readonly parsedAt: number,
    private readonly bodyLimit: number,
    private readonly onDone: (exchange: Exchange) => void,
  ) {}

  private since(): number {
    return performance.now() - this.parsedAt;
  }

  environ(environ: Environ): void {
    const record = environ as unknown as Record<string, unknown>;
    // Every key, own and enumerable, in the order the server set them (rule 2.1).
    this.exchange.environ = Object.keys(record).map((key) => [key, describe(key, record[key])]);
    this.calledAt = performance.now();
    this.exchange.timings.environ = this.calledAt - this.parsedAt;
  }

  startResponse(start: StartResponse): StartResponse {
    return (status, headers, error) => {
      const call: StartCall = {
        at: this.since(),
        status: String(status),
        headers: Array.isArray(headers) ? headers.map(([n, v]) => [String(n), String(v)]) : [],
      };
      if (error !== undefined)
        call.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.exchange.calls.push(call);
      this.exchange.timings.app ??= performance.now() - this.calledAt;
      const write = start(status, headers, error);
      return (chunk) => {
        this.chunk(chunk, 'write');
        return write(chunk);
      };
    };
  }

  body(result: unknown): unknown {
    if (Array.isArray(result)) {
      for (const chunk of result) this.chunk(chunk, 'body');
      return result;
    }
    if (isObject(result) && typeof (result as PromiseLike<unknown>).then === 'function') {
      return (result as PromiseLike<unknown>).then((body) => this.body(body));
    }
    if (isObject(result) && Symbol.asyncIterator in result)
      return this.tapAsync(result as AsyncIterable<unknown>);
    if (isObject(result) && Symbol.iterator in result)
      return this.tapSync(result as Iterable<unknown>);
    return result; // not a body: the writer reports the rule broken
  }

  private tapSync(body: Iterable<unknown>): Iterable<unknown> {
    return {
      [Symbol.iterator]: () => {
        const iterator = body[Symbol.iterator]();
        return {
          next: () => {
            const step = iterator.next();
            if (step.done !== true) this.chunk(step.value, 'body');
            return step;
          },
          // The writer closes an abandoned body (rule 4.5); the app's iterator must hear it.
          return: (value?: unknown) => iterator.return?.(value) ?? { done: true, value },
        };
      },
    };
  }

  private tapAsync(body: AsyncIterable<unknown>): AsyncIterable<unknown> {
    return {
      [Symbol.asyncIterator]: () => {
        const iterator = body[Symbol.asyncIterator]();
        return {
          next: async () => {
            const step = await iterator.next();
            if (step.done !== true) this.chunk(step.value, 'body');
            return step;
          },
          return: async (value?: unknown) =>
            (await iterator.return?.(value)) ?? { done: true, value },
        };
      },
    };
  }

  private chunk(chunk: unknown, via: BodyChunk['via']): void {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : chunk instanceof Uint8Array
          ? chunk
          : null;
    if (bytes === null) return;
    const exchange = this.exchange;
    exchange.timings.firstByte ??= performance.now() - this.calledAt;
    exchange.chunkCount++;
    if (exchange.chunks.length < MAX_CHUNKS_LISTED) {
      exchange.chunks.push({
        at: this.since(),
        via,
        bytes: bytes.length,
        first: Buffer.from(bytes.subarray(0, FIRST_BYTES)).toString('latin1'),
      });
    }
    keep(exchange.body, bytes, this.bodyLimit);
  }

  responseHead(head: string): void {
    const lines = head.split('\r\n').filter((line) => line !== '');
    const statusLine = lines.shift() ?? '';
    // A field is the app's when the app passed it to startResponse (its last call is the one that
    // counts, rule 3.5); whatever else is in the head, the server wrote.
    const fromApp = new Map<string, number>();
    for (const [name] of this.exchange.calls.at(-1)?.headers ?? [])
      fromApp.set(name.toLowerCase(), (fromApp.get(name.toLowerCase()) ?? 0) + 1);
    const fields = lines.map((line): ResponseField => {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      const left = fromApp.get(name.toLowerCase()) ?? 0;
      if (left > 0) fromApp.set(name.toLowerCase(), left - 1);
      return { name, value: line.slice(colon + 1).trim(), origin: left > 0 ? 'app' : 'server' };
    });
    this.exchange.response = { statusLine, fields, raw: head };
  }

  done(status: number, bytes: number): void {
    const exchange = this.exchange;
    if (exchange.done) return;
    exchange.status = status;
    exchange.sent = bytes;
    exchange.done = true;
    if (this.calledAt !== 0) exchange.timings.lastByte = performance.now() - this.calledAt;
    this.onDone(exchange);
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
