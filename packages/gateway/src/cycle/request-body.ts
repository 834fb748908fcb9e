// `gateway.input` (SPEC rule 2.4): the request body as an async iterable of byte chunks, fed by
// the parser and read by the app. Backpressure: when the app falls behind by more than a high
// water mark, the connection stops reading the socket until the app catches up, so a large upload
// is never held whole in memory. The first read is what sends `100 Continue` (rule 6.3).
import type { Input } from '../types.ts';

/** What the body tells its connection. */
export interface BodyOwner {
  /** The app began reading (send 100 Continue if the client waits for it). */
  bodyWanted(): void;
  /** Too much is queued: stop reading the socket. */
  bodyFull(): void;
  /** The queue drained: read the socket again. */
  bodyDrained(): void;
}

const HIGH_WATER = 64 * 1024;
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class RequestBody implements Input, AsyncIterator<Uint8Array> {
  private queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failure: Error | null = null;
  private started = false;
  /** The app stopped reading early (or never will): chunks from now on are dropped. */
  /** The rest of the body is read and dropped (the app answered without it). */
  discarding = false;
  private waiter: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly owner: BodyOwner) {}

  /** Bytes from the parser. */
  push(chunk: Buffer): void {
    if (this.discarding) return;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.resolve({ done: false, value: chunk });
      return;
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued > HIGH_WATER) this.owner.bodyFull();
  }

  /** The parser reached the end of the body. */
  end(): void {
    this.ended = true;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.resolve(DONE);
    }
  }

  /** The body cannot be completed (client gone, body over a limit, malformed framing). */
  fail(error: Error): void {
    if (this.ended || this.failure !== null) return;
    this.failure = error;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.reject(error);
    }
  }

  /** From now on nobody reads: drop what is queued and what arrives (the app has answered). */
  discard(): void {
    this.discarding = true;
    this.queue = [];
    if (this.queued > HIGH_WATER) this.owner.bodyDrained();
    this.queued = 0;
  }

  get complete(): boolean {
    return this.ended;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.started) throw new Error('SPEC rule 2.4: gateway.input can be read only once');
    this.started = true;
    this.owner.bodyWanted();
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      const wasFull = this.queued > HIGH_WATER;
      this.queued -= chunk.length;
      if (wasFull && this.queued <= HIGH_WATER) this.owner.bodyDrained();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.ended || this.discarding) return Promise.resolve(DONE);
    if (this.waiter !== null) return Promise.reject(new Error('gateway.input: next() called before the last read finished'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** The app stopped iterating early (`break` out of `for await`). */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.discard();
    return Promise.resolve(DONE);
  }
}

/** The input of a request without a body: shared, since it holds no state. */
export const EMPTY_INPUT: Input = {
  [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve(DONE) }),
};
