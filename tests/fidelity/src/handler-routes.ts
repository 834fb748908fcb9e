// Routes for the "handler behaviours" scenarios (scenarios-handlers.ts), added to each observer
// app (observers.ts): the things framework test suites do that the demo routes do not, each
// written the way that framework is normally written. Odd status codes, an app's own
// Transfer-Encoding, 205, a stream that fails after the head, a head flushed long before the body,
// 103 Early Hints, a handler that waits for its request without reading it, an early answer to a
// large upload, and a header value the framework itself refuses.
import { Readable, pipeline } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '@gateway-interop/gateway';
import type { Express } from 'express';
import type { FastifyInstance } from 'fastify';
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';

/** How long a late head or body waits: long enough to tell "at once" from "with the body". */
export const LATE_MS = 400;
/** How long a handler waits for `req.complete` before it answers what it saw. */
const COMPLETE_WAIT_MS = 1_500;
export const EARLY_HINT_LINK = '</style.css>; rel=preload; as=style';

/** A stream that sends one chunk, then fails: the head is out by then. */
function failingStream(): Readable {
  const stream = new Readable({ read() {} });
  stream.push('partial\n');
  setTimeout(() => stream.destroy(new Error('the disk went away')), 100);
  return stream;
}

/** Polls `complete` until it holds or the wait is over: nothing reads the body. */
async function waitComplete(isComplete: () => boolean): Promise<boolean> {
  const until = performance.now() + COMPLETE_WAIT_MS;
  while (!isComplete() && performance.now() < until) await sleep(10);
  return isComplete();
}

export function addExpressRoutes(app: Express): void {
  app.get('/h/status', (req, res) => {
    res.status(Number(req.query.code)).type('text/plain').send('custom status\n');
  });
  app.get('/h/te-chunked', (_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Transfer-Encoding', 'chunked');
    res.end('declared chunked\n');
  });
  app.get('/h/reset', (_req, res) => {
    res.writeHead(205, { 'Content-Type': 'text/plain', 'Content-Length': '5' });
    res.end('hello');
  });
  app.get('/h/fail-after-head', (_req, res) => {
    res.type('text/plain');
    res.flushHeaders();
    pipeline(failingStream(), res, () => {});
  });
  app.get('/h/late-head', (_req, res) => {
    res.type('text/event-stream');
    res.flushHeaders();
    setTimeout(() => res.end('data: late\n\n'), LATE_MS);
  });
  app.get('/h/hints', (_req, res) => {
    res.writeEarlyHints({ link: EARLY_HINT_LINK });
    res.type('text/plain').send('after hints\n');
  });
  app.post('/h/wait-complete', async (req, res) => {
    const complete = await waitComplete(() => req.complete);
    res.type('text/plain').send(`complete: ${complete}\n`);
  });
  app.post('/h/unread', (_req, res) => {
    res.type('text/plain').send('answered before the body\n');
  });
  app.get('/h/bad-header', (_req, res) => {
    res.setHeader('X-Bad', 'a\u0001b');
    res.send('never');
  });
}

export function addFastifyRoutes(app: FastifyInstance): void {
  // A parser that leaves the body unread, so the handler runs while it is still arriving.
  app.addContentTypeParser('application/x-unread', (_request, _payload, done) => done(null));
  app.get<{ Querystring: { code?: string } }>('/h/status', async (request, reply) =>
    reply.code(Number(request.query.code)).type('text/plain').send('custom status\n'),
  );
  // Through node's own response: Fastify's send() adds a Content-Length next to the app's
  // Transfer-Encoding, which node:http's client refuses as a response (request smuggling).
  app.get('/h/te-chunked', (_request, reply) => {
    reply.hijack();
    reply.raw.setHeader('content-type', 'text/plain');
    reply.raw.setHeader('transfer-encoding', 'chunked');
    reply.raw.end('declared chunked\n');
  });
  app.get('/h/reset', async (_request, reply) =>
    reply.code(205).header('content-length', '5').type('text/plain').send('hello'),
  );
  app.get('/h/fail-after-head', async (_request, reply) =>
    reply.type('text/plain').send(failingStream()),
  );
  app.get('/h/late-head', (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
    reply.raw.flushHeaders();
    setTimeout(() => reply.raw.end('data: late\n\n'), LATE_MS);
  });
  app.get('/h/hints', async (_request, reply) => {
    // Not awaited: it returns the reply, whose then() waits for the response to finish.
    reply.writeEarlyHints({ link: EARLY_HINT_LINK });
    return reply.type('text/plain').send('after hints\n');
  });
  app.post('/h/wait-complete', async (request, reply) => {
    const complete = await waitComplete(() => request.raw.complete);
    return reply.type('text/plain').send(`complete: ${complete}\n`);
  });
  app.post('/h/unread', async (_request, reply) =>
    reply.type('text/plain').send('answered before the body\n'),
  );
  app.get('/h/bad-header', async (_request, reply) =>
    reply.header('x-bad', 'a\u0001b').send('never'),
  );
}

export function addHonoRoutes(app: Hono): void {
  app.get('/h/status', (c) => c.text('custom status\n', Number(c.req.query('code')) as 200));
  // A body of unknown length that says so (as streamText does); a text body with the field would
  // get a Content-Length too natively, which node:http's client refuses as a response.
  app.get('/h/te-chunked', (c) => {
    c.header('Transfer-Encoding', 'chunked');
    c.header('Content-Type', 'text/plain');
    return c.body(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('declared chunked\n'));
          controller.close();
        },
      }),
    );
  });
  app.get(
    '/h/reset',
    () => new Response(null, { status: 205, headers: { 'content-length': '5' } }),
  );
  app.get(
    '/h/fail-after-head',
    () =>
      new Response(Readable.toWeb(failingStream()) as ReadableStream<Uint8Array>, {
        headers: { 'content-type': 'text/plain' },
      }),
  );
  app.get('/h/late-head', (c) =>
    streamSSE(c, async (stream) => {
      await stream.sleep(LATE_MS);
      await stream.writeSSE({ data: 'late' });
    }),
  );
  // The type spelled out: a bare c.text(s) leaves it to the Response class (hono-text-charset).
  const text = { 'content-type': 'text/plain; charset=UTF-8' };
  app.get('/h/hints', (c) => c.body('after hints\n', 200, text));
  app.post('/h/wait-complete', (c) =>
    c.body('complete: n/a (fetch has no such flag)\n', 200, text),
  );
  app.post('/h/unread', (c) => c.body('answered before the body\n', 200, text));
  // Headers refuses a line break itself, so Hono answers with its own error page. (A control
  // character that Headers lets through makes node's writeHead throw under @hono/node-server,
  // which then cuts the connection without an answer; the gateway refuses it with a 500.)
  app.get('/h/bad-header', (c) => {
    c.header('X-Bad', 'a\nb');
    return c.body('never', 200, text);
  });
}

/** The same routes written against the interface itself (SPEC): what the bare app can do. */
export const bareRoutes: App = async (environ, startResponse) => {
  const text = [['Content-Type', 'text/plain']] as Array<[string, string]>;
  switch (environ.PATH_INFO) {
    case '/h/status':
      startResponse(`${new URLSearchParams(environ.QUERY_STRING).get('code')} unknown`, text);
      return ['custom status\n'];
    case '/h/te-chunked':
      startResponse('200 OK', text);
      return (function* () {
        yield ''; // a flush: the head goes out without a length, so the body is chunked
        yield 'declared chunked\n';
      })();
    case '/h/reset':
      startResponse('205 Reset Content', [...text, ['Content-Length', '5']]);
      return ['hello'];
    case '/h/fail-after-head':
      startResponse('200 OK', text);
      return (async function* () {
        yield 'partial\n';
        await sleep(100);
        throw new Error('the disk went away');
      })();
    case '/h/late-head': {
      const write = startResponse('200 OK', [['Content-Type', 'text/event-stream']]);
      await write('');
      await sleep(LATE_MS);
      return ['data: late\n\n'];
    }
    case '/h/hints':
      await environ['gateway.informational']?.('103 Early Hints', [['Link', EARLY_HINT_LINK]]);
      startResponse('200 OK', text);
      return ['after hints\n'];
    case '/h/wait-complete':
    case '/h/unread':
      startResponse('200 OK', text);
      return [environ.PATH_INFO === '/h/unread' ? 'answered before the body\n' : 'complete: n/a\n'];
    default:
      startResponse('404 Not Found', text);
      return ['not found\n'];
  }
};
