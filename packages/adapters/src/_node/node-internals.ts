// The three places where the node bridge reaches into node:http's undocumented internals. They sit
// together here so they are easy to find and to re-check on a Node upgrade; node-internals.test.ts
// pins each one. What each buys:
//  - Request headers: `IncomingMessage#_addHeaderLines` is what node's own parser calls
//    (parserOnHeadersComplete in lib/_http_common.js). With it, `req.headers` and
//    `req.headersDistinct` are node's own lazy getters, with all of node's joining rules, instead of
//    a copy of those rules that could drift. The userland parser http-parser-js relies on it too.
//  - Response head: `OutgoingMessage#_storeHeader` is where node turns status and headers into the
//    head (`res._header`). Wrapping it lets the real ServerResponse keep all its header bookkeeping
//    (writeHead in every form, validation, Content-Length for `end(data)`, no body for HEAD/204/304)
//    while the head goes to startResponse instead of the socket, and node's chunked framing is
//    switched off: the gateway server frames the body itself (SPEC 6.1).
//  - Drain: before emitting 'drain' on a response, node's server clears the response's private
//    kNeedDrain flag (socketOnDrain in lib/_http_server.js). The bridge must too, or
//    `res.writableNeedDrain` stays true and a later `stream.pipe(res)` waits for a drain that never
//    comes.
import { IncomingMessage, OutgoingMessage } from 'node:http';
import type { ServerResponse } from 'node:http';

/** Receives node's serialized head: `'HTTP/1.1 200 OK\r\nName: value\r\n…\r\n'`. */
export interface HeadSink {
  head(serialized: string): void;
}

interface IncomingInternals {
  _addHeaderLines?: (headers: string[], n: number) => void;
}

interface OutgoingInternals {
  _storeHeader: (this: OutgoingInternals, firstLine: string, headers: unknown) => void;
  _header: string | null;
  _headerSent: boolean;
  chunkedEncoding: boolean;
  [kHeadSink]?: HeadSink;
}

const kHeadSink = Symbol('gateway head sink');
const { _addHeaderLines } = IncomingMessage.prototype as unknown as IncomingInternals;
const { _storeHeader } = OutgoingMessage.prototype as unknown as Partial<OutgoingInternals>;
if (typeof _addHeaderLines !== 'function' || typeof _storeHeader !== 'function') {
  throw new Error(`Node.js ${process.version} lacks the http internals the node bridge uses; see node-internals.ts.`);
}

/** Gives `req` its header fields exactly as node's parser would: `rawHeaders` plus lazy `headers`. */
export function setRawHeaders(req: IncomingMessage, rawHeaders: string[]): void {
  _addHeaderLines!.call(req, rawHeaders, rawHeaders.length);
}

function storeHeaderForGateway(this: OutgoingInternals, firstLine: string, headers: unknown): void {
  _storeHeader!.call(this, firstLine, headers);
  this.chunkedEncoding = false;
  // Node writes `_header` in front of the first body bytes unless it believes it already went out.
  this._headerSent = true;
  this[kHeadSink]?.head(this._header ?? '');
}

/**
 * Hands node's serialized head to `sink` at the moment `res` fixes its status and headers, and
 * keeps node from ever writing that head, or any chunked framing, to the socket: only body bytes
 * reach it.
 */
export function interceptHead(res: ServerResponse, sink: HeadSink): void {
  const internals = res as unknown as OutgoingInternals;
  internals[kHeadSink] = sink;
  // Own properties, so they survive Express swapping the response's prototype for its own
  // (app.handle in express/lib/application.js).
  internals._storeHeader = storeHeaderForGateway;
}

/** Emits 'drain' on `res` the way node's server does: only if a write returned false before. */
export function emitDrain(res: ServerResponse): void {
  if (res.writableNeedDrain !== true) return;
  const needDrain = Object.getOwnPropertySymbols(res).find((symbol) => symbol.description === 'kNeedDrain');
  if (needDrain !== undefined) (res as unknown as Record<symbol, unknown>)[needDrain] = false;
  res.emit('drain');
}
