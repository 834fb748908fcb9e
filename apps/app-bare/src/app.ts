// A gateway callable with no framework at all: the Node twin of the original's wsgiapp.py.
// It speaks the interface directly (read environ, call startResponse, return the body), and it
// has the same demo routes as the Express, Fastify and Hono apps so all four can be compared.
import { pseudoRandomBytes } from '@gateway-interop/demo-kit';
import type { App, Body, Environ, StartResponse } from '@gateway-interop/gateway';
import { encodePath } from '@gateway-interop/gateway/http';

const TEXT = 'text/plain; charset=utf-8';
const greeting = Buffer.from('Hello world from a bare gateway app!\n');

type Route = (environ: Environ, startResponse: StartResponse) => Body | Promise<Body>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function json(startResponse: StartResponse, status: string, value: unknown): Body {
  startResponse(status, [['Content-Type', 'application/json; charset=utf-8']]);
  return [JSON.stringify(value)];
}

async function readAll(environ: Environ): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of environ['gateway.input']) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Each route, keyed by `METHOD path`; `*` matches any method. */
const routes: Record<string, Route> = {
  'GET /hello': (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', TEXT]]);
    return [greeting];
  },

  // The request body is an async iterable of bytes, and so is a response body: pass it through.
  'POST /echo': (environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', environ.CONTENT_TYPE || 'application/octet-stream']]);
    return environ['gateway.input'];
  },

  'GET /stream': (environ, startResponse) => {
    const query = new URLSearchParams(environ.QUERY_STRING);
    const n = Number(query.get('n') ?? 5);
    const ms = Number(query.get('ms') ?? 100);
    startResponse('200 OK', [['Content-Type', TEXT]]);
    return (async function* () {
      for (let i = 1; i <= n; i++) {
        if (i > 1) await sleep(ms);
        yield `chunk ${i}\n`;
      }
    })();
  },

  'GET /cookies': (_environ, startResponse) => {
    startResponse('200 OK', [
      ['Content-Type', TEXT],
      ['Set-Cookie', 'a=1; Path=/'],
      ['Set-Cookie', 'b=2; Path=/; HttpOnly'],
    ]);
    return ['two cookies'];
  },

  // Relative to where the app is mounted (SCRIPT_NAME, SPEC 7), as a WSGI app builds its URLs.
  'GET /redirect': (environ, startResponse) => {
    const location = `${encodePath(environ.SCRIPT_NAME)}/hello`;
    startResponse('302 Found', [['Location', location], ['Content-Type', TEXT]]);
    return [`Found. Redirecting to ${location}`];
  },

  // Left to the server: an app that throws gets a 500 (SPEC rule 5.1).
  'GET /error': () => {
    throw new Error('boom');
  },

  '* /inspect': (environ, startResponse) => {
    const headers: Record<string, string> = {};
    const raw = environ['gateway.raw_headers'];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      headers[name] = headers[name] === undefined ? raw[i + 1]! : `${headers[name]}, ${raw[i + 1]}`;
    }
    return json(startResponse, '200 OK', {
      framework: 'bare',
      method: environ.REQUEST_METHOD,
      path: environ.PATH_INFO,
      query: Object.fromEntries(new URLSearchParams(environ.QUERY_STRING)),
      headers,
      remoteAddress: environ.REMOTE_ADDR,
    });
  },

  'POST /json': async (environ, startResponse) => {
    let received: unknown;
    try {
      received = JSON.parse((await readAll(environ)).toString('utf8'));
    } catch {
      return json(startResponse, '400 Bad Request', { error: 'the body is not valid JSON' });
    }
    return json(startResponse, '200 OK', { received });
  },

  'GET /binary': (environ, startResponse) => {
    const query = new URLSearchParams(environ.QUERY_STRING);
    const bytes = pseudoRandomBytes(Number(query.get('size') ?? 1024), Number(query.get('seed') ?? 1));
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
    return [bytes];
  },
};

export const app: App = (environ, startResponse) => {
  const method = environ.REQUEST_METHOD === 'HEAD' ? 'GET' : environ.REQUEST_METHOD;
  const route = routes[`${method} ${environ.PATH_INFO}`] ?? routes[`* ${environ.PATH_INFO}`];
  if (route !== undefined) return route(environ, startResponse);
  startResponse('404 Not Found', [['Content-Type', TEXT]]);
  return [`Cannot ${environ.REQUEST_METHOD} ${environ.PATH_INFO}\n`];
};
