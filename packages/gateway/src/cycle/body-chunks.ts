// The body an app returns, as the response writer reads it (SPEC section 4): what counts as a
// body and as a chunk, stepping through it without a promise where it is synchronous, closing an
// iterator that is abandoned, and the one-turn wait that tells a short body from a stream.
import { AppError } from './response-head.ts';
import type { HeaderList } from '../types.ts';

export const PENDING = Symbol('pending');
const encoder = new TextEncoder();

export type Chunks = Iterator<unknown> | AsyncIterator<unknown>;

/** The next step of a body; a synchronous iterator's is not wrapped in a promise. */
export function nextOf(chunks: Chunks): IteratorResult<unknown> | Promise<IteratorResult<unknown>> {
  return chunks.next() as IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
}

/** Checks an interim status (rule 6.6): `1NN reason`, not 101, which would switch protocols. */
export function informationalCode(status: unknown): number {
  if (typeof status !== 'string' || !/^1\d\d /.test(status) || /[^\t\x20-\x7e\x80-\xff]/.test(status)) {
    throw new AppError('6.6', `interim status ${JSON.stringify(status)} must be a 1xx code and a reason phrase, like "103 Early Hints"`);
  }
  const code = Number(status.slice(0, 3));
  if (code === 101) throw new AppError('6.6', '101 Switching Protocols needs an upgrade, which this interface does not carry');
  return code;
}

export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  throw new AppError('4.2', `a body chunk must be a Uint8Array or a string, not ${describe(chunk)}`);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

export function iteratorOf(body: unknown): Chunks {
  // Both are iterable (of characters, of numbers), and neither is a body (rule 4.1).
  if (typeof body === 'string' || body instanceof Uint8Array) {
    throw new AppError('4.1', 'the app returned a bare chunk; return an array of chunks, e.g. [body]');
  }
  if (body !== null && typeof body === 'object') {
    const asyncFactory = (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
    if (typeof asyncFactory === 'function') return asyncFactory.call(body);
    const factory = (body as Partial<Iterable<unknown>>)[Symbol.iterator];
    if (typeof factory === 'function') return factory.call(body);
  }
  throw new AppError('4.1', `the app must return an iterable or async iterable of chunks, not ${describe(body)}`);
}

/** Tells an abandoned iterator to clean up, as a WSGI server calls close() (rule 4.5). */
export function closeIterator(iterator: Chunks, sink: { reportError(error: unknown): void }): void {
  try {
    const result = iterator.return?.();
    if (isThenable(result)) result.then(undefined, (error: unknown) => sink.reportError(error));
  } catch (error) {
    sink.reportError(error);
  }
}

export function declaresLength(headers: HeaderList): boolean {
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]?.[0];
    if (name !== undefined && name.length === 14 && name.toLowerCase() === 'content-length') return true;
  }
  return false;
}

/** Resolves with the promise's value if it settles within one event-loop turn, else PENDING. */
export function settledSoon<T>(promise: Promise<T>): Promise<T | typeof PENDING> {
  return new Promise((resolve, reject) => {
    let settled = false;
    promise.then(
      (value) => {
        settled = true;
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        reject(error);
      },
    );
    setImmediate(() => {
      if (!settled) resolve(PENDING);
    });
  });
}
