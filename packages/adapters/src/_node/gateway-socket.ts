// The connection a bridged request seems to arrive on. Node's request and response objects, and the
// frameworks on top, expect a net.Socket: this object carries what they read from one (the peer and
// local addresses, `encrypted` for https) and hands the response bytes node writes to its owner,
// which feeds the gateway body. Nothing is read from it: the request body comes from
// `gateway.input` (see request.ts). Like light-my-request's mock socket, it is a stand-in, not a
// net.Socket; only the members node's http code and the frameworks use are here.
//
// It is a plain EventEmitter rather than a Duplex stream. One is made for every request, and a
// Duplex's construction, its write queue (write → _write → afterWrite on the next tick, one chunk
// in flight at a time) and its destruction (destroy → _destroy → emitCloseNT) cost about 1 µs a
// request on Node 20 (a `res.end('hello world')` handler in process: 3.6 → 2.6 µs for the whole
// bridge). A Duplex also holds back every write after the first until the first is taken, which
// would keep bridge.ts from seeing a complete response as soon as the handler returns. What a
// Duplex did that node relies on is kept: `write()` returns false past the high-water mark and
// 'drain' follows once the server has taken the bytes (SPEC 4.3), write callbacks run in order and
// only once the bytes are taken, `destroy()` closes on the next tick with 'error' (when someone
// listens) then 'close', and the private fields node reads from a socket (SocketFields in
// node-internals.ts) plus `writableLength`/`writableCorked` answer what node's OutgoingMessage and
// `stream.finished` read.
import { isIP } from 'node:net';
import { getDefaultHighWaterMark } from 'node:stream';
import type { Environ } from '@gateway-interop/gateway';
import {
  SocketFields,
  corkSocket,
  emitDrain,
  markSocketClosed,
  markSocketFailed,
  socketCorked,
  socketResponse,
  uncorkSocket,
} from './node-internals.ts';

/** A write's callback, as node passes it to `socket.write`. */
export type WriteCallback = (error?: Error | null) => void;

/** What the socket hands its writes to, and tells when it closes. */
export interface SocketOwner {
  /** A write from node, in order. The owner gives it back through `taken()` once it is sent. */
  written(chunk: Buffer, callback: WriteCallback | null): void;
  /** The socket has closed: `error` if it was destroyed with one. */
  socketClosed(error: Error | null): void;
}

export interface SocketAddress {
  address: string;
  family: 'IPv4' | 'IPv6';
  port: number;
}

const EMPTY = Buffer.alloc(0);

/** net.Socket's high-water mark on this Node (16 KiB on Node 20). */
const HIGH_WATER_MARK = getDefaultHighWaterMark(false);

function familyOf(address: string | undefined): 'IPv4' | 'IPv6' | undefined {
  const version = address === undefined ? 0 : isIP(address);
  return version === 4 ? 'IPv4' : version === 6 ? 'IPv6' : undefined;
}

function portOf(digits: string): number | undefined {
  const port = Number.parseInt(digits, 10);
  return Number.isNaN(port) ? undefined : port;
}

function destroyedError(): Error {
  return Object.assign(new Error('Cannot call write after a stream was destroyed'), { code: 'ERR_STREAM_DESTROYED' });
}

function emitClose(socket: GatewaySocket, error: Error | null): void {
  socket.closeNow(error);
}

export class GatewaySocket extends SocketFields {
  readable = true;
  writable = true;
  destroyed = false;
  /** Bytes written and not yet taken by the server, as a Writable counts them. */
  writableLength = 0;
  /** Only there for https, as on a tls.TLSSocket: Express and Fastify read it for `protocol`. */
  declare readonly encrypted?: true;
  readonly #environ: Environ;
  readonly #owner: SocketOwner;
  #needDrain = false;
  #closed = false;

  constructor(environ: Environ, owner: SocketOwner) {
    super();
    this.#environ = environ;
    this.#owner = owner;
    if (environ['gateway.url_scheme'] === 'https') {
      Object.defineProperty(this, 'encrypted', { value: true, enumerable: true });
    }
  }

  // The addresses are worked out only when asked for: most requests never look.
  get remoteAddress(): string {
    return this.#environ.REMOTE_ADDR;
  }

  get remotePort(): number | undefined {
    return portOf(this.#environ.REMOTE_PORT);
  }

  get remoteFamily(): 'IPv4' | 'IPv6' | undefined {
    return familyOf(this.#environ.REMOTE_ADDR);
  }

  /** SERVER_NAME is the address the server listens on (SPEC 2.6); node reports it only as an IP. */
  get localAddress(): string | undefined {
    const name = this.#environ.SERVER_NAME;
    return familyOf(name) === undefined ? undefined : name;
  }

  get localPort(): number | undefined {
    return portOf(this.#environ.SERVER_PORT);
  }

  get readableHighWaterMark(): number {
    return HIGH_WATER_MARK;
  }

  get writableHighWaterMark(): number {
    return HIGH_WATER_MARK;
  }

  get writableCorked(): number {
    return socketCorked(this);
  }

  get writableNeedDrain(): boolean {
    return this.#needDrain;
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: string | Uint8Array, encoding?: BufferEncoding | WriteCallback | null, callback?: WriteCallback | null): boolean {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = null;
    }
    if (this.destroyed) {
      if (typeof callback === 'function') process.nextTick(callback, destroyedError());
      return false;
    }
    // Node's end() writes '' to carry its 'finish' callback: no need for a new Buffer each time.
    const chunk =
      typeof data === 'string'
        ? data.length === 0
          ? EMPTY
          : Buffer.from(data, encoding ?? 'utf8')
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.writableLength += chunk.length;
    const room = this.writableLength < HIGH_WATER_MARK;
    if (!room) this.#needDrain = true;
    this.#owner.written(chunk, typeof callback === 'function' ? callback : null);
    return room;
  }

  /**
   * The server has taken `length` bytes written with `callback`. As a Writable does after a
   * write completes: 'drain' (passed on to the response, as node's server does in socketOnDrain)
   * once nothing is left and a write returned false, then the write's callback.
   */
  taken(length: number, callback: WriteCallback | null): void {
    this.writableLength -= length;
    if (this.#needDrain && this.writableLength === 0 && !this.destroyed) {
      this.#needDrain = false;
      this.emit('drain');
      const res = socketResponse(this);
      if (res !== null && !res.writableEnded) emitDrain(res);
    }
    if (callback !== null) callback(null);
  }

  cork(): void {
    corkSocket(this);
  }

  uncork(): void {
    uncorkSocket(this);
  }

  /** Closes on the next tick, as a stream does: 'error' first if there is an error and a listener. */
  destroy(error?: Error | null): this {
    if (this.destroyed) return this;
    this.#markDestroyed(error ?? null);
    process.nextTick(emitClose, this, error ?? null);
    return this;
  }

  /** Closes at once; the bridge calls it a tick after the response finished. */
  closeNow(error: Error | null = null): void {
    if (this.#closed) return;
    if (!this.destroyed) this.#markDestroyed(error);
    this.#closed = true;
    markSocketClosed(this);
    // A net.Socket always emits 'error'; node's server keeps a listener on it for that reason
    // (socketOnError). With nobody listening here, there is nobody to tell.
    if (error !== null && this.listenerCount('error') > 0) this.emit('error', error);
    this.emit('close', error !== null);
    this.#owner.socketClosed(error);
  }

  #markDestroyed(error: Error | null): void {
    this.destroyed = true;
    this.readable = false;
    this.writable = false;
    if (error !== null) markSocketFailed(this);
  }

  /** Ending the connection while the response is in flight cuts it, as closing a socket would. */
  end(data?: string | Uint8Array | (() => void), encoding?: BufferEncoding | (() => void), callback?: () => void): this {
    if (typeof data === 'function') callback = data;
    else if (data !== undefined && data !== null) this.write(data, typeof encoding === 'function' ? null : encoding);
    if (typeof encoding === 'function') callback = encoding;
    if (callback !== undefined) this.once('close', callback);
    return this.destroy();
  }

  destroySoon(): void {
    this.end();
  }

  address(): SocketAddress | Record<string, never> {
    const address = this.localAddress;
    const family = familyOf(address);
    const port = this.localPort;
    if (address === undefined || family === undefined || port === undefined) return {};
    return { address, family, port };
  }

  // The reading side is the gateway server's: IncomingMessage#_read resumes its socket.
  pause(): this {
    return this;
  }

  resume(): this {
    return this;
  }

  // Timeouts and TCP options belong to the gateway server, which owns the real connection.
  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }

  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  setKeepAlive(_enable?: boolean, _delay?: number): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}
