// The places where the node bridge reaches into node:http's undocumented internals. They sit
// together here so they are easy to find and to re-check on a Node upgrade; node-internals.test.ts
// pins each one. What each buys:
//  - Request headers: `IncomingMessage#_addHeaderLines` is what node's own parser calls
//    (parserOnHeadersComplete in lib/_http_common.js). With it, `req.headers` and
//    `req.headersDistinct` are node's own lazy getters, with all of node's joining rules, instead of
//    a copy of those rules that could drift. The userland parser http-parser-js relies on it too.
//  - Response head: `OutgoingMessage#_storeHeader(firstLine, headers)` is where node turns the
//    status and headers into the head (`res._header`), called by writeHead in all its forms once
//    they are final. Replacing it lets the real ServerResponse keep all its header bookkeeping
//    (setHeader/appendHeader/removeHeader, writeHead in every form, Content-Length for `end(data)`,
//    no body for HEAD/204/304) while the head goes to startResponse instead of the socket, with no
//    chunked framing: the gateway server frames the body itself (SPEC 6.1). The replacement follows
//    node's rules field for field (storeHeadForGateway below) and hands the gateway its header
//    list directly. Serializing the head with node's own _storeHeader and parsing the text back
//    (slicing a freshly concatenated string costs more than building it) cost about 0.85 µs more
//    a response on Node 20 (a `res.end('hello world')` handler in process: 3.5 → 2.6 µs for the
//    whole bridge). It needs the `kOutHeaders` symbol, under which setHeader keeps the fields;
//    node-internals.test.ts compares the result with node's own head for each form of writeHead.
//  - Drain: before emitting 'drain' on a response, node's server clears the response's private
//    kNeedDrain flag (socketOnDrain in lib/_http_server.js). The bridge must too, or
//    `res.writableNeedDrain` stays true and a later `stream.pipe(res)` waits for a drain that never
//    comes.
//  - Request body: an IncomingMessage gets its bytes through `_read`, which node's own version
//    answers by resuming the socket. The bridge gives each request its own `_read` that pulls from
//    `gateway.input`, and calls node's first for what it does to the stream's state (marks the
//    request consumed and lets it read ahead). No public API feeds an IncomingMessage.
//  - Socket fields: node's http code reads and writes members of its socket under private names:
//    `_httpMessage` (set by assignSocket, the response on the socket), `_hadError` (onFinish emits
//    no 'finish' for a response whose socket failed), `_writableState.corked` (OutgoingMessage#end
//    sets it before its last uncork) and `_writableState.closed` (read by `stream.finished`, which
//    IncomingMessage#_destroy calls on the socket). The stand-in socket (gateway-socket.ts) extends
//    SocketFields below, which declares them, and uses them only through the functions here.
import { EventEmitter } from 'node:events';
import { IncomingMessage, OutgoingMessage, validateHeaderName, validateHeaderValue } from 'node:http';
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import type { HeaderList } from '@gateway-interop/gateway';
import { HeadFields, statusOf } from './response-head.ts';

/** Receives the head once the app's status and headers are final. */
export interface HeadSink {
  /** `chunked`: node would frame this body with chunked encoding (no length known, not HEAD/204/304). */
  head(status: string, headers: HeaderList, chunked: boolean): void;
}

interface IncomingInternals {
  _addHeaderLines?: (headers: string[], n: number) => void;
}

/** The state of node's OutgoingMessage and ServerResponse that its _storeHeader reads and sets. */
interface OutgoingInternals {
  _storeHeader: (this: OutgoingInternals, firstLine: string, headers: unknown) => void;
  _header: string | null;
  _headerSent: boolean;
  _hasBody: boolean;
  _contentLength: number | null;
  _removedContLen: boolean;
  _removedTE: boolean;
  useChunkedEncodingByDefault: boolean;
  sendDate: boolean;
  statusCode: number;
  statusMessage: string;
  [kHeadSink]?: HeadSink;
  [symbol: symbol]: unknown;
}

const kHeadSink = Symbol('gateway head sink');
const { _addHeaderLines } = IncomingMessage.prototype as unknown as IncomingInternals;
const { _storeHeader } = OutgoingMessage.prototype as unknown as Partial<OutgoingInternals>;
const symbolNamed = (name: string): symbol | undefined =>
  Object.getOwnPropertySymbols(new OutgoingMessage()).find((symbol) => symbol.description === name);
const kOutHeaders = symbolNamed('kOutHeaders');
const kNeedDrain = symbolNamed('kNeedDrain');
const missing = [
  typeof _addHeaderLines !== 'function' && 'IncomingMessage#_addHeaderLines',
  typeof _storeHeader !== 'function' && 'OutgoingMessage#_storeHeader',
  kOutHeaders === undefined && 'OutgoingMessage[kOutHeaders]',
  kNeedDrain === undefined && 'OutgoingMessage[kNeedDrain]',
  typeof IncomingMessage.prototype._read !== 'function' && 'IncomingMessage#_read',
].filter(Boolean);
if (missing.length > 0) {
  throw new Error(`Node.js ${process.version} lacks the http internals the node bridge uses (${missing.join(', ')}); see docs/internals.md.`);
}

/** Gives `req` its header fields exactly as node's parser would: `rawHeaders` plus lazy `headers`. */
export function setRawHeaders(req: IncomingMessage, rawHeaders: string[]): void {
  _addHeaderLines!.call(req, rawHeaders, rawHeaders.length);
}

const nodeRead = IncomingMessage.prototype._read;

/**
 * Makes `read` the way `req` gets its body bytes (its `_read`). An own property, so it survives
 * Express swapping the request's prototype for its own.
 */
export function replaceRead(req: IncomingMessage, read: (this: IncomingMessage, size: number) => void): void {
  req._read = read;
}

/** Node's own IncomingMessage#_read, for what it does to the stream's state; then `read` fetches. */
export function nodeReadStarted(req: IncomingMessage, size: number): void {
  nodeRead.call(req, size);
}

/**
 * The members of a net.Socket that node's http code reads or writes under private names; a
 * stand-in socket extends this so node finds them. Use them through the functions below.
 */
export class SocketFields extends EventEmitter {
  /** Set when the connection ends with an error: OutgoingMessage then emits no 'finish'. */
  _hadError = false;
  /** The response on this connection; node's ServerResponse#assignSocket sets it. */
  _httpMessage: ServerResponse | null = null;
  /** The part of a Writable's state node reads and writes on its socket. */
  readonly _writableState = { corked: 0, closed: false };
}

/** The response node assigned to `socket`, if any. */
export function socketResponse(socket: SocketFields): ServerResponse | null {
  return socket._httpMessage;
}

/** Notes that `socket` ends with an error, as a net.Socket does before its 'close'. */
export function markSocketFailed(socket: SocketFields): void {
  socket._hadError = true;
}

/** Notes that `socket` has closed, where `stream.finished` looks. */
export function markSocketClosed(socket: SocketFields): void {
  socket._writableState.closed = true;
}

/** How many cork() calls on `socket` wait for their uncork(); node sets it directly too. */
export function socketCorked(socket: SocketFields): number {
  return socket._writableState.corked;
}

export function corkSocket(socket: SocketFields): void {
  socket._writableState.corked++;
}

export function uncorkSocket(socket: SocketFields): void {
  if (socket._writableState.corked > 0) socket._writableState.corked--;
}

// What node's matchHeader notes about the fields it stores, as bits.
const CONTENT_LENGTH = 1;
const TRANSFER_ENCODING = 2;
const DATE = 4;
const TRAILER = 8;
const CHUNKED_CODING = 16;
/** Lengths of the names node and the gateway look at (hop-by-hop ones, date, expect…): others need no lower-casing. */
const NOTED_LENGTHS = new Set([2, 4, 6, 7, 10, 14, 16, 17]);
const lowerOf = (name: string): string => (NOTED_LENGTHS.has(name.length) ? name.toLowerCase() : '');
const CHUNKED = /(?:^|\W)chunked(?:$|\W)/i;

function nodeError(code: string, message: string, type: ErrorConstructor = Error): Error {
  return Object.assign(new type(message), { code });
}

/** One field line, as node's storeHeader and matchHeader: the line, and what it tells node. */
function storeField(res: OutgoingInternals, fields: HeadFields, name: string, lower: string, value: unknown, validate: boolean): number {
  if (validate) validateHeaderValue(name, value as string);
  const text = String(value);
  fields.add(name, lower, text);
  // Of the state node's matchHeader sets, only what is read once the head is fixed: the length
  // (strictContentLength). The rest (_removedTE, _removedConnection, _defaultKeepAlive, _last,
  // shouldKeepAlive) only ever steers node's own framing and connection handling, which is the
  // gateway server's here, and every write to `res` counts: on a response whose prototype Express
  // has swapped, each access to it is a slow, uncached lookup.
  switch (lower) {
    case 'content-length':
      res._contentLength = +text;
      res._removedContLen = false;
      return CONTENT_LENGTH;
    case 'transfer-encoding':
      return CHUNKED.test(text) ? TRANSFER_ENCODING | CHUNKED_CODING : TRANSFER_ENCODING;
    case 'date':
      return DATE;
    case 'trailer':
      return TRAILER;
    default:
      return 0;
  }
}

/** A header as node's processHeader: a list of values is one line each, but Cookie's are joined. */
function storeHeader(res: OutgoingInternals, fields: HeadFields, name: string, lower: string, value: unknown, validate: boolean): number {
  if (validate) validateHeaderName(name);
  if (!Array.isArray(value)) return storeField(res, fields, name, lower, value, validate);
  if (value.length >= 2 && lower === 'cookie') return storeField(res, fields, name, lower, value.join('; '), validate);
  let noted = 0;
  for (let i = 0; i < value.length; i++) noted |= storeField(res, fields, name, lower, value[i], validate);
  return noted;
}

/**
 * Replaces `_storeHeader`. Walks the headers in each form writeHead passes them (setHeader's
 * store, `[name, value]` pairs, a flat list, an object), validating those that did not come
 * through setHeader, and adds what node adds for the body: `Content-Length` when the length is
 * known at once (`end(data)`), no `Transfer-Encoding`, no `Connection`/`Keep-Alive` (the server's
 * business), no `Date` unless `sendDate` is set again.
 */
function storeHeadForGateway(this: OutgoingInternals, firstLine: string, headers: unknown): void {
  const fields = new HeadFields(firstLine);
  let noted = 0;
  if (headers) {
    if (headers === this[kOutHeaders!]) {
      const store = headers as Record<string, [string, unknown]>;
      for (const key in store) {
        const entry = store[key]!;
        noted |= storeHeader(this, fields, entry[0], key, entry[1], false); // keyed by the lower-cased name
      }
    } else if (Array.isArray(headers)) {
      if (headers.length > 0 && Array.isArray(headers[0])) {
        for (const entry of headers as Array<[string, unknown]>) noted |= storeHeader(this, fields, entry[0], lowerOf(String(entry[0])), entry[1], true);
      } else {
        if (headers.length % 2 !== 0) {
          throw nodeError('ERR_INVALID_ARG_VALUE', `The argument 'headers' is invalid. Received ${inspect(headers)}`, TypeError);
        }
        for (let i = 0; i < headers.length; i += 2) {
          noted |= storeHeader(this, fields, headers[i] as string, lowerOf(String(headers[i])), headers[i + 1], true);
        }
      }
    } else {
      const object = headers as Record<string, unknown>;
      for (const key in object) if (Object.hasOwn(object, key)) noted |= storeHeader(this, fields, key, lowerOf(key), object[key], true);
    }
  }
  if (this.sendDate && (noted & DATE) === 0) fields.add('Date', 'date', new Date().toUTCString());
  // Node's choice of framing: the Content-Length it adds, and whether it would chunk, which
  // decides if a Trailer field is allowed. Node's own `chunkedEncoding` stays false: the gateway
  // server frames the body.
  const code = this.statusCode;
  let chunked = (noted & CHUNKED_CODING) !== 0 && code !== 204 && code !== 304;
  if ((noted & (CONTENT_LENGTH | TRANSFER_ENCODING)) === 0 && this._hasBody && this.useChunkedEncodingByDefault) {
    if ((noted & TRAILER) === 0 && !this._removedContLen && typeof this._contentLength === 'number') {
      fields.add('Content-Length', 'content-length', String(this._contentLength));
    } else if (!this._removedTE) chunked = true;
  }
  if (!chunked && (noted & TRAILER) !== 0) {
    throw nodeError('ERR_HTTP_TRAILER_INVALID', 'Trailers are invalid with this transfer encoding');
  }
  this._header = fields.text + '\r\n';
  // Node writes `_header` in front of the first body bytes unless it believes it already went out.
  this._headerSent = true;
  this[kHeadSink]?.head(statusOf(code, this.statusMessage), fields.list(), chunked && this._hasBody);
}

/**
 * Hands the head to `sink` at the moment `res` fixes its status and headers, and keeps node from
 * ever writing that head, or any chunked framing, to the socket: only body bytes reach it.
 */
export function interceptHead(res: ServerResponse, sink: HeadSink): void {
  const internals = res as unknown as OutgoingInternals;
  internals[kHeadSink] = sink;
  // Own properties, so they survive Express swapping the response's prototype for its own
  // (app.handle in express/lib/application.js).
  internals._storeHeader = storeHeadForGateway;
}

/** Emits 'drain' on `res` the way node's server does: only if a write returned false before. */
export function emitDrain(res: ServerResponse): void {
  const internals = res as unknown as OutgoingInternals;
  if (internals[kNeedDrain!] !== true) return;
  internals[kNeedDrain!] = false;
  res.emit('drain');
}
