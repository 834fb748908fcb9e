// The inspector's recorder: a Tap (tap.ts) that keeps the last exchanges in a bounded ring, each
// one as the lesson draws it — raw request bytes, the parsed head, the environ as the app got it,
// every startResponse call and body chunk, the response head as written with each field's origin,
// and the time each layer took. Bounded so that `--inspect` can stay on under load: 200 exchanges,
// 64 KiB of each body, the true totals kept beside what was cut.
import type { RequestHead } from '../http/parser.ts';
import type { HeaderList } from '../types.ts';
import { keep } from './exchange.ts';
import type { Exchange, Kept } from './exchange.ts';
import { ExchangeRecording } from './exchange-recording.ts';
import type { ExchangeTap, Tap } from './tap.ts';

export type {
  BodyChunk,
  Exchange,
  HeaderOrigin,
  Kept,
  ResponseField,
  StartCall,
  Timings,
} from './exchange.ts';

export interface RecorderOptions {
  /** Exchanges kept. Default 200. */
  capacity?: number;
  /** Bytes of each body kept. Default 64 KiB. */
  bodyLimit?: number;
  /** Mount prefixes and their names, to say which app answered. */
  apps?: ReadonlyArray<{ prefix: string; name: string }>;
}

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
