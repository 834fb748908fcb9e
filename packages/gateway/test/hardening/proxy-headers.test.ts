// X-Forwarded-* and Forwarded over a real socket (SPEC rule 2.8): never believed by default, so a
// client cannot pick its own REMOTE_ADDR or gateway.url_scheme; believed from the proxies named
// by `trustProxy` (CLI `--trust-proxy`), resolved by src/proxy-trust.ts.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/cli.ts';
import { UsageError } from '../../src/cli/load-app.ts';
import type { ServerOptions } from '../../src/server/server.ts';
import type { App, Environ } from '../../src/types.ts';
import { withServer } from './_server.ts';

const SPOOF = 'X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\nForwarded: for=198.51.100.7;proto=https\r\n';

/** What the app saw of the client, for one request carrying `fields`. */
async function seen(options: ServerOptions, fields: string): Promise<Pick<Environ, 'REMOTE_ADDR' | 'REMOTE_PORT' | 'gateway.url_scheme' | `HTTP_${string}`>> {
  let environ: Environ | undefined;
  const app: App = (env, startResponse) => {
    environ = env;
    startResponse('200 OK', []);
    return ['ok'];
  };
  await withServer(app, options, async (server) => {
    const client = await server.open();
    client.write(`GET / HTTP/1.1\r\nHost: a\r\n${fields}Connection: close\r\n\r\n`);
    await client.waitForEnd();
  });
  const e = environ!;
  return { REMOTE_ADDR: e.REMOTE_ADDR, REMOTE_PORT: e.REMOTE_PORT, 'gateway.url_scheme': e['gateway.url_scheme'], HTTP_X_FORWARDED_FOR: e.HTTP_X_FORWARDED_FOR };
}

describe('2.8 proxy headers', () => {
  it('are passed to the app but never change REMOTE_ADDR or gateway.url_scheme by default', async () => {
    const e = await seen({}, SPOOF);
    expect(e.REMOTE_ADDR).toBe('127.0.0.1');
    expect(e.REMOTE_PORT).toMatch(/^\d+$/);
    expect(e['gateway.url_scheme']).toBe('http');
    expect(e.HTTP_X_FORWARDED_FOR).toBe('203.0.113.9');
  });

  // Needs the `trustProxy` / `trustProxyHeader` server options wired to resolveClient (see the report).
  const trusting = (trustProxy: string, trustProxyHeader?: string): ServerOptions =>
    ({ trustProxy, ...(trustProxyHeader === undefined ? {} : { trustProxyHeader }) }) as ServerOptions;

  it('trustProxy: believed from a trusted peer, in the header style named', async () => {
    expect(await seen(trusting('loopback'), SPOOF)).toMatchObject({ REMOTE_ADDR: '203.0.113.9', REMOTE_PORT: '', 'gateway.url_scheme': 'https' });
    expect(await seen(trusting('127.0.0.1/32', 'forwarded'), SPOOF)).toMatchObject({ REMOTE_ADDR: '198.51.100.7', 'gateway.url_scheme': 'https' });
  });

  it('trustProxy: not believed from a peer outside the list', async () => {
    expect(await seen(trusting('10.0.0.0/8'), SPOOF)).toMatchObject({ REMOTE_ADDR: '127.0.0.1', 'gateway.url_scheme': 'http' });
  });

  it('--trust-proxy and --trust-proxy-header set the options, and a bad entry is a usage error', () => {
    const command = parseCommand(['serve', 'app.ts:app', '--trust-proxy', 'loopback,10.0.0.0/8', '--trust-proxy-header', 'forwarded']);
    expect(command !== 'help' && command.options).toMatchObject({ trustProxy: 'loopback,10.0.0.0/8', trustProxyHeader: 'forwarded' });
    expect(() => parseCommand(['serve', 'app.ts:app', '--trust-proxy', 'proxy.example'])).toThrow(UsageError);
    expect(() => parseCommand(['serve', 'app.ts:app', '--trust-proxy', 'loopback', '--trust-proxy-header', 'x-real-ip'])).toThrow(UsageError);
  });
});
