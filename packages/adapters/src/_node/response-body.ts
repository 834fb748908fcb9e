// The response body as the gateway sees it: an async iterator fed by the stand-in socket's writes.
// A chunk counts as taken when the server asks for the next one, and only then does the write's
// callback run. That moves node's backpressure onto the gateway's: `res.write()` returns false once
// the socket's buffer passes its high-water mark, and 'drain' comes when the server (and so the
// client) has caught up (SPEC 4.3). Nothing is buffered here beyond the chunk in hand.
type Taken = (error?: Error | null) => void;

/** Told when the server stops iterating before the end (SPEC 4.5). */
export interface ReturnListener {
  bodyReturned(): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class ResponseBody implements AsyncIterable<Uint8Array>, AsyncIterator<Uint8Array> {
  #queue: Array<{ chunk: Uint8Array; taken: Taken }> = [];
  /** The callback of the chunk handed out last, run when the server comes back for more. */
  #inHand: Taken | undefined;
  #state: 'open' | 'ended' | 'failed' | 'returned' = 'open';
  #error: unknown;
  #wake: (() => void) | undefined;
  #iterated = false;
  readonly #listener: ReturnListener;

  constructor(listener: ReturnListener) {
    this.#listener = listener;
  }

  /** A chunk to send; once the server has stopped iterating it is dropped at once. */
  push(chunk: Uint8Array, taken: Taken): void {
    if (this.#state === 'returned') return taken();
    this.#queue.push({ chunk, taken });
    this.#wakeUp();
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
    this.#release();
    while (this.#queue.length === 0 && this.#state === 'open') {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#state === 'failed') {
      this.#state = 'returned';
      this.#dropQueue();
      throw this.#error;
    }
    const item = this.#queue.shift();
    if (item === undefined) return DONE;
    this.#inHand = item.taken;
    return { done: false, value: item.chunk };
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    if (this.#state === 'returned') return DONE;
    const wasOpen = this.#state === 'open';
    this.#state = 'returned';
    if (wasOpen) this.#listener.bodyReturned();
    this.#release();
    this.#dropQueue();
    this.#wakeUp();
    return DONE;
  }

  #release(): void {
    const taken = this.#inHand;
    this.#inHand = undefined;
    taken?.();
  }

  #dropQueue(): void {
    const queue = this.#queue;
    this.#queue = [];
    for (const item of queue) item.taken();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
