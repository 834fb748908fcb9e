// Limits with documented defaults (server.ts `defaults`, CLI flags in cli.ts): request line (414),
// header count and header bytes (431), body bytes (413, connection closed after), requests per
// connection. Each refusal is the server's own answer, and the connection is closed after it.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/cli.ts';
import { defaults } from '../../src/server/server.ts';
import { okApp, statuses, withServer } from './_server.ts';

const H = 'Host: a\r\n';
const FOLLOWER = `GET /follower HTTP/1.1\r\n${H}\r\n`;

describe('limits', () => {
  it('has the documented defaults (SECURITY.md)', () => {
    expect(defaults).toMatchObject({
      maxRequestLineBytes: 8 * 1024,
      maxHeaderBytes: 16 * 1024,
      maxHeaders: 100,
      maxBodyBytes: 1024 ** 3,
      maxRequestsPerConnection: 0,
      headersTimeoutMs: 20_000,
      bodyTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      shutdownTimeoutMs: 10_000,
    });
  });

  it('takes every limit from a CLI flag', () => {
    const command = parseCommand([
      'serve', 'app.ts:app',
      '--max-request-line-bytes', '1', '--max-header-bytes', '2', '--max-headers', '3', '--max-body-bytes', '4',
      '--max-requests-per-connection', '5', '--headers-timeout', '6', '--body-timeout', '7', '--keep-alive-timeout', '8',
      '--shutdown-timeout', '9',
    ]);
    expect(command).not.toBe('help');
    expect(command !== 'help' && command.options).toMatchObject({
      maxRequestLineBytes: 1, maxHeaderBytes: 2, maxHeaders: 3, maxBodyBytes: 4, maxRequestsPerConnection: 5,
      headersTimeoutMs: 6, bodyTimeoutMs: 7, keepAliveTimeoutMs: 8, shutdownTimeoutMs: 9,
    });
  });

  it('refuses a request line over the limit with 414, whole or still arriving', async () => {
    const app = okApp();
    await withServer(app, { maxRequestLineBytes: 100 }, async (server) => {
      const atLimit = `GET /${'a'.repeat(100 - 'GET / HTTP/1.1'.length)} HTTP/1.1`;
      const whole = await server.open();
      whole.write(`${atLimit}\r\n${H}\r\n` + `GET /${'a'.repeat(200)} HTTP/1.1\r\n${H}\r\n` + FOLLOWER);
      expect(statuses(await whole.waitForEnd())).toEqual([200, 414]);
      // No line end yet: refused as soon as it cannot fit, without waiting for the rest.
      const arriving = await server.open();
      arriving.write(`GET /${'a'.repeat(200)}`);
      expect(statuses(await arriving.waitForEnd())).toEqual([414]);
    });
    expect(app.calls).toBe(1);
  });

  it('refuses more header fields than the limit with 431', async () => {
    const app = okApp();
    await withServer(app, { maxHeaders: 10 }, async (server) => {
      const fields = (n: number): string => Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('');
      const client = await server.open();
      client.write(`GET / HTTP/1.1\r\n${H}${fields(9)}\r\n` + `GET / HTTP/1.1\r\n${H}${fields(10)}\r\n` + FOLLOWER);
      expect(statuses(await client.waitForEnd())).toEqual([200, 431]);
    });
    expect(app.calls).toBe(1);
  });

  it('refuses a head over the byte limit with 431, one big field or many small ones', async () => {
    await withServer(okApp(), { maxHeaderBytes: 1024 }, async (server) => {
      const big = await server.open();
      big.write(`GET / HTTP/1.1\r\n${H}X: ${'v'.repeat(2000)}\r\n\r\n` + FOLLOWER);
      expect(statuses(await big.waitForEnd())).toEqual([431]);
      const many = await server.open();
      many.write(`GET / HTTP/1.1\r\n${H}${'X-Many: 0123456789\r\n'.repeat(60)}\r\n` + FOLLOWER);
      expect(statuses(await many.waitForEnd())).toEqual([431]);
      // A head trickled in, never finished: refused once it passes the limit.
      const trickle = await server.open();
      trickle.write(`GET / HTTP/1.1\r\n${H}`);
      for (let i = 0; i < 200 && !trickle.ended; i++) {
        trickle.write('X-Trickle: 0123456789\r\n');
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(statuses(await trickle.waitForEnd())).toEqual([431]);
    });
  });

  it('refuses a declared body over the limit with 413 before calling the app, then closes', async () => {
    const app = okApp();
    await withServer(app, { maxBodyBytes: 10 }, async (server) => {
      const client = await server.open();
      client.write(`POST / HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\n01234567890` + FOLLOWER);
      const text = await client.waitForEnd();
      expect(statuses(text)).toEqual([413]);
      expect(text).toContain('Connection: close\r\n');
    });
    expect(app.calls).toBe(0);
  });

  it('refuses a chunked body that grows over the limit with 413, failing the app’s input, then closes', async () => {
    let failure: unknown;
    let read = 0;
    await withServer(
      async (environ, startResponse) => {
        try {
          for await (const chunk of environ['gateway.input']) read += chunk.length;
        } catch (error) {
          failure = error;
        }
        startResponse('200 OK', []);
        return ['should not be sent'];
      },
      { maxBodyBytes: 10 },
      async (server) => {
        const client = await server.open();
        client.write(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n` + FOLLOWER);
        const text = await client.waitForEnd();
        expect(statuses(text)).toEqual([413]);
        expect(text).not.toContain('should not be sent');
      },
    );
    expect(read).toBeLessThanOrEqual(10);
    expect(failure).toBeInstanceOf(Error);
  });

  it('closes the connection after maxRequestsPerConnection requests', async () => {
    const app = okApp();
    await withServer(app, { maxRequestsPerConnection: 2 }, async (server) => {
      const client = await server.open();
      client.write(`GET /1 HTTP/1.1\r\n${H}\r\nGET /2 HTTP/1.1\r\n${H}\r\nGET /3 HTTP/1.1\r\n${H}\r\n`);
      const text = await client.waitForEnd();
      expect(statuses(text)).toEqual([200, 200]);
      expect(text.split('HTTP/1.1 ')[2]).toContain('Connection: close\r\n');
    });
    expect(app.calls).toBe(2);
  });
});
