// `withServer` serves an app on 127.0.0.1:0 for one hardening test and makes sure the test leaves
// no socket open; the raw client it hands out is the shared one (src/testing/raw-client.ts).
import { serve } from '../../src/server/server.ts';
import type { ServeHandle, ServerOptions } from '../../src/server/server.ts';
import { RawClient } from '../../src/testing/raw-client.ts';
import type { App, ErrorStream } from '../../src/types.ts';

export { statuses } from '../../src/testing/raw-client.ts';

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
 * Serves `app`, runs `body`, then closes the test's clients and the server, checking that every
 * connection is gone: a test that leaks a socket fails here instead of hanging later.
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
      const client = await RawClient.connect(handle.port);
      server.clients.push(client);
      return client;
    },
  };
  try {
    await body(server);
  } finally {
    for (const client of server.clients) client.close();
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
