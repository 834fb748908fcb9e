// A raw node:net client for the hardening tests: writes exact bytes (no HTTP library to tidy them
// up), collects every byte the server answers, and can wait for a pattern or for the server to
// close. `withServer` serves an app on 127.0.0.1:0 and makes sure every test leaves no socket open.
import net from 'node:net';
import { serve } from '../../src/server/server.ts';
import type { ServeHandle, ServerOptions } from '../../src/server/server.ts';
import type { App, ErrorStream } from '../../src/types.ts';

export class RawClient {
  private readonly chunks: Buffer[] = [];
  private waiters: Array<() => void> = [];
  /** The server sent FIN or the connection was reset. */
  ended = false;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (data: Buffer) => {
      this.chunks.push(data);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Everything received so far, as latin-1. */
  get text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }

  write(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Resolves once `test` holds for the text received (or rejects after `timeoutMs`). */
  async waitFor(test: RegExp | ((text: string) => boolean), timeoutMs = 5000): Promise<string> {
    const ok = (): boolean => (typeof test === 'function' ? test(this.text) : test.test(this.text));
    await this.until(ok, timeoutMs, () => `waited for ${String(test)}; received ${JSON.stringify(this.text)}`);
    return this.text;
  }

  /** Resolves once the server has closed its side (FIN or reset). */
  async waitForEnd(timeoutMs = 5000): Promise<string> {
    await this.until(() => this.ended, timeoutMs, () => `the server did not close; received ${JSON.stringify(this.text)}`);
    return this.text;
  }

  /** Sends FIN (the client is done sending). */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private until(done: () => boolean, timeoutMs: number, why: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(why()));
      }, timeoutMs);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Status codes of every response head in `text`, in order (100 Continue included). */
export const statuses = (text: string): number[] => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects what the server writes to its error stream. */
export function errorSink(): ErrorStream & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (message: string) => void lines.push(message) };
}

export interface TestServer {
  handle: ServeHandle;
  port: number;
  errors: string[];
  clients: RawClient[];
  open(): Promise<RawClient>;
}

/**
 * Serves `app`, runs `body`, then destroys the test's clients and closes the server, checking
 * that every connection is gone: a test that leaks a socket fails here instead of hanging later.
 */
export async function withServer(app: App, options: ServerOptions, body: (server: TestServer) => Promise<void>): Promise<void> {
  const sink = errorSink();
  const handle = await serve(app, { host: '127.0.0.1', port: 0, errors: sink, shutdownTimeoutMs: 1000, ...options });
  const server: TestServer = {
    handle,
    port: handle.port,
    errors: sink.lines,
    clients: [],
    async open() {
      const client = await RawClient.open(handle.port);
      server.clients.push(client);
      return client;
    },
  };
  try {
    await body(server);
  } finally {
    for (const client of server.clients) client.destroy();
    await handle.close();
  }
  if (handle.server.connectionCount !== 0) throw new Error(`${handle.server.connectionCount} connection(s) left open`);
}

/** An app that answers `200 ok` after reading the whole body; counts its calls. */
export function okApp(): App & { calls: number } {
  const app: App & { calls: number } = Object.assign(
    async (environ: Parameters<App>[0], startResponse: Parameters<App>[1]) => {
      app.calls++;
      for await (const _chunk of environ['gateway.input']);
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['ok'];
    },
    { calls: 0 },
  );
  return app;
}
