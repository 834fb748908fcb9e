// Building and running a gateway server. `createServer(app, options)` makes one (nothing listens
// yet); `serve(app, options)` makes one and listens, returning a handle to close it — building
// apart from listening, as wsgiref's make_server and @hono/node-server's createAdaptorServer do.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { accessLogger, tracer } from './access-log.ts';
import type { LineSink } from './access-log.ts';
import { Connection } from '../cycle/connection.ts';
import type { ConnectionHost, ConnectionSettings } from '../cycle/connection.ts';
import type { ServerInfo } from '../environ/environ.ts';
import { compileTrust } from '../environ/proxy-trust.ts';
import type { ForwardedHeader } from '../environ/proxy-trust.ts';
import type { App, ErrorStream } from '../types.ts';
import { systemClock } from '../cycle/clock.ts';
import { PacketClock } from '../cycle/_packet-clock.ts';
import { DirectOutput } from '../cycle/output.ts';
import { BatchedOutput } from '../cycle/_batched-output.ts';
import { buildEnviron } from '../environ/environ.ts';
import { shapedEnviron } from '../environ/_environ-shape.ts';
import { resolveEngine } from './engine.ts';
import type { EngineChoice, Tricks } from './engine.ts';
import type { Tap } from '../inspect/tap.ts';

export interface ServerOptions {
  /** Address to listen on (serve only). Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on (serve only); 0 picks a free one. Default 8888. */
  port?: number;
  /** Longest request line in bytes; longer gets 414. Default 8 KiB. */
  maxRequestLineBytes?: number;
  /** Largest request head in bytes; larger gets 431. Default 16 KiB (as node:http). */
  maxHeaderBytes?: number;
  /** Most header fields in a request; more gets 431. Default 100. */
  maxHeaders?: number;
  /** Largest request body in bytes; larger gets 413. Default 1 GiB. */
  maxBodyBytes?: number;
  /** Time for a whole request head to arrive, in ms; then 408 (slowloris guard). Default 20 s. */
  headersTimeoutMs?: number;
  /** Longest pause while a request body arrives, in ms; then 408. Default 30 s. */
  bodyTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept, in ms. Default 5 s (as node:http). */
  keepAliveTimeoutMs?: number;
  /** How long `close()` waits for responses in flight before cutting them, in ms. Default 10 s. */
  shutdownTimeoutMs?: number;
  /** Requests served on one connection before it is closed; 0 for no limit. Default 0. */
  maxRequestsPerConnection?: number;
  /** Print every request and response head (`< `, `> ` lines). `true` means stdout. */
  trace?: boolean | LineSink;
  /** One Common Log Format line per request. `true` means stdout. Default false. */
  accessLog?: boolean | LineSink;
  /** The `Server` header value; `false` to send none. Default `gateway-interop`. */
  serverHeader?: string | false;
  /** `gateway.url_scheme`: 'https' when a TLS-terminating proxy is in front. Default 'http'. */
  urlScheme?: 'http' | 'https';
  /**
   * Proxies whose forwarding headers are believed: addresses, CIDRs, or `loopback`, `linklocal`,
   * `uniquelocal`. Default none: X-Forwarded-* and Forwarded never change REMOTE_ADDR (rule 2.8).
   */
  trustProxy?: string | readonly string[];
  /** Which header a trusted proxy speaks: `x-forwarded` (default) or RFC 7239 `forwarded`. */
  trustProxyHeader?: ForwardedHeader;
  /** `gateway.multiprocess`: set by the CLI when running several workers. */
  multiprocess?: boolean;
  /** Where app errors and `gateway.errors` go. Default stderr. */
  errors?: ErrorStream;
  /** The inspector's tap (`--inspect`, see inspect/recorder.ts); off by default, and free when off. */
  inspect?: Tap;
  /**
   * `fast` (the default) or `reference`: with or without the speed tricks (server/engine.ts).
   * Without this option, the GATEWAY_ENGINE environment variable decides.
   */
  engine?: EngineChoice;
}

export const defaults = {
  host: '127.0.0.1',
  port: 8888,
  maxRequestLineBytes: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaders: 100,
  maxBodyBytes: 1024 * 1024 * 1024,
  headersTimeoutMs: 20_000,
  bodyTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  shutdownTimeoutMs: 10_000,
  maxRequestsPerConnection: 0,
} as const;

const stderrSink: ErrorStream = { write: (message) => void process.stderr.write(message) };

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? String(error)) : String(error);
}

export class GatewayServer implements ConnectionHost {
  readonly net: net.Server;
  private readonly connections = new Set<Connection>();
  private readonly settings: ConnectionSettings;
  private readonly info: ServerInfo;
  private readonly shutdownTimeoutMs: number;
  private sweep: NodeJS.Timeout | null = null;
  private closingPromise: Promise<void> | null = null;
  closing = false;
  /** Which speed tricks this server runs with (server/engine.ts). */
  readonly tricks: Tricks;

  constructor(app: App, options: ServerOptions = {}) {
    if (typeof app !== 'function') throw new TypeError('createServer(app): app must be a gateway callable (environ, startResponse) => body');
    const o = { ...defaults, ...options };
    const errors = options.errors ?? stderrSink;
    this.info = {
      serverName: o.host,
      serverPort: String(o.port),
      urlScheme: o.urlScheme ?? 'http',
      multiprocess: o.multiprocess ?? false,
      errors,
      trust: o.trustProxy === undefined ? null : compileTrust(o.trustProxy, o.trustProxyHeader),
    };
    const sinkOf = (v: boolean | LineSink | undefined): LineSink | null => (v === true ? process.stdout : v ? v : null);
    const traceSink = sinkOf(o.trace);
    const logSink = sinkOf(o.accessLog);
    this.shutdownTimeoutMs = o.shutdownTimeoutMs;
    const tricks = (this.tricks = resolveEngine(options.engine));
    this.settings = {
      app,
      info: this.info,
      limits: {
        maxRequestLineBytes: o.maxRequestLineBytes,
        maxHeaderBytes: o.maxHeaderBytes,
        maxHeaders: o.maxHeaders,
        maxBodyBytes: o.maxBodyBytes,
      },
      headersTimeoutMs: o.headersTimeoutMs,
      bodyTimeoutMs: o.bodyTimeoutMs,
      keepAliveTimeoutMs: o.keepAliveTimeoutMs,
      maxRequestsPerConnection: o.maxRequestsPerConnection,
      serverLine: o.serverHeader === false ? '' : `Server: ${o.serverHeader ?? 'gateway-interop'}\r\n`,
      trace: traceSink === null ? null : tracer(traceSink),
      log: logSink === null ? null : accessLogger(logSink),
      reportError: (error) => errors.write(`gateway: app error: ${describeError(error)}\n`),
      tap: options.inspect ?? null,
      repeatHeads: tricks['repeat-heads'],
      makeEnviron: tricks['environ-shapes'] ? shapedEnviron : buildEnviron,
      makeOutput: tricks['batched-writes'] ? (socket) => new BatchedOutput(socket) : (socket) => new DirectOutput(socket),
      makeClock: tricks['packet-clock'] ? () => new PacketClock() : () => systemClock,
    };
    // allowHalfOpen: a client may send its last request and shut its side; it still gets the answer.
    this.net = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.connections.add(new Connection(socket, this.settings, this));
  }

  forget(connection: Connection): void {
    this.connections.delete(connection);
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Starts listening; resolves with the address actually bound. */
  listen(port: number = defaults.port, host: string = defaults.host): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.net.once('error', reject);
      this.net.listen(port, host, () => {
        this.net.off('error', reject);
        const address = this.net.address() as AddressInfo;
        this.startServing(host, address.port);
        resolve(address);
      });
    });
  }

  /**
   * Serves connections accepted by another process, as if listening on `host`:`port`: the
   * `--workers` primary accepts every connection and passes each to a worker in turn (cluster.ts),
   * which hands it to `adopt`. Same settings, timeouts and drain; no listening socket of its own.
   */
  serveAdopted(host: string, port: number): void {
    this.startServing(host, port);
  }

  /** Takes a connection accepted elsewhere, with the socket options our own listener would set. */
  adopt(socket: net.Socket): void {
    socket.allowHalfOpen = true;
    socket.setNoDelay(true);
    this.accept(socket);
  }

  private startServing(host: string, port: number): void {
    this.info.serverName = host;
    this.info.serverPort = String(port);
    // One timer for all connections' timeouts, rather than a timer per connection.
    this.sweep = setInterval(() => this.checkDeadlines(), 1000);
    this.sweep.unref();
  }

  private checkDeadlines(): void {
    const now = Date.now();
    for (const connection of this.connections) connection.checkDeadline(now);
  }

  /**
   * Stops accepting, closes idle connections, lets responses in flight finish (each then closes
   * its connection), and after `shutdownTimeoutMs` cuts whatever is left.
   */
  close(): Promise<void> {
    this.closingPromise ??= new Promise<void>((resolve) => {
      this.closing = true;
      this.net.close();
      for (const connection of this.connections) if (connection.idle) connection.shutdown();
      const started = Date.now();
      const poll = setInterval(() => {
        // Past the timeout, cut what is left; the poll then waits for those sockets' 'close'.
        if (Date.now() - started > this.shutdownTimeoutMs) {
          for (const connection of this.connections) connection.destroy();
        }
        if (this.connections.size === 0) {
          clearInterval(poll);
          if (this.sweep !== null) clearInterval(this.sweep);
          resolve();
        }
      }, 25);
    });
    return this.closingPromise;
  }
}

/** Makes a server for `app`; call `listen()` on it, or use `serve()`. */
export function createServer(app: App, options: ServerOptions = {}): GatewayServer {
  return new GatewayServer(app, options);
}

export interface ServeHandle {
  readonly server: GatewayServer;
  readonly host: string;
  readonly port: number;
  /** e.g. `http://127.0.0.1:8888` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** Makes a server for `app` and listens on `options.host`:`options.port`. */
export async function serve(app: App, options: ServerOptions = {}): Promise<ServeHandle> {
  const server = createServer(app, options);
  const host = options.host ?? defaults.host;
  const address = await server.listen(options.port ?? defaults.port, host);
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    host: address.address,
    port: address.port,
    url: `http://${shown}:${address.port}`,
    close: () => server.close(),
  };
}
