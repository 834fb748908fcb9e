// The gateway interface: the whole contract between a server and an application, as types.
// SPEC.md is the normative text; each type names the rule it stands for. This is the analog of
// PEP 3333 / wsgiref.types: `App = (environ, startResponse) => body`.

/** A piece of body: bytes, or a string sent as UTF-8 (SPEC rule 4.2). */
export type Chunk = Uint8Array | string;

/** What an app returns: chunks to send, sync or async, or a promise of them (rules 4.1–4.6). */
export type Body = Iterable<Chunk> | AsyncIterable<Chunk>;

/** Response header fields as `[name, value]` pairs; a repeated name stays repeated (rule 3.3). */
export type HeaderList = Array<[name: string, value: string]>;

/** Sends one chunk from an imperative writer; resolves when the server can take more (rule 3.6). An empty chunk sends the head now (rule 3.7). */
export type Write = (chunk: Chunk) => Promise<void>;

/**
 * Begins the response: `status` like `'200 OK'`, `headers` as pairs, `error` only when replacing
 * a response already begun after a failure (rules 3.1–3.7).
 */
export type StartResponse = (status: string, headers: HeaderList, error?: unknown) => Write;

/** The request body, read once, with backpressure (rule 2.4). Empty when there is none. */
export type Input = AsyncIterable<Uint8Array>;

/**
 * Sends an interim (1xx) response ahead of the final one, e.g. `'103 Early Hints'` with `Link`
 * fields; resolves when it is written, or at once when it cannot be sent (rule 6.6).
 */
export type Informational = (status: string, headers?: HeaderList) => Promise<void>;

/** Where an app reports problems; one line per call (rule 2.5). */
export interface ErrorStream {
  write(message: string): void;
}

/** The request as the server saw it: CGI keys plus `gateway.*` keys (rules 2.1–2.9). */
export interface Environ {
  REQUEST_METHOD: string;
  /** The mount point of the app; `''` at the root (rule 2.2). */
  SCRIPT_NAME: string;
  /** The rest of the path, percent-decoded (rule 2.2). */
  PATH_INFO: string;
  /** Everything after `?`, as sent, without the `?` (rule 2.2). */
  QUERY_STRING: string;
  /** The request-target exactly as sent, not decoded; bridges rebuild URLs from it (rule 2.2). */
  REQUEST_URI: string;
  CONTENT_TYPE?: string;
  CONTENT_LENGTH?: string;
  SERVER_NAME: string;
  SERVER_PORT: string;
  /** `'HTTP/1.1'` or `'HTTP/1.0'`. */
  SERVER_PROTOCOL: string;
  REMOTE_ADDR: string;
  REMOTE_PORT: string;
  /** One key per request header, e.g. `HTTP_USER_AGENT`; repeats joined by `, ` (rule 2.3). */
  [header: `HTTP_${string}`]: string | undefined;
  /** `[major, minor]` of this interface (rule 2.5). */
  'gateway.version': readonly [number, number];
  'gateway.url_scheme': 'http' | 'https';
  'gateway.input': Input;
  'gateway.errors': ErrorStream;
  'gateway.multithread': boolean;
  'gateway.multiprocess': boolean;
  'gateway.run_once': boolean;
  /** Fires when the client goes away before the response is complete (rules 2.9, 5.2). */
  'gateway.signal': AbortSignal;
  /** Header fields exactly as received: `[name, value, name, value, …]` (rule 2.3). */
  'gateway.raw_headers': readonly string[];
  /** Interim responses; call it on the environ. Optional: a server may not offer it (rule 6.6). */
  'gateway.informational'?: Informational;
}

/** A gateway callable: an application, or middleware that is one (rule 1.1). */
export type App = (environ: Environ, startResponse: StartResponse) => Body | Promise<Body>;
