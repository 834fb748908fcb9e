// A speed trick, isolated here: the `Request` a fetch handler gets is a facade over the environ,
// and undici's real `Request` is built only if the handler touches something the facade does not
// answer itself. Most handlers only read `method`, `url` and a few headers. The facade answers
// those, `signal` (the environ's own) and the body read in one go (`text()`, `json()`,
// `arrayBuffer()`, `bytes()`, straight from gateway.input, with no stream in between); everything
// else (`body`, `clone()`, `formData()`, `mode`, …) builds the real Request from the same environ
// (to-request.ts) and answers from it.
// What it buys, apps/app-hono GET /hello called in-process on Node 20 (µs of CPU a request, with
// the other tricks in place): 31 with undici's Request, 3.3 with the facade. The Request alone is
// ~4 µs; the rest is its signal following the environ's (two AbortControllers, ~3 µs each) and
// the garbage all of it leaves.
//
// It is an instance of `Request` (its prototype inherits `Request.prototype`), and undici's own
// code reading the internal slots of a Request (`new Request(facade, init)`, as Hono's body-limit
// middleware does) is pointed at the real one. Those slots are found on a probe at load time
// (undici-internals.ts); on a Node whose undici keeps them private instead, `new Request(facade)`
// cannot see through it. The bridge uses the facade only when the `light-request` trick is on
// (GATEWAY_ENGINE); otherwise the handler gets to-request.ts's real Request.
import { inspect } from 'node:util';
import type { Environ, Input } from '@gateway-interop/gateway';
import { isToken } from '@gateway-interop/gateway/http';
import { serializedRequestUrl } from './request-url.ts';
import { forbiddenMethods, headersOf, toRequest } from './to-request.ts';
import { forwardSlots, requestSlots } from './undici-internals.ts';

const NativeRequest = globalThis.Request;

/** Methods a `Request` spells in upper case whatever the case sent (Fetch, "normalize a method"). */
const normalizedMethods = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

const decoder = new TextDecoder();

/** `method` as `request.method` reports it; throws a TypeError where `new Request` would. */
function requestMethod(method: string): string {
  switch (method) {
    case 'GET':
    case 'POST':
    case 'HEAD':
    case 'PUT':
    case 'DELETE':
    case 'OPTIONS':
    case 'PATCH':
      return method;
  }
  if (!isToken(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
  const upper = method.toUpperCase();
  return normalizedMethods.has(upper) ? upper : method;
}

/** Whether a request with this method carries a body stream (Fetch forbids one for GET and HEAD). */
function mayHaveBody(method: string): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  const upper = method.toUpperCase();
  return upper !== 'GET' && upper !== 'HEAD' && !forbiddenMethods.has(upper);
}

/** Every chunk of `input`, joined. */
async function readAll(input: Input): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of input) parts.push(chunk);
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

/** A fresh ArrayBuffer holding exactly `bytes` (socket chunks are views into shared pools). */
function ownArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(decoder.decode(bytes));
}

function ownBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(ownArrayBuffer(bytes));
}

/** An empty body stream, for a real Request whose body was already read through the facade. */
function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
}

export class LazyRequest {
  readonly #environ: Environ;
  /** Set once the body was read directly from gateway.input. */
  #used = false;
  #url: string | undefined = undefined;
  #headers: Headers | undefined = undefined;
  #real: Request | undefined = undefined;

  constructor(environ: Environ) {
    this.#environ = environ;
  }

  get method(): string {
    return requestMethod(this.#environ.REQUEST_METHOD);
  }

  get url(): string {
    return (this.#url ??= serializedRequestUrl(this.#environ));
  }

  /** The header fields as sent; one object for the life of the request, as on a real Request. */
  get headers(): Headers {
    return (this.#headers ??= headersOf(this.#environ['gateway.raw_headers']));
  }

  /** The environ's signal: fires when the client goes away (rule 2.9). */
  get signal(): AbortSignal {
    return this.#environ['gateway.signal'];
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real === undefined && !mayHaveBody(this.#environ.REQUEST_METHOD)) return null;
    return LazyRequest.real(this).body;
  }

  get bodyUsed(): boolean {
    return this.#real === undefined ? this.#used : this.#real.bodyUsed;
  }

  text(): Promise<string> {
    const bytes = this.#direct();
    return bytes === undefined ? LazyRequest.real(this).text() : bytes.then(decodeText);
  }

  json(): Promise<unknown> {
    const bytes = this.#direct();
    return bytes === undefined ? LazyRequest.real(this).json() : bytes.then(parseJson);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#direct();
    return bytes === undefined ? LazyRequest.real(this).arrayBuffer() : bytes.then(ownArrayBuffer);
  }

  bytes(): Promise<Uint8Array> {
    const bytes = this.#direct();
    return bytes === undefined
      ? (LazyRequest.real(this) as Request & { bytes(): Promise<Uint8Array> }).bytes()
      : bytes.then(ownBytes);
  }

  /**
   * The whole body, read from gateway.input without a stream, or `undefined` when the real
   * Request must answer: it exists already, or the body was used (it rejects as undici does).
   */
  #direct(): Promise<Uint8Array> | undefined {
    if (this.#real !== undefined || this.#used) return undefined;
    if (!mayHaveBody(this.#environ.REQUEST_METHOD)) return Promise.resolve(new Uint8Array(0));
    this.#used = true;
    return readAll(this.#environ['gateway.input']);
  }

  /** The real Request for `request`, built on first need from the same environ. */
  static real(request: LazyRequest): Request {
    if (request.#real !== undefined) return request.#real;
    const environ = request.#environ;
    const used = request.#used;
    const real = toRequest(environ, {
      url: request.url,
      headers: request.headers,
      body: used ? emptyBody() : undefined,
    });
    // The body went to the facade's reader: the real one's must read as used too (locked and
    // disturbed), so `clone()`, `blob()` and `new Request(facade)` refuse it as undici would.
    if (used) void real.body?.getReader().read();
    request.#real = real;
    return real;
  }
}

// Everything the facade does not answer itself is answered by the real Request, built on demand:
// the other attributes (`mode`, `cache`, `duplex`, …), `clone()`, `blob()`, `formData()`, and any
// member a later Node adds. The internal slots (`Symbol(state)` and friends) are forwarded too.
const own = new Set<PropertyKey>(Reflect.ownKeys(LazyRequest.prototype));
for (const key of Reflect.ownKeys(NativeRequest.prototype)) {
  if (own.has(key) || key === Symbol.toStringTag || key === inspect.custom) continue;
  const descriptor = Object.getOwnPropertyDescriptor(NativeRequest.prototype, key);
  if (descriptor?.get !== undefined) {
    Object.defineProperty(LazyRequest.prototype, key, {
      get(this: LazyRequest): unknown {
        return Reflect.get(LazyRequest.real(this), key);
      },
      configurable: true,
      enumerable: descriptor.enumerable ?? false,
    });
  } else if (typeof descriptor?.value === 'function') {
    Object.defineProperty(LazyRequest.prototype, key, {
      value(this: LazyRequest, ...args: unknown[]): unknown {
        const real = LazyRequest.real(this);
        return (Reflect.get(real, key) as (...a: unknown[]) => unknown).apply(real, args);
      },
      configurable: true,
      writable: true,
      enumerable: descriptor.enumerable ?? false,
    });
  }
}
forwardSlots(LazyRequest.prototype, requestSlots(), LazyRequest.real);
Object.defineProperty(LazyRequest.prototype, inspect.custom, {
  value(this: LazyRequest, depth: number, options: object): string {
    const shown = { method: this.method, url: this.url, headers: this.headers };
    return `Request ${inspect(shown, { ...options, depth: depth < 0 ? null : depth - 1 })}`;
  },
});
Object.setPrototypeOf(LazyRequest.prototype, NativeRequest.prototype);

/** The `Request` a fetch handler gets for `environ`. */
export function lazyRequest(environ: Environ): Request {
  return new LazyRequest(environ) as unknown as Request;
}
