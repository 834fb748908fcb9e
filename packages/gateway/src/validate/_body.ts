// Section 4 of SPEC.md as checks, private to validate.ts: what one response has produced so far,
// and the wrappers that watch the app's body chunk by chunk on its way to the server. The wrappers
// keep the body's shape (array, sync iterable, async iterable) because the server frames each
// shape differently (rule 6.1), and the validator must not change the bytes on the wire.
import { fail, show } from './_error.ts';
import type { Body, Chunk } from '../types.ts';

type Step = IteratorResult<Chunk, unknown>;

/** What the validator has seen of one response; startResponse, write and the body all report here. */
export class ResponseCheck {
  /** startResponse has been accepted. */
  started = false;
  /** 3.7: a chunk went out, an empty one asked for the head (a flush), or the body ended. */
  headersSent = false;
  /** The body ran to its end; writes after this are errors (3.6). */
  ended = false;
  private declared: number | undefined;
  private produced = 0;
  private bodiless = false;

  constructor(private readonly method: string) {}

  begin(status: string, declared: number | undefined): void {
    this.started = true;
    this.declared = declared;
    this.bodiless = this.method === 'HEAD' || /^(?:204|205|304)/.test(status);
  }

  /**
   * One chunk produced by the body or by write, checked before the server sees it.
   * 1.2 "The app must call `startResponse` before the first non-empty chunk is produced".
   * 3.7 "an empty chunk, written with `write('')` or yielded by a body iterator, after
   * `startResponse` asks the server to send the headers now … An empty chunk in an array body
   * flushes nothing".
   */
  chunk(value: unknown, source: string, inArray = false): void {
    checkChunk(value, source);
    const size = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
    if (size === 0) {
      if (this.started && !inArray) this.headersSent = true;
      return;
    }
    if (!this.started) {
      fail('1.2', `${source} produced a non-empty chunk before startResponse was called; call startResponse(status, headers) first.`);
    }
    this.produced += size;
    this.checkLength(this.produced > (this.declared ?? Infinity), 'more');
    this.headersSent = true;
  }

  /** 1.2 "At the latest, it must call it before its body finishes." */
  end(): void {
    this.ended = true;
    this.headersSent = true;
    if (!this.started) fail('1.2', 'the body finished but startResponse was never called; call it before the body ends.');
    this.checkLength(this.produced < (this.declared ?? 0), 'fewer');
  }

  /** 4.4 "Producing more bytes or fewer is an app error". No body is sent for HEAD, 204, 205, 304 (4.6). */
  private checkLength(wrong: boolean, which: string): void {
    if (wrong && !this.bodiless) {
      fail('4.4', `the app produced ${which} body bytes (${this.produced}) than its Content-Length ${this.declared}; make the header match the body or leave it out.`);
    }
  }
}

/** 4.2 "A chunk is a `Uint8Array` … or a string". */
function checkChunk(value: unknown, source: string): asserts value is Chunk {
  if (typeof value === 'string' || value instanceof Uint8Array) return;
  const hint = value instanceof ArrayBuffer ? ' (wrap an ArrayBuffer in new Uint8Array(buffer))' : '';
  fail('4.2', `${source} produced ${show(value)}; a chunk must be a Uint8Array or a string${hint}.`);
}

/** 4.1 "The body is an `Iterable` or an `AsyncIterable` of chunks … A string or a `Uint8Array` on its own is not a body". */
function checkBody(body: unknown): asserts body is Body {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    fail('4.1', `the app returned ${typeof body === 'string' ? 'a string' : 'a Uint8Array'} as its body, which would be sent item by item; return [chunk] instead.`);
  }
  const b = body as Partial<Iterable<unknown> & AsyncIterable<unknown>> | null | undefined;
  if (typeof b?.[Symbol.asyncIterator] !== 'function' && typeof b?.[Symbol.iterator] !== 'function') {
    fail('4.1', `the app returned ${show(body)}; the body must be an Iterable or AsyncIterable of chunks (return [] for none).`);
  }
}

/**
 * Reports one step of the app's iterator; the caller closes the iterator if this throws:
 * 4.5 "If the server stops iterating before the end … it calls the iterator's `return()`."
 */
function afterStep<S extends Step>(step: S, response: ResponseCheck): S {
  if (step.done === true) response.end();
  else response.chunk(step.value, 'the body');
  return step;
}

/** 4.3 "It asks for one at a time, never for the next before the last has arrived". */
function wrapAsync(body: AsyncIterable<Chunk>, response: ResponseCheck): AsyncIterable<Chunk> {
  return {
    [Symbol.asyncIterator]() {
      const inner = body[Symbol.asyncIterator]();
      let pending = false;
      return {
        async next() {
          if (pending) fail('4.3', 'the server asked for the next chunk before the last one arrived; await each next() before the next.');
          pending = true;
          let step: Step;
          try {
            step = await inner.next();
          } finally {
            pending = false;
          }
          try {
            return afterStep(step, response);
          } catch (error) {
            if (step.done !== true) await inner.return?.();
            throw error;
          }
        },
        // 4.5 "it calls the iterator's `return()`": the app's generator must hear of it.
        async return(value?: unknown) {
          await inner.return?.();
          return { done: true, value };
        },
      };
    },
  };
}

function wrapSync(body: Iterable<Chunk>, response: ResponseCheck): Iterable<Chunk> {
  return {
    [Symbol.iterator]() {
      const inner = body[Symbol.iterator]();
      return {
        next() {
          const step: Step = inner.next();
          try {
            return afterStep(step, response);
          } catch (error) {
            if (step.done !== true) inner.return?.();
            throw error;
          }
        },
        return(value?: unknown) {
          inner.return?.();
          return { done: true, value };
        },
      };
    },
  };
}

/**
 * An array is all produced at once: checked whole and handed on as itself, so the server still
 * sees a body it knows in full (6.1).
 */
function checkArray(body: readonly unknown[], response: ResponseCheck): void {
  for (const chunk of body) response.chunk(chunk, 'the body', true);
  response.end();
}

/** The app's body, checked as the server pulls it; never read ahead, never buffered (4.3). */
export function wrapBody(body: unknown, response: ResponseCheck): Body {
  checkBody(body);
  if (Array.isArray(body)) {
    checkArray(body, response);
    return body;
  }
  if (Symbol.asyncIterator in body) return wrapAsync(body as AsyncIterable<Chunk>, response);
  return wrapSync(body as Iterable<Chunk>, response);
}
