// A speed trick, isolated here: a `Response` that keeps the body and head it was given, so the
// bridge can answer with them directly instead of building undici's Response and reading it back
// through a byte stream. On Node 20 `new Response('text')` costs about 6 µs, nearly all of it the
// ReadableStream undici makes for the body whether or not anyone reads it; this one costs a few
// tenths of a µs, and the bridge turns it into an array body the server writes in one go.
// What it buys, apps/app-hono GET /hello called in-process on Node 20 (µs of CPU a request, with
// the other tricks in place): 11.2 with undici's Response (its body taken as undici-internals.ts
// does), 3.3 with this one.
//
// Handlers build responses with the global `Response` (Hono's `c.text()` is `new Response(text)`),
// so the bridge sets `globalThis.Response` to this class for exactly as long as the handler runs
// synchronously (`withLightResponses`, through undici-internals.ts) and puts undici's back before
// returning, even on a throw. Code that runs later (after an `await`) gets undici's Response, which
// the bridge also handles. If someone else has replaced the global (@hono/node-server does), it is
// left alone. The bridge uses this class only when the `light-response` trick is on (GATEWAY_ENGINE).
//
// It is only used where it can be exact. The constructor takes the light path for a body that is
// null, a string or bytes, and an init whose status is a plain number in 200–599, whose statusText
// is a valid reason phrase, and whose headers are a Headers object or a one-field record with a
// valid name and value; anything else (a stream, a Blob, FormData, a questionable header, a status
// undici would reject) returns undici's own `new Response(body, init)`, errors and all. A light
// response is an instance of `Response`; reading its body (`body`, `text()`, `clone()`, …) builds
// the undici Response from the same parts and answers from it. Its `headers` is one live Headers
// object, and is what the bridge sends.
import { inspect } from 'node:util';
import type { HeaderList } from '@gateway-interop/gateway';
import { isFieldValue, isToken } from '@gateway-interop/gateway/http';
import { forwardSlots, responseSlots, withGlobalResponse } from './undici-internals.ts';

const NativeResponse = globalThis.Response;
const NativeHeaders = globalThis.Headers;

/** undici's content type for a string body. */
const TEXT_TYPE = 'text/plain;charset=UTF-8';
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
/** A header value undici would keep unchanged: no surrounding whitespace, no NUL, CR or LF, bytes only. */
const plainValue = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;
const noHeaders: HeaderList = [];

type Body = string | Uint8Array<ArrayBuffer> | null;
type Init = { headers?: unknown; status?: unknown; statusText?: unknown };

/** `body` as undici would store it, or `undefined` when only undici can take it. */
function plainBody(body: unknown): Body | undefined {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  // undici copies the bytes, so changing the caller's buffer afterwards changes nothing.
  if (ArrayBuffer.isView(body) && body.buffer instanceof ArrayBuffer) {
    return new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  }
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
  return undefined;
}

/** Header pairs (lowercase names, each Set-Cookie its own) copied from `init`, or `undefined`. */
function plainHeaders(init: unknown): HeaderList | undefined {
  if (init === undefined || init === null) return noHeaders;
  if (init instanceof NativeHeaders) {
    const list: HeaderList = [];
    let cookiesDone = false;
    for (const [name, value] of init) {
      if (name !== 'set-cookie') list.push([name, value]);
      else if (!cookiesDone) {
        cookiesDone = true;
        for (const cookie of init.getSetCookie()) list.push([name, cookie]);
      }
    }
    return list;
  }
  // A record with one field is what Hono passes for `c.json()` and friends.
  if (typeof init !== 'object' || Object.getPrototypeOf(init) !== Object.prototype)
    return undefined;
  const names = Object.keys(init);
  if (names.length !== 1 || Object.getOwnPropertySymbols(init).length !== 0) return undefined;
  const name = names[0] as string;
  const value: unknown = (init as Record<string, unknown>)[name];
  if (typeof value !== 'string' || !isToken(name) || !plainValue.test(value)) return undefined;
  return [[name.toLowerCase(), value]];
}

function hasField(list: HeaderList, name: string): boolean {
  for (let i = 0; i < list.length; i++) if ((list[i] as [string, string])[0] === name) return true;
  return false;
}

export class LightResponse {
  readonly #body!: Body;
  readonly #status!: number;
  readonly #statusText!: string;
  /** The header fields given, copied; `headers` replaces them with a live Headers on first use. */
  readonly #fields!: HeaderList;
  /** A string body's content type when the fields have none, as undici adds it. */
  readonly #defaultType!: string | null;
  #headers: Headers | undefined = undefined;
  #real: Response | undefined = undefined;

  constructor(body?: unknown, init?: unknown) {
    const plain = plainBody(body);
    let status = 200;
    let statusText = '';
    let fields: HeaderList | undefined = noHeaders;
    if (init !== undefined && init !== null) {
      if (typeof init === 'object') {
        // The order undici reads them in (dictionary members sort by name).
        const { headers, status: code, statusText: text } = init as Init;
        fields = plainHeaders(headers);
        if (code !== undefined)
          status = typeof code === 'number' && Number.isInteger(code) ? code : -1;
        if (text !== undefined)
          statusText = typeof text === 'string' && isFieldValue(text) ? text : '\0';
      } else {
        fields = undefined;
      }
    }
    if (
      plain === undefined ||
      fields === undefined ||
      status < 200 ||
      status > 599 ||
      statusText === '\0' ||
      (plain !== null && nullBodyStatuses.has(status))
    ) {
      // Not a case this class reproduces exactly: undici builds it, or throws what it throws.
      return new NativeResponse(
        body as BodyInit | null,
        init as ResponseInit,
      ) as unknown as LightResponse;
    }
    this.#body = plain;
    this.#status = status;
    this.#statusText = statusText;
    this.#fields = fields;
    this.#defaultType =
      typeof plain === 'string' && !hasField(fields, 'content-type') ? TEXT_TYPE : null;
  }

  get status(): number {
    return this.#status;
  }

  get ok(): boolean {
    return this.#status >= 200 && this.#status <= 299;
  }

  get statusText(): string {
    return this.#statusText;
  }

  get type(): ResponseType {
    return 'default';
  }

  get url(): string {
    return '';
  }

  get redirected(): boolean {
    return false;
  }

  get headers(): Headers {
    if (this.#headers !== undefined) return this.#headers;
    const headers = new NativeHeaders();
    for (const [name, value] of this.#fields) headers.append(name, value);
    if (this.#defaultType !== null) headers.append('content-type', this.#defaultType);
    this.#headers = headers;
    return headers;
  }

  get bodyUsed(): boolean {
    return this.#real !== undefined && this.#real.bodyUsed;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === null) return null;
    return LightResponse.real(this).body;
  }

  /** undici's Response for `response`, made from the same parts on first need. */
  static real(response: LightResponse): Response {
    return (response.#real ??= new NativeResponse(response.#body, {
      status: response.#status,
      statusText: response.#statusText,
      headers: response.headers,
    }));
  }

  /**
   * The parts the bridge sends, or `undefined` when `response` is not a light response or its body
   * went to undici's (someone read `body`). `fields` leaves out the default content type.
   */
  static partsOf(response: unknown): LightParts | undefined {
    // A brand check: `instanceof` says yes to undici's responses too (see below).
    if (typeof response !== 'object' || response === null || !(#body in response)) return undefined;
    if (response.#real !== undefined) return undefined;
    const live = response.#headers;
    return {
      body: response.#body,
      status: response.#status,
      statusText: response.#statusText,
      fields: live === undefined ? response.#fields : null,
      headers: live ?? null,
      defaultType: live === undefined ? response.#defaultType : null,
    };
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    // Both kinds are Responses while this class stands in for the global.
    return (
      typeof value === 'object' &&
      value !== null &&
      Object.prototype.isPrototypeOf.call(NativeResponse.prototype, value)
    );
  }
}

/** What the bridge needs to send a light response without building undici's. */
export interface LightParts {
  body: string | Uint8Array | null;
  status: number;
  statusText: string;
  /** The fields as given (not to be changed), when nobody asked for `headers`. */
  fields: HeaderList | null;
  /** The live Headers, when somebody asked for them (they may have been changed). */
  headers: Headers | null;
  /** A content type to add to `fields`. */
  defaultType: string | null;
}

// Everything not answered above goes to undici's Response, built on demand: `clone()`, `text()`,
// `json()`, `arrayBuffer()`, `blob()`, `formData()`, `bytes()`, any member a later Node adds, and
// the internal slots undici's own code reads.
const own = new Set<PropertyKey>(Reflect.ownKeys(LightResponse.prototype));
for (const key of Reflect.ownKeys(NativeResponse.prototype)) {
  if (own.has(key) || key === Symbol.toStringTag || key === inspect.custom) continue;
  const descriptor = Object.getOwnPropertyDescriptor(NativeResponse.prototype, key);
  if (descriptor?.get !== undefined) {
    Object.defineProperty(LightResponse.prototype, key, {
      get(this: LightResponse): unknown {
        return Reflect.get(LightResponse.real(this), key);
      },
      configurable: true,
      enumerable: descriptor.enumerable ?? false,
    });
  } else if (typeof descriptor?.value === 'function') {
    Object.defineProperty(LightResponse.prototype, key, {
      value(this: LightResponse, ...args: unknown[]): unknown {
        const real = LightResponse.real(this);
        return (Reflect.get(real, key) as (...a: unknown[]) => unknown).apply(real, args);
      },
      configurable: true,
      writable: true,
      enumerable: descriptor.enumerable ?? false,
    });
  }
}
forwardSlots(LightResponse.prototype, responseSlots(), LightResponse.real);
Object.defineProperty(LightResponse.prototype, inspect.custom, {
  value(this: LightResponse, depth: number, options: object): string {
    const shown = {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
      bodyUsed: this.bodyUsed,
    };
    return `Response ${inspect(shown, { ...options, depth: depth < 0 ? null : depth - 1 })}`;
  },
});
// `Response.json()`, `Response.redirect()` and `Response.error()` are undici's, unchanged.
Object.setPrototypeOf(LightResponse, NativeResponse);
Object.setPrototypeOf(LightResponse.prototype, NativeResponse.prototype);
Object.defineProperty(LightResponse, 'name', { value: 'Response' });

/**
 * Calls `f(a, b)` with `globalThis.Response` set to LightResponse, and puts undici's back before
 * returning or throwing. Leaves the global alone when it is not undici's (someone else replaced
 * it, or a call further up the stack already did this).
 */
export function withLightResponses<A, B, R>(f: (a: A, b: B) => R, a: A, b: B): R {
  return withGlobalResponse(LightResponse, f, a, b);
}
