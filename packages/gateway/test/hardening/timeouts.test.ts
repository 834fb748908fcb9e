// Timeouts: the whole request head must arrive within headersTimeoutMs however it is trickled
// (slowloris), a body may not stall longer than bodyTimeoutMs, an idle keep-alive connection is
// closed after keepAliveTimeoutMs, and close() waits at most shutdownTimeoutMs for responses in
// flight. The server checks deadlines about once a second, so these tests use short timeouts and
// wait for outcomes, never for a particular time.
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/types.ts';
import { RawClient } from '../../src/testing/raw-client.ts';
import { okApp, sleep, statuses, withServer } from './_server.ts';

const H = 'Host: a\r\n';

describe('timeouts', () => {
  it('slowloris: a head trickled a byte at a time gets 408 and is closed, however steadily it trickles', async () => {
    const app = okApp();
    await withServer(app, { headersTimeoutMs: 300 }, async (server) => {
      const client = await server.open();
      // 400 bytes at one per 50 ms would take 20 s; each byte arriving must not extend the deadline.
      const head = Buffer.from(`GET / HTTP/1.1\r\n${H}X-Slow: ${'z'.repeat(400)}\r\n\r\n`, 'latin1');
      let sent = 0;
      while (sent < head.length && !client.ended) {
        client.write(head.subarray(sent, sent + 1));
        sent++;
        await sleep(50);
      }
      const text = await client.waitForEnd();
      expect(sent).toBeLessThan(head.length);
      expect(statuses(text)).toEqual([408]);
      expect(text).toContain('Connection: close\r\n');
    });
    expect(app.calls).toBe(0);
  });

  it('slowloris: a connection that never sends a byte is closed too', async () => {
    await withServer(okApp(), { headersTimeoutMs: 300, keepAliveTimeoutMs: 300 }, async (server) => {
      const client = await server.open();
      expect(await client.waitForEnd()).toBe('');
    });
  });

  it('a body that stops arriving gets 408, the app’s input fails, and the connection is closed', async () => {
    let failure: unknown;
    await withServer(
      async (environ, startResponse) => {
        try {
          for await (const _chunk of environ['gateway.input']);
        } catch (error) {
          failure = error;
        }
        startResponse('200 OK', []);
        return ['not sent'];
      },
      { bodyTimeoutMs: 300 },
      async (server) => {
        const client = await server.open();
        client.write(`POST / HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\n01`);
        const text = await client.waitForEnd();
        expect(statuses(text)).toEqual([408]);
        expect(text).not.toContain('not sent');
      },
    );
    expect(failure).toBeInstanceOf(Error);
  });

  it('a body that keeps arriving, slowly, is not cut off', async () => {
    await withServer(okApp(), { bodyTimeoutMs: 1000 }, async (server) => {
      const client = await server.open();
      client.write(`POST / HTTP/1.1\r\n${H}Content-Length: 40\r\n\r\n`);
      for (let i = 0; i < 40; i++) {
        client.write('x');
        await sleep(50);
      }
      expect(statuses(await client.waitFor(/ok$/))).toEqual([200]);
    });
  });

  it('an idle keep-alive connection is closed after keepAliveTimeoutMs', async () => {
    await withServer(okApp(), { keepAliveTimeoutMs: 300, headersTimeoutMs: 60_000 }, async (server) => {
      const client = await server.open();
      client.write(`GET / HTTP/1.1\r\n${H}\r\n`);
      const text = await client.waitForEnd();
      expect(statuses(text)).toEqual([200]);
      expect(text).not.toContain('Connection: close');
    });
  });

  it('close() lets a response in flight finish within shutdownTimeoutMs', async () => {
    let release = (): void => {};
    const app: App = async (_environ, startResponse) => {
      await new Promise<void>((resolve) => (release = resolve));
      startResponse('200 OK', []);
      return ['finished'];
    };
    await withServer(app, { shutdownTimeoutMs: 5000 }, async (server) => {
      const client = await server.open();
      client.write(`GET / HTTP/1.1\r\n${H}\r\n`);
      await sleep(50);
      const closed = server.handle.close();
      // The server stops listening while it drains; the request in flight is served, then closed.
      await expect(RawClient.connect(server.port)).rejects.toThrow(/ECONNREFUSED/);
      release();
      await closed;
      const text = await client.waitForEnd();
      expect(statuses(text)).toEqual([200]);
      expect(text).toContain('Connection: close\r\n');
      expect(text.endsWith('finished')).toBe(true);
    });
  });

  it('close() cuts a response that is still in flight after shutdownTimeoutMs', async () => {
    let signal: AbortSignal | undefined;
    const app: App = async (environ) => {
      signal = environ['gateway.signal'];
      await new Promise(() => {}); // never answers
      return [];
    };
    await withServer(app, { shutdownTimeoutMs: 300 }, async (server) => {
      const client = await server.open();
      client.write(`GET / HTTP/1.1\r\n${H}\r\n`);
      await sleep(50);
      await server.handle.close();
      expect(await client.waitForEnd()).toBe('');
      expect(server.handle.server.connectionCount).toBe(0);
    });
    expect(signal?.aborted).toBe(true);
  });
});

describe('timeouts and backpressure', () => {
  it('does not time out a body the server itself stopped reading while the app was busy', async () => {
    let read = 0;
    const app: App = async (environ, startResponse) => {
      await sleep(2500); // the app is slow to start reading; the socket is paused meanwhile
      for await (const chunk of environ['gateway.input']) read += chunk.length;
      startResponse('200 OK', []);
      return ['read it all'];
    };
    const size = 4 * 1024 * 1024;
    await withServer(app, { bodyTimeoutMs: 500 }, async (server) => {
      const client = await server.open();
      client.write(`POST / HTTP/1.1\r\n${H}Content-Length: ${size}\r\n\r\n`);
      client.write(Buffer.alloc(size, 0x61));
      const text = await client.waitFor(/read it all$|\r\n\r\n408 /, 10_000);
      expect(statuses(text)).toEqual([200]);
    });
    expect(read).toBe(size);
  });
});
