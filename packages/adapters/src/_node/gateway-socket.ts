// The connection a bridged request seems to arrive on. Node's request and response objects, and the
// frameworks on top, expect a net.Socket: this Duplex carries what they read from one (the peer and
// local addresses, `encrypted` for https) and hands the response bytes node writes to a sink, which
// feeds the gateway body. Its readable side stays silent: the request body comes from
// `gateway.input` (see request.ts), never through the socket. Like light-my-request's mock socket,
// it is a stand-in, not a net.Socket; only the members frameworks use are here.
import type { ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { Duplex } from 'node:stream';
import type { Environ } from '@gateway-interop/gateway';

/** Receives each response chunk; `taken` is the write's callback, called when the bytes are gone. */
export interface ChunkSink {
  chunk(chunk: Buffer, taken: (error?: Error | null) => void): void;
}

export interface SocketAddress {
  address: string;
  family: 'IPv4' | 'IPv6';
  port: number;
}

function familyOf(address: string | undefined): 'IPv4' | 'IPv6' | undefined {
  const version = address === undefined ? 0 : isIP(address);
  return version === 4 ? 'IPv4' : version === 6 ? 'IPv6' : undefined;
}

function portOf(digits: string): number | undefined {
  const port = Number.parseInt(digits, 10);
  return Number.isNaN(port) ? undefined : port;
}

function ignore(): void {}

export class GatewaySocket extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort: number | undefined;
  readonly remoteFamily: 'IPv4' | 'IPv6' | undefined;
  /** SERVER_NAME is the address the server listens on (SPEC 2.6); node reports it only as an IP. */
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  /** Only there for https, as on a tls.TLSSocket: Express and Fastify read it for `protocol`. */
  declare readonly encrypted?: true;
  /**
   * Set when the connection ends with an error, as on a net.Socket: node's OutgoingMessage then
   * emits no 'finish' for a response cut short (onFinish in lib/_http_outgoing.js).
   */
  _hadError = false;
  /** The response using this connection; node's ServerResponse#assignSocket sets it. */
  declare _httpMessage: ServerResponse | null | undefined;
  readonly #sink: ChunkSink;

  constructor(environ: Environ, sink: ChunkSink) {
    super();
    this.#sink = sink;
    this.remoteAddress = environ.REMOTE_ADDR;
    this.remotePort = portOf(environ.REMOTE_PORT);
    this.remoteFamily = familyOf(environ.REMOTE_ADDR);
    this.localAddress = familyOf(environ.SERVER_NAME) === undefined ? undefined : environ.SERVER_NAME;
    this.localPort = portOf(environ.SERVER_PORT);
    if (environ['gateway.url_scheme'] === 'https') {
      Object.defineProperty(this, 'encrypted', { value: true, enumerable: true });
    }
    // Node's server keeps an 'error' listener on every connection (socketOnError); without one,
    // ending this stand-in with an error would throw instead of closing it.
    this.on('error', ignore);
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#sink.chunk(chunk, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error) this._hadError = true;
    callback(error);
  }

  address(): SocketAddress | Record<string, never> {
    const family = familyOf(this.localAddress);
    if (this.localAddress === undefined || family === undefined || this.localPort === undefined) return {};
    return { address: this.localAddress, family, port: this.localPort };
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
