// The request's life as node's server would run it: the events a handler sees when the response
// completes, when the client goes away, when the server stops early, and what becomes of errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeaderList } from '@gateway-interop/gateway';
import { callApp, makeEnviron } from '@gateway-interop/gateway/testing';
import { describe, expect, it } from 'vitest';
import { nodeBridge } from './bridge.ts';
import { nextChunk, readRest, start, tick } from './bridge-harness.ts';

/** Records the lifecycle events of a request/response pair. */
function watch(req: IncomingMessage, res: ServerResponse, log: string[]): void {
  for (const name of ['aborted', 'end', 'close', 'error']) {
    req.on(name, (error?: Error) => log.push(`req ${name}${error instanceof Error ? ` ${(error as NodeJS.ErrnoException).code}` : ''}`));
  }
  for (const name of ['finish', 'close']) res.on(name, () => log.push(`res ${name}`));
}

describe('a completed response', () => {
  it('emits what node emits, in node order', async () => {
    const log: string[] = [];
    const result = await callApp(
      nodeBridge((req, res) => {
        watch(req, res, log);
        res.end('hi');
      }),
    );
    await tick(5);
    expect(result.text).toBe('hi');
    // As recorded from node:http for a GET answered at once.
    expect(log).toEqual(['res finish', 'res close', 'req end', 'req close']);
  });

  it('lets the handler read the body after answering, as node does', async () => {
    let received = '';
    const result = await callApp(
      nodeBridge((req, res) => {
        res.end('early');
        req.setEncoding('latin1');
        req.on('data', (chunk: string) => (received += chunk));
      }),
      { REQUEST_METHOD: 'POST' },
      { body: 'uploaded' },
    );
    await tick(5);
    expect(result.text).toBe('early');
    expect(received).toBe('uploaded');
  });
});

describe('a response complete when the handler returns', () => {
  it('goes to the server at once, as an array; finish and close follow once it has the bytes', async () => {
    const log: string[] = [];
    let head: [string, HeaderList] | undefined;
    const body = nodeBridge((req, res) => {
      watch(req, res, log);
      res.setHeader('Content-Type', 'text/plain');
      res.setHeader('Content-Length', '7');
      res.write('at ');
      res.end('once');
    })(makeEnviron(), (status, headers) => {
      head = [status, headers];
      return async () => {};
    });
    expect(head).toEqual(['200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '7']]]);
    expect(Array.isArray(body)).toBe(true);
    expect(Buffer.concat(body as Buffer[]).toString()).toBe('at once');
    expect(log).toEqual([]);
    await tick(5);
    expect(log).toEqual(['res finish', 'res close', 'req end', 'req close']);
  });

  it('goes as an array from an async handler too, once the head is out', async () => {
    const body = await nodeBridge(async (_req, res) => {
      await tick();
      res.end('later');
    })(makeEnviron(), () => async () => {});
    expect(Array.isArray(body)).toBe(true);
    expect(Buffer.concat(body as Buffer[]).toString()).toBe('later');
  });

  it('streams when the handler has not ended it by then', async () => {
    const body = nodeBridge((_req, res) => {
      res.write('first');
      setTimeout(() => res.end(), 5);
    })(makeEnviron(), () => async () => {});
    expect(Array.isArray(body)).toBe(false);
    expect(Symbol.asyncIterator in (body as object)).toBe(true);
  });

  it('reads a body nobody reads ahead, as the node parser does, so the request becomes complete', async () => {
    let pulled = false;
    const input = {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Uint8Array>> => ((pulled = true), { done: true, value: undefined }),
      }),
    };
    let request: IncomingMessage | undefined;
    const result = await callApp(
      nodeBridge((req, res) => {
        request = req;
        res.end('unread');
      }),
      { REQUEST_METHOD: 'POST', CONTENT_LENGTH: '5', 'gateway.input': input },
    );
    await tick(5);
    expect(result.text).toBe('unread');
    expect(pulled).toBe(true);
    // Complete, but not ended: 'end' only comes to a reader, under node too.
    expect([request?.complete, request?.readableEnded, request?.destroyed]).toEqual([true, false, false]);
  });
});

describe('a client that goes away', () => {
  it('aborts the request and closes the response, before the head', async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const app = nodeBridge((req, res) => {
      watch(req, res, log);
      req.on('error', () => {});
    });
    const pending = callApp(app, {}, { signal: controller.signal });
    await tick();
    controller.abort();
    await expect(pending).rejects.toThrow('aborted');
    await tick(5);
    expect(log).toEqual(['req aborted', 'res close', 'req error ECONNRESET', 'req close']);
  });

  it('aborts mid-body: the body ends, writes go nowhere', async () => {
    const controller = new AbortController();
    const log: string[] = [];
    let response: ServerResponse | undefined;
    const started = await start(
      nodeBridge((req, res) => {
        response = res;
        watch(req, res, log);
        res.write('first');
      }),
      {},
      { signal: controller.signal },
    );
    expect((await nextChunk(started.iterator))?.toString()).toBe('first');
    const rest = readRest(started.iterator);
    controller.abort();
    await tick(5);
    expect(log).toEqual(['req aborted', 'res close', 'req error ECONNRESET', 'req close']);
    expect(response?.write('more')).toBe(false);
    expect((await rest).length).toBe(0);
  });

  it('is what return() means while the handler is still writing', async () => {
    const log: string[] = [];
    const started = await start(
      nodeBridge((req, res) => {
        watch(req, res, log);
        res.write('first');
      }),
    );
    await nextChunk(started.iterator);
    await started.iterator.return?.();
    await tick(5);
    expect(log).toEqual(['req aborted', 'res close', 'req error ECONNRESET', 'req close']);
  });

  it('is not what return() means once the handler has ended the response', async () => {
    const log: string[] = [];
    const started = await start(
      nodeBridge((req, res) => {
        watch(req, res, log);
        res.write('a');
        res.end('b');
      }),
    );
    await nextChunk(started.iterator);
    await started.iterator.return?.();
    await tick(5);
    expect(log).toEqual(['res finish', 'res close', 'req end', 'req close']);
  });
});

describe('errors', () => {
  it('rejects when the handler throws before answering', async () => {
    await expect(
      callApp(
        nodeBridge(() => {
          throw new Error('sync boom');
        }),
      ),
    ).rejects.toThrow('sync boom');
  });

  it('rejects when an async handler rejects before answering', async () => {
    await expect(
      callApp(
        nodeBridge(async () => {
          await tick();
          throw new Error('async boom');
        }),
      ),
    ).rejects.toThrow('async boom');
  });

  it('fails the body when the handler throws after the head', async () => {
    const started = await start(
      nodeBridge(async (_req, res) => {
        res.write('partial');
        await tick();
        throw new Error('late boom');
      }),
    );
    expect((await nextChunk(started.iterator))?.toString()).toBe('partial');
    await expect(started.iterator.next()).rejects.toThrow('late boom');
  });

  it('fails the body when the handler destroys the response', async () => {
    const started = await start(
      nodeBridge((_req, res) => {
        res.write('partial');
        setTimeout(() => res.destroy(new Error('gave up')), 5);
      }),
    );
    await nextChunk(started.iterator);
    await expect(started.iterator.next()).rejects.toThrow('gave up');
  });

  it('rejects when startResponse refuses the head', async () => {
    const app = nodeBridge((_req, res) => res.end('x'));
    const result = app(makeEnviron(), () => {
      throw new Error('refused');
    });
    await expect(result).rejects.toThrow('refused');
  });
});

describe('interim responses (SPEC 6.6)', () => {
  it('hands writeEarlyHints, writeProcessing and writeContinue to gateway.informational, in order, before the head', async () => {
    const sent: Array<[string, HeaderList]> = [];
    const informational = async (status: string, headers: HeaderList = []): Promise<void> => {
      sent.push([status, headers]);
    };
    let hintsDone = false;
    const result = await callApp(
      nodeBridge((_req, res) => {
        res.writeEarlyHints({ link: ['</a.css>; rel=preload', '</b.js>; rel=preload'] }, () => (hintsDone = true));
        res.writeProcessing();
        res.writeContinue();
        res.end('final');
      }),
      { 'gateway.informational': informational },
    );
    expect(result.text).toBe('final');
    expect(sent).toEqual([
      ['103 Early Hints', [['Link', '</a.css>; rel=preload, </b.js>; rel=preload']]],
      ['102 Processing', []],
      ['100 Continue', []],
    ]);
    await tick(5);
    expect(hintsDone).toBe(true);
  });

  it('drops them, still calling back, when the server offers no gateway.informational', async () => {
    let hintsDone = false;
    const result = await callApp(
      nodeBridge((_req, res) => {
        res.writeEarlyHints({ link: '</a.css>; rel=preload' }, () => (hintsDone = true));
        res.end('final');
      }),
    );
    expect(result.text).toBe('final');
    await tick(5);
    expect(hintsDone).toBe(true);
  });
});
