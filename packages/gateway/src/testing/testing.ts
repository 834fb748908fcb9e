// In-process test helper: calls a gateway app with a made-up request and collects what it answers,
// so interface tests read like `await callApp(app, { PATH_INFO: '/hello' })`. No socket involved;
// for behaviour on the wire use the server itself.
import type { App, Chunk, Environ, HeaderList, Input } from '../types.ts';

export interface CallResult {
  status: string;
  statusCode: number;
  headers: HeaderList;
  body: Uint8Array;
  text: string;
}

export interface CallOptions {
  /** Request body bytes, fed to `gateway.input` in one chunk. */
  body?: Uint8Array | string;
  /** Request headers by name; each becomes an `HTTP_*` key and an entry in raw headers. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

function inputOf(bytes: Uint8Array | undefined): Input {
  return {
    async *[Symbol.asyncIterator]() {
      if (bytes && bytes.length > 0) yield bytes;
    },
  };
}

/** Builds an environ for `GET /` on localhost, with `overrides` applied last. */
export function makeEnviron(overrides: Partial<Environ> = {}, options: CallOptions = {}): Environ {
  const body = typeof options.body === 'string' ? encoder.encode(options.body) : options.body;
  const environ: Environ = {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    REQUEST_URI: '/',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_PORT: '50000',
    HTTP_HOST: 'localhost',
    'gateway.version': [1, 0],
    'gateway.url_scheme': 'http',
    'gateway.input': inputOf(body),
    'gateway.errors': { write: (message: string) => void process.stderr.write(message) },
    'gateway.multithread': false,
    'gateway.multiprocess': false,
    'gateway.run_once': false,
    'gateway.signal': options.signal ?? new AbortController().signal,
    'gateway.raw_headers': ['Host', 'localhost'],
  };
  const raw: string[] = ['Host', 'localhost'];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const key = name.toUpperCase().replace(/-/g, '_');
    if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') environ[key] = value;
    else if (!name.includes('_')) environ[`HTTP_${key}`] = value; // rule 2.3's spoofing guard
    if (key !== 'HOST') raw.push(name, value);
    else raw[1] = value;
  }
  if (body && environ.CONTENT_LENGTH === undefined) environ.CONTENT_LENGTH = String(body.length);
  environ['gateway.raw_headers'] = raw;
  Object.assign(environ, overrides);
  if (overrides.REQUEST_URI === undefined) {
    environ.REQUEST_URI =
      (environ.SCRIPT_NAME + environ.PATH_INFO || '/') + (environ.QUERY_STRING ? `?${environ.QUERY_STRING}` : '');
  }
  return environ;
}

function toBytes(chunk: Chunk): Uint8Array {
  return typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
}

/**
 * Calls `app` once and gathers the response. Enforces the calling order the server enforces
 * (startResponse before the first chunk) so a broken app fails here too.
 */
export async function callApp(
  app: App,
  overrides: Partial<Environ> = {},
  options: CallOptions = {},
): Promise<CallResult> {
  const environ = makeEnviron(overrides, options);
  let status: string | undefined;
  let headers: HeaderList = [];
  const parts: Uint8Array[] = [];
  let sent = false;
  const push = (chunk: Chunk, inArray = false): void => {
    const bytes = toBytes(chunk);
    if (bytes.length === 0) {
      // Rule 3.7: after startResponse an empty chunk flushes the head, except in an array, which
      // the server knows in full; before it, it sends nothing.
      if (status !== undefined && !inArray) sent = true;
      return;
    }
    if (status === undefined) throw new Error('body chunk before startResponse (SPEC rule 1.2)');
    sent = true;
    parts.push(bytes);
  };
  const body = await app(environ, (s, h, error) => {
    if (sent && error !== undefined) throw error; // rule 3.5: too late to replace, hand it back
    status = s;
    headers = h;
    return async (chunk) => push(chunk);
  });
  if (Array.isArray(body)) for (const chunk of body as Chunk[]) push(chunk, true);
  else for await (const chunk of body as AsyncIterable<Chunk>) push(chunk);
  if (status === undefined) throw new Error('app finished without calling startResponse (SPEC rule 1.2)');
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    bytes.set(p, offset);
    offset += p.length;
  }
  return {
    status,
    statusCode: Number(status.slice(0, 3)),
    headers,
    body: bytes,
    text: new TextDecoder().decode(bytes),
  };
}
