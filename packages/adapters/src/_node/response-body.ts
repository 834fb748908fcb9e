// The response body as the gateway sees it when it streams: an async iterator fed by the stand-in
// socket's writes. A chunk counts as taken when the server asks for the next one, and only then
// does the write's callback run. That moves node's backpressure onto the gateway's: `res.write()`
// returns false once the socket holds more than its high-water mark, and 'drain' comes when the
// server (and so the client) has caught up (SPEC 4.3). Nothing is buffered here beyond what node
// wrote and the server has not asked for yet. (A response complete by the time the handler returns
// skips all this: bridge.ts hands its chunks over as an array.)
import type { WriteCallback } from './gateway-socket.ts';

/** Told when the server stops iterating before the end (SPEC 4.5). */
export interface ReturnListener {
  bodyReturned(): void;
}

/** Where a write goes back once the server has taken it: the socket (GatewaySocket#taken). */
export interface Taker {
  taken(length: number, callback: WriteCallback | null): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * An empty chunk that is handed out rather than skipped: the server sends the head when it gets
 * one (SPEC 3.7). Node writes it for `res.flushHeaders()`, and the bridge puts one first when
 * node would have framed the body as chunked, so the server does too.
 */
export const FLUSH: Buffer = Buffer.alloc(0);

function takeLater(taker: Taker, length: number, callback: WriteCallback | null): void {
  taker.taken(length, callback);
}

export class ResponseBody implements AsyncIterable<Uint8Array>, AsyncIterator<Uint8Array> {
  // The writes not yet taken, in order. An empty one (node's end() writes '' with its 'finish'
  // callback) is never handed out, only taken after the writes before it.
  #chunks: Buffer[] = [];
  #callbacks: Array<WriteCallback | null> = [];
  /** Whether the first write was handed out, and so is taken when the server comes back for more. */
  #inHand = false;
  #state: 'open' | 'ended' | 'failed' | 'returned' = 'open';
  #error: unknown;
  #wake: (() => void) | undefined;
  #iterated = false;
  readonly #listener: ReturnListener;
  readonly #taker: Taker;

  constructor(listener: ReturnListener, taker: Taker) {
    this.#listener = listener;
    this.#taker = taker;
  }

  /** A write to send; once the server has stopped iterating it is dropped (taken) at once. */
  push(chunk: Buffer, callback: WriteCallback | null): void {
    if (this.#state === 'returned') {
      process.nextTick(takeLater, this.#taker, chunk.length, callback);
      return;
    }
    this.#chunks.push(chunk);
    this.#callbacks.push(callback);
    this.#wakeUp();
  }

  /** Asks the server to send the head now (SPEC 3.7). */
  flush(): void {
    this.push(FLUSH, null);
  }

  /** No more chunks: the iteration finishes once the last one has been handed out. */
  end(): void {
    if (this.#state !== 'open') return;
    this.#state = 'ended';
    this.#wakeUp();
  }

  /** The response cannot be completed: the iteration throws `error` (SPEC 5.1). */
  fail(error: unknown): void {
    if (this.#state !== 'open') return;
    this.#state = 'failed';
    this.#error = error;
    this.#wakeUp();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#iterated) throw new Error('a bridged response body can be iterated only once');
    this.#iterated = true;
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#inHand) {
      this.#inHand = false;
      this.#takeFirst();
    }
    for (;;) {
      // Empty writes ahead: nothing to send, so taken at once (end()'s 'finish' callback is one).
      while (this.#chunks.length > 0 && this.#chunks[0]!.length === 0 && this.#chunks[0] !== FLUSH) this.#takeFirst();
      if (this.#chunks.length > 0 || this.#state !== 'open') break;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#state === 'failed') {
      this.#state = 'returned';
      this.#dropAll();
      throw this.#error;
    }
    if (this.#chunks.length === 0) return DONE;
    this.#inHand = true;
    return { done: false, value: this.#chunks[0]! };
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    if (this.#state === 'returned') return DONE;
    const wasOpen = this.#state === 'open';
    this.#state = 'returned';
    if (wasOpen) this.#listener.bodyReturned();
    this.#inHand = false;
    this.#dropAll();
    this.#wakeUp();
    return DONE;
  }

  #takeFirst(): void {
    const chunk = this.#chunks.shift()!;
    const callback = this.#callbacks.shift() ?? null;
    this.#taker.taken(chunk.length, callback);
  }

  #dropAll(): void {
    while (this.#chunks.length > 0) this.#takeFirst();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
