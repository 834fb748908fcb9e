// A web `ReadableStream` read as a gateway body: an async iterator of bytes whose `return()`
// cancels the stream. The server calls `return()` when the client is gone (SPEC rule 4.5), and
// cancelling is how a fetch handler learns it should stop producing (Hono's `stream.onAbort`).
// Written by hand rather than as an async generator: a generator's `return()` waits behind a
// pending `next()`, so a stream that is idle (a quiet event stream) could never be cancelled.

const encoder = new TextEncoder();

/** Where reading starts: chunks already read ahead and a read that may still be in flight. */
export interface IterateOptions {
  buffered?: Uint8Array[];
  pending?: Promise<ReadableStreamReadResult<unknown>>;
  /** Cancels the stream when it fires, even if nobody calls `return()` (rule 5.2). */
  signal?: AbortSignal;
  /**
   * Yield one empty chunk first: the server then sends the head at once, framed without a length
   * (SPEC 3.7), as node:http does for a streamed response whose first chunk is not there yet.
   */
  flush?: boolean;
}

const EMPTY = new Uint8Array(0);

type Done = IteratorReturnResult<undefined>;
const done: Done = { done: true, value: undefined };

/** Iterates `reader` chunk by chunk, without buffering; empty chunks read are skipped. */
export function iterateReader(
  reader: ReadableStreamDefaultReader<unknown>,
  options: IterateOptions = {},
): AsyncIterableIterator<Uint8Array, undefined> {
  const buffered = options.buffered ?? [];
  if (options.flush === true) buffered.unshift(EMPTY);
  const signal = options.signal;
  let pending = options.pending;
  let finished = false;

  const finish = (): void => {
    finished = true;
    buffered.length = 0;
    signal?.removeEventListener('abort', onAbort);
  };
  // Cancelling settles a pending `read()` with `done`, so a waiting `next()` ends at once.
  const cancel = (reason?: unknown): void => {
    if (finished) return;
    finish();
    reader.cancel(reason).catch(() => {});
  };
  const onAbort = (): void => cancel(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  const iterator: AsyncIterableIterator<Uint8Array, undefined> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      while (true) {
        const head = buffered.shift();
        if (head) return { done: false, value: head };
        if (finished) return done;
        const read = pending ?? reader.read();
        pending = undefined;
        let result: ReadableStreamReadResult<unknown>;
        try {
          result = await read;
        } catch (error) {
          finish();
          throw error;
        }
        if (result.done) {
          finish();
          return done;
        }
        const bytes = toBytes(result.value);
        if (bytes.byteLength > 0) return { done: false, value: bytes };
      }
    },
    async return() {
      cancel();
      return done;
    },
  };
  return iterator;
}

/**
 * A stream chunk as bytes. Streams from `fetch` carry Uint8Array; hand-made ones sometimes carry
 * strings or other views, which `node:http` would also have accepted.
 */
export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(
    `a body chunk must be a Uint8Array or a string, got ${Object.prototype.toString.call(chunk)}; ` +
      'enqueue bytes (new TextEncoder().encode(text)) into the response stream',
  );
}
