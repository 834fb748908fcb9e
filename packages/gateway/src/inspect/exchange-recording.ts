// The ExchangeTap for one exchange (tap.ts): writes into its Exchange as the connection reports
// each step — the environ, every startResponse call and write(), every chunk of the body the app
// returned (wrapping the iterable so return() still reaches the app's iterator, rule 4.5), the head
// as written with each field's origin, and the time each layer took.
import type { Environ, StartResponse } from '../types.ts';
import { keep } from './exchange.ts';
import type { BodyChunk, Exchange, ResponseField, StartCall } from './exchange.ts';
import type { ExchangeTap } from './tap.ts';

const MAX_CHUNKS_LISTED = 100;
const FIRST_BYTES = 48;

/** The environ as text: strings as they are, the gateway's objects named by what they are. */
function describe(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (key === 'gateway.input')
    return 'a byte stream (AsyncIterable<Uint8Array>); what it yielded is the body in the raw request';
  if (typeof value === 'function') return `function ${value.name}()`;
  if (value instanceof AbortSignal) return `AbortSignal (aborted: ${value.aborted})`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `[${value.map(String).join(', ')}]`;
  return `${(value as object).constructor?.name ?? 'Object'} { ${Object.keys(value).join(', ')} }`;
}

/** The ExchangeTap for one exchange: writes into its Exchange as the connection reports. */
export class ExchangeRecording implements ExchangeTap {
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
