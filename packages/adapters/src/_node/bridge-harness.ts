// Test harness for the node bridge: calls a gateway app the way a server does, but keeps the body
// iterator in the test's hands, so a test can pull one chunk, look, and pull again (streaming,
// backpressure), or stop early (SPEC 4.5). Only the bridge's tests import it.
import type { App, Chunk, Environ, HeaderList } from '@gateway-interop/gateway';
import { makeEnviron } from '@gateway-interop/gateway/testing';
import type { CallOptions } from '@gateway-interop/gateway/testing';

export interface Started {
  environ: Environ;
  status: string;
  headers: HeaderList;
  iterator: AsyncIterator<Chunk>;
}

const toBuffer = (chunk: Chunk): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));

/** Calls `app` and waits for its head; the body is left unread. */
export async function start(app: App, overrides: Partial<Environ> = {}, options: CallOptions = {}): Promise<Started> {
  const environ = makeEnviron(overrides, options);
  let head: { status: string; headers: HeaderList } | undefined;
  const body = await app(environ, (status, headers) => {
    head = { status, headers };
    return async () => {};
  });
  if (head === undefined) throw new Error('the app returned its body before calling startResponse');
  const iterator = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : toAsync(body[Symbol.iterator]());
  return { environ, ...head, iterator };
}

function toAsync(iterator: Iterator<Chunk>): AsyncIterator<Chunk> {
  return { next: async () => iterator.next() };
}

/** The next non-empty chunk as a Buffer, or undefined at the end; empty ones are flushes (SPEC 3.7). */
export async function nextChunk(iterator: AsyncIterator<Chunk>): Promise<Buffer | undefined> {
  for (;;) {
    const step = await iterator.next();
    if (step.done === true) return undefined;
    const chunk = toBuffer(step.value);
    if (chunk.length > 0) return chunk;
  }
}

/** Everything left in the body. */
export async function readRest(iterator: AsyncIterator<Chunk>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let chunk = await nextChunk(iterator); chunk !== undefined; chunk = await nextChunk(iterator)) parts.push(chunk);
  return Buffer.concat(parts);
}

export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
