// Turns an environ into the `Request` a fetch handler takes: the URL, the header fields as the
// client sent them, a body that streams from `gateway.input` only once the handler reads it, and
// a signal that fires when the client goes away (SPEC rules 2.2–2.4, 2.9).
//
// This builds undici's real Request, which costs several microseconds. The bridge hands handlers a
// facade instead (lazy-request.ts) and calls this only when the handler needs the real thing.
import type { Environ, Input } from '@gateway-interop/gateway';
import { requestUrl } from './request-url.ts';

/** Methods `new Request` refuses outright (Fetch §2.2.1 "forbidden method"). */
export const forbiddenMethods: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Methods whose request may not carry a body in a `Request` (Fetch, Request constructor step 34). */
const bodylessMethods = new Set(['GET', 'HEAD']);

/** `duplex` is required by undici for a streaming body but missing from TypeScript's DOM types. */
type StreamingRequestInit = RequestInit & { duplex?: 'half' };

/** What the caller already has, so it is not made twice. */
export interface RequestParts {
  /** The URL; by default rebuilt from the environ. */
  url?: string;
  /** The header fields; by default made from `gateway.raw_headers`. */
  headers?: Headers;
  /** The body stream; by default one reading `gateway.input`. */
  body?: ReadableStream<Uint8Array>;
}

/** Builds the `Request` for `environ`. Reading its body reads `gateway.input`, lazily. */
export function toRequest(environ: Environ, parts: RequestParts = {}): Request {
  const method = environ.REQUEST_METHOD;
  const upper = method.toUpperCase();
  const forbidden = forbiddenMethods.has(upper);
  const init: StreamingRequestInit = {
    method: forbidden ? 'GET' : method,
    headers: parts.headers ?? headersOf(environ['gateway.raw_headers']),
    signal: environ['gateway.signal'],
  };
  // Like @hono/node-server, every method that may have a body gets a stream, even an empty one:
  // `request.body` is then never null for POST, whatever the client sent.
  if (!forbidden && !bodylessMethods.has(upper)) {
    init.body = parts.body ?? streamOf(environ['gateway.input']);
    init.duplex = 'half';
  }
  const request = new Request(parts.url ?? requestUrl(environ), init);
  // TRACE and friends still reach the handler (it decides, e.g. 405), under their real name.
  if (forbidden) Object.defineProperty(request, 'method', { value: method });
  return request;
}

/** Header fields in arrival order; a repeated name is appended, so none is lost (rule 2.3). */
export function headersOf(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/**
 * `gateway.input` as a `ReadableStream`. A high-water mark of 0 means nothing is pulled until the
 * handler reads, so the server sends `100 Continue` only then (rules 2.4, 6.3).
 */
export function streamOf(input: Input): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= input[Symbol.asyncIterator]();
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await iterator?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
