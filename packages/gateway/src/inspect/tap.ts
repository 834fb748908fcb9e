// The inspector's tap: the hooks the request cycle calls at its named steps when `inspect` is
// given to the server (ServerOptions.inspect). The connection holds no inspector code of its own,
// only these calls behind one null check, so with the option off the server does what it did.
import type { RequestHead } from '../http/parser.ts';
import type { Environ, StartResponse } from '../types.ts';

/** One exchange as the connection reports it, step by step. */
export interface ExchangeTap {
  /** Step "environ": the environ exactly as the app is about to get it. */
  environ(environ: Environ): void;
  /** Step "call": the startResponse the app gets, recording each call and each write. */
  startResponse(start: StartResponse): StartResponse;
  /** Step "call": the body the app returned, recording each chunk it produces. */
  body(result: unknown): unknown;
  /** Step "respond": the response head exactly as written. */
  responseHead(head: string): void;
  /** Step "keep or close": the last byte is written; `bytes` of body went out. */
  done(status: number, bytes: number): void;
}

/** What the server calls; `connection` is only a key telling connections apart. */
export interface Tap {
  /** Step "read": raw bytes as they came off the socket. */
  received(connection: object, chunk: Buffer): void;
  /** Step "parse": a request head is parsed; the rest of the exchange reports to what returns. */
  begin(
    connection: object,
    head: RequestHead,
    remote: { address: string; port: string },
  ): ExchangeTap;
}
