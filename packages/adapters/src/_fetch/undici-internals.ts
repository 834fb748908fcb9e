// The places where the fetch bridge reaches past the Fetch standard into undici (Node's fetch),
// together here so they are easy to find and to re-check on a Node upgrade; undici-internals.test.ts
// pins each one and docs/internals.md lists them with what they buy. Only the fast path uses them
// (the `light-request` and `light-response` tricks, GATEWAY_ENGINE); the reference path reads a
// Response through its public API alone. Each fails soft: on an undici that no longer has one, the
// function says so (`undefined`, an empty list, a plain call) and the bridge takes the standard way.
//  - Body source: handlers that build their response after an `await` get undici's Response
//    (light responses only cover the synchronous part), and reading one the standard way costs, on
//    Node 20 for a 22-byte body: 3.4 µs with a reader (two reads), 6.3 µs with `text()`, 7.2 µs
//    with `arrayBuffer()`. undici keeps what it was given next to the stream, in the object under
//    its `Symbol(state)` slot (`state.body.source`); reading that costs nothing. What it buys,
//    apps/app-hono GET /hello called in-process with light responses off (µs of CPU a request):
//    16.0 reading the stream (read-ahead.ts), 11.2 taking the source, and the answer is then an
//    array body, so the server skips a promise too. The slot is found on a probe at load time and
//    its shape checked on every use.
//  - Internal slots: undici's own code reads a Request's or Response's slots (`Symbol(state)`,
//    `Symbol(headers)`, `Symbol(signal)`…) rather than its getters, e.g. `new Request(request)`.
//    The light classes forward each slot to the real object they build on demand, so undici sees
//    through them (lazy-request.ts, light-response.ts).
//  - The global Response: handlers call `new Response(…)` through the global, so light responses
//    are only made while `globalThis.Response` is swapped for their class (light-response.ts).

const NativeResponse = globalThis.Response;

/** The description undici gives the symbol of a Request's or Response's state slot. */
const STATE = 'state';

function symbolNamed(object: object, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(object).find((symbol) => symbol.description === description);
}

const probe = new NativeResponse('probe');
const stateSlot = symbolNamed(probe, STATE);

interface BodyState {
  stream?: unknown;
  source?: unknown;
}

function bodyStateOf(response: Response): BodyState | undefined {
  if (stateSlot === undefined) return undefined;
  const state: unknown = Reflect.get(response, stateSlot);
  if (typeof state !== 'object' || state === null) return undefined;
  const body: unknown = (state as { body?: unknown }).body;
  return typeof body === 'object' && body !== null ? (body as BodyState) : undefined;
}

/** Whether the probe shows the layout `bodySource` expects; checked once, at load. */
export const bodySourceKnown: boolean = bodyStateOf(probe)?.source === 'probe';

/**
 * What `response` was made from (a string or bytes), taken from undici's state while its stream
 * is untouched (not read, not locked); `undefined` when the stream must be read: a stream, Blob or
 * FormData body, a body already touched, or an undici without the layout.
 */
export function bodySource(response: Response): string | Uint8Array | undefined {
  if (!bodySourceKnown) return undefined;
  const body = bodyStateOf(response);
  if (body === undefined) return undefined;
  const source = body.source;
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) return undefined;
  const stream = body.stream;
  if (!(stream instanceof ReadableStream) || stream.locked || response.bodyUsed) return undefined;
  return source;
}

/** The symbol-keyed slots undici gives every Request (read from a probe). */
export function requestSlots(): symbol[] {
  return Object.getOwnPropertySymbols(new Request('http://localhost/'));
}

/** The symbol-keyed slots undici gives every Response (read from a probe). */
export function responseSlots(): symbol[] {
  return Object.getOwnPropertySymbols(new NativeResponse(null));
}

/**
 * Makes `target.prototype` answer each of `slots` from the object `real(this)` returns, so that
 * undici's code reading a slot of `target`'s instances reads the real object's instead.
 */
export function forwardSlots<T>(
  prototype: object,
  slots: readonly symbol[],
  real: (self: T) => object,
): void {
  for (const slot of slots) {
    Object.defineProperty(prototype, slot, {
      get(this: T): unknown {
        return Reflect.get(real(this), slot);
      },
      configurable: true,
    });
  }
}

type Global = { Response: unknown };

/**
 * Whether the global Response was undici's when this module loaded (a base class, not someone's
 * replacement such as @hono/node-server's): only then is it swapped.
 */
const swappable = Object.getPrototypeOf(NativeResponse) === Function.prototype;

/**
 * Calls `f(a, b)` with `globalThis.Response` set to `replacement`, and puts undici's back before
 * returning or throwing. Leaves the global alone when it is not undici's (someone else replaced
 * it, or a call further up the stack already did this) or cannot be written.
 */
export function withGlobalResponse<A, B, R>(
  replacement: unknown,
  f: (a: A, b: B) => R,
  a: A,
  b: B,
): R {
  const global = globalThis as unknown as Global;
  if (!swappable || global.Response !== NativeResponse) return f(a, b);
  try {
    global.Response = replacement;
  } catch {
    return f(a, b); // a read-only global: leave it
  }
  try {
    return f(a, b);
  } finally {
    global.Response = NativeResponse;
  }
}
