// Faults, on the app's side and on the client's (SPEC rules 5.1, 5.2, 4.5): an app that throws,
// rejects, breaks the interface or fails mid-body, and a client that goes away in the middle of
// the head, the body or the response. Each must end the way the spec says, with no unhandled
// rejection, no socket and no timer left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App, Body } from '../../src/types.ts';
import { sleep, statuses, withServer } from './_server.ts';

const GET = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
const unhandled: unknown[] = [];
const onUnhandled = (error: unknown): void => void unhandled.push(error);
const resources = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap').sort();
let baseline: string[] = [];

beforeAll(() => {
  baseline = resources();
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await sleep(50);
  expect(unhandled).toEqual([]);
  // Every server, socket and timer the tests made is gone.
  expect(resources()).toEqual(baseline);
});

/** Serves `app` and sends a request, then a second one; returns what came back. */
async function twoRequests(app: App): Promise<{ text: string; errors: string }> {
  let result = { text: '', errors: '' };
  let calls = 0;
  const once: App = (environ, startResponse) => {
    if (calls++ > 0) {
      startResponse('200 OK', []);
      return ['next'];
    }
    return app(environ, startResponse);
  };
  await withServer(once, {}, async (server) => {
    const client = await server.open();
    client.write(GET + GET);
    const text = await client.waitFor((t) => t.endsWith('next'));
    result = { text, errors: server.errors.join('') };
  });
  return result;
}

describe('app faults before the headers: 500, reported, connection kept', () => {
  const cases: Array<[string, App, RegExp]> = [
    ['throws synchronously', () => { throw new Error('sync boom'); }, /sync boom/],
    ['throws asynchronously', async () => { await sleep(1); throw new Error('async boom'); }, /async boom/],
    ['returns a rejected promise', () => Promise.reject(new Error('rejected boom')), /rejected boom/],
    ['throws from its body iterator before any chunk', (_e, sr) => { sr('200 OK', []); return { [Symbol.iterator]: () => ({ next: () => { throw new Error('iterator boom'); } }) }; }, /iterator boom/],
    ['calls startResponse twice without an error', (_e, sr) => { sr('200 OK', []); sr('201 Created', []); return []; }, /SPEC rule 3\.5/],
    ['returns a number', () => 42 as unknown as Body, /SPEC rule 4\.1/],
    ['returns null', () => null as unknown as Body, /SPEC rule 4\.1/],
    ['returns a bare string', (_e, sr) => { sr('200 OK', []); return 'text' as unknown as Body; }, /SPEC rule 4\.1/],
    ['returns a bare Uint8Array', (_e, sr) => { sr('200 OK', []); return new Uint8Array(2) as unknown as Body; }, /SPEC rule 4\.1/],
    ['yields something that is not a chunk', (_e, sr) => { sr('200 OK', []); return [42] as unknown as Body; }, /SPEC rule 4\.2/],
    ['never calls startResponse', () => [], /SPEC rule 1\.2/],
  ];
  it.each(cases)('%s', async (_name, app, reported) => {
    const { text, errors } = await twoRequests(app);
    expect(statuses(text)).toEqual([500, 200]);
    expect(text).not.toMatch(/boom/);
    expect(errors).toMatch(reported);
  });
});

describe('app faults after the headers: connection closed, nothing more written', () => {
  it('the body iterator throws mid-stream', async () => {
    let finallyRan = false;
    await withServer(
      (_environ, startResponse) => {
        startResponse('200 OK', []);
        return (async function* () {
          try {
            yield 'first chunk';
            await sleep(20); // long enough for the first chunk to go out with the headers
            throw new Error('mid-stream boom');
          } finally {
            finallyRan = true;
          }
        })();
      },
      {},
      async (server) => {
        const client = await server.open();
        client.write(GET + GET);
        const text = await client.waitForEnd();
        expect(statuses(text)).toEqual([200]);
        expect(text).toContain('Transfer-Encoding: chunked\r\n');
        // The first chunk, then nothing: no last-chunk, no second response, no error text.
        expect(text.endsWith('b\r\nfirst chunk\r\n')).toBe(true);
        expect(server.errors.join('')).toMatch(/mid-stream boom/);
      },
    );
    expect(finallyRan).toBe(true);
  });

  it('startResponse called again, with the error, after the headers went out: thrown back, connection closed', async () => {
    let rethrown: unknown;
    await withServer(
      async (_environ, startResponse) => {
        const write = startResponse('200 OK', []);
        await write('partial');
        try {
          startResponse('500 Internal Server Error', [], new Error('late'));
        } catch (error) {
          rethrown = error;
          throw error;
        }
        return [];
      },
      {},
      async (server) => {
        const client = await server.open();
        client.write(GET + GET);
        const text = await client.waitForEnd();
        expect(statuses(text)).toEqual([200]);
        expect(text).not.toMatch(/0\r\n\r\n$/);
      },
    );
    expect(rethrown).toBeInstanceOf(Error);
  });
});

describe('the client goes away', () => {
  it('mid-headers: the app is never called and the connection is released', async () => {
    let calls = 0;
    await withServer(
      () => {
        calls++;
        return [];
      },
      {},
      async (server) => {
        const client = await server.open();
        client.write('GET / HTTP/1.1\r\nHost: a\r\nX-Half: ');
        await sleep(20);
        client.close();
        await client.waitForEnd();
        for (let i = 0; i < 100 && server.handle.server.connectionCount > 0; i++) await sleep(10);
        expect(server.handle.server.connectionCount).toBe(0);
      },
    );
    expect(calls).toBe(0);
  });

  it('mid-body: the app’s read of gateway.input rejects and its signal aborts', async () => {
    let failure: unknown;
    let signal: AbortSignal | undefined;
    const done = new Promise<void>((resolve) => {
      void withServer(
        async (environ, startResponse) => {
          signal = environ['gateway.signal'];
          try {
            for await (const _chunk of environ['gateway.input']);
          } catch (error) {
            failure = error;
          }
          resolve();
          startResponse('200 OK', []);
          return ['never seen'];
        },
        {},
        async (server) => {
          const client = await server.open();
          client.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nhalf');
          await sleep(20);
          client.close();
          await done;
        },
      );
    });
    await done;
    await sleep(20);
    expect(failure).toBeInstanceOf(Error);
    expect(signal?.aborted).toBe(true);
  });

  it('mid-response: the signal aborts, the iterator’s return() runs, nothing more is asked of it', async () => {
    let signal: AbortSignal | undefined;
    let finallyRan = false;
    let pulledAfterAbort = false;
    await withServer(
      (environ, startResponse) => {
        signal = environ['gateway.signal'];
        startResponse('200 OK', []);
        return (async function* () {
          try {
            for (let i = 0; ; i++) {
              yield `chunk ${i}\n`;
              // Code after a yield runs only when the server asks for the next chunk.
              if (signal?.aborted) pulledAfterAbort = true;
              await sleep(5);
            }
          } finally {
            finallyRan = true;
          }
        })();
      },
      {},
      async (server) => {
        const client = await server.open();
        client.write(GET);
        await client.waitFor(/chunk 3/);
        client.close();
        for (let i = 0; i < 100 && !finallyRan; i++) await sleep(10);
      },
    );
    expect(signal?.aborted).toBe(true);
    expect(finallyRan).toBe(true);
    expect(pulledAfterAbort).toBe(false);
  });

  it('mid-response with a huge body the client never reads: writes stop waiting once it is gone', async () => {
    let finallyRan = false;
    await withServer(
      (_environ, startResponse) => {
        startResponse('200 OK', []);
        return (async function* () {
          try {
            const megabyte = Buffer.alloc(1024 * 1024, 0x61);
            for (let i = 0; i < 1000; i++) yield megabyte; // far more than the socket buffers hold
          } finally {
            finallyRan = true;
          }
        })();
      },
      {},
      async (server) => {
        const client = await server.open();
        client.socket.pause(); // never read: the server's writes back up
        client.write(GET);
        await sleep(200);
        client.close();
        for (let i = 0; i < 200 && !finallyRan; i++) await sleep(10);
      },
    );
    expect(finallyRan).toBe(true);
  });
});
