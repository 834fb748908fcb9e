// A speed-and-fidelity trick, isolated here so the bridge stays readable: peek at a response body
// without waiting, and if the whole body is already there (it is for `c.text()`, `c.json()`,
// `new Response(string)`), answer with Content-Length instead of chunked framing. That is what
// @hono/node-server does, so the same app sends the same header under both servers; it also
// saves the 5 bytes of chunk framing per chunk plus the terminating `0\r\n\r\n` on small replies.
// A body still being produced (a stream) is not waited for: headers go out at once.
import { toBytes } from './body-iterator.ts';

/** What a non-blocking look at the body found. */
export interface ReadAhead {
  /** Chunks already read, in order. */
  chunks: Uint8Array[];
  /** True when the body ended within the look, so its length is known. */
  done: boolean;
  /** A read that did not settle in time; whoever continues must await it before reading again. */
  pending?: Promise<ReadableStreamReadResult<unknown>>;
}

/** Settles with `undefined` after a few microtask turns: long enough for an in-memory body. */
function notYet(): Promise<undefined> {
  return Promise.resolve().then(() => Promise.resolve(undefined));
}

/**
 * Reads at most `maxReads` times, never waiting for I/O or timers. Two reads cover a body that
 * arrives as one chunk followed by its end.
 */
export async function readAhead(
  reader: ReadableStreamDefaultReader<unknown>,
  maxReads = 2,
): Promise<ReadAhead> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < maxReads; i++) {
    const pending = reader.read();
    const result = await Promise.race([pending, notYet()]);
    if (result === undefined) return { chunks, done: false, pending };
    if (result.done) return { chunks, done: true };
    const bytes = toBytes(result.value);
    if (bytes.byteLength > 0) chunks.push(bytes);
  }
  return { chunks, done: false };
}

/** Total byte length of `chunks`. */
export function byteLength(chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  return total;
}
