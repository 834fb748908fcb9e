// One suite for every framework bridge, the way srvx's `addTests` runs one suite against every
// runtime: each framework's test file builds the same routes in its own idiom (ROUTES below) and
// calls `addFrameworkTests`. The suite then checks the bridge three ways: in process through the
// validator, on a real socket through the gateway, and against the framework's own server, field
// for field. Where frameworks really differ the difference is declared in `FrameworkUnderTest`,
// so it is asserted, never skipped.
//
// ROUTES, as each framework writes them:
//   GET  /hello     text/plain, `Hello world from <name>!`
//   GET  /teapot    418, `short and stout`
//   GET  /cookies   X-Multi: a and X-Multi: b; Set-Cookie `a=1; Path=/` and `b=2; Path=/; HttpOnly`
//   GET  /redirect  302 to /hello
//   GET  /stream    `chunk i\n` for i < ?n (default 3), ?ms apart (default 50), as they are made
//   GET  /binary    BINARY, application/octet-stream
//   POST /echo      the body streamed back under the request's Content-Type
//   POST /json      `{ received: <parsed body> }` with the framework's own parser
//   GET  /error     throws `new Error('boom')`
//   ALL  /inspect   JSON: method, the framework's path or url, query, ip, protocol, hostname,
//                   cookie and x-multi as the framework reports them
//   GET  /slow      writes `first`, then `more` every 20 ms until the client leaves, recording in
//                   GONE what the app is told (`gone.start()` when it begins)
import { createHash, randomBytes } from 'node:crypto';
import type { App, ServeHandle } from '@gateway-interop/gateway';
import { serve } from '@gateway-interop/gateway';
import { callApp, fieldValues, send } from '@gateway-interop/gateway/testing';
import type { CallResult, WireRequest, WireResponse } from '@gateway-interop/gateway/testing';
import { validator } from '@gateway-interop/gateway/validate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

export const BINARY = randomBytes(256 * 1024);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** What the app behind /slow was told when the client went away. */
export const GONE = {
  events: [] as string[],
  closed: Promise.resolve(),
  finish: () => {},
  /** Called by /slow as it starts: forgets the last request's events. */
  start(): void {
    GONE.events = [];
    GONE.closed = new Promise((resolve) => (GONE.finish = resolve));
  },
};

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** How a framework's error page looks: its content type and its body, exactly or in part. */
export type ErrorPage = { type?: string } & ({ text: string } | { contains: string } | { json: unknown });

export interface FrameworkUnderTest<Native> {
  /** As it appears in titles: `Express`. */
  name: string;
  /** The bridge under test, for titles: `fromExpress`. */
  bridge: string;
  /** A fresh app with ROUTES, in the framework's own idiom. */
  build(): Native;
  /** The bridge itself. */
  toApp(native: Native): App;
  /** Serves `native` on the framework's own server, 127.0.0.1, an ephemeral port. */
  listen(native: Native): Promise<RunningServer>;
  /** Releases an app once its tests are done (Fastify's instance holds its plugins open). */
  dispose?(native: Native): Promise<void>;
  /** Field names as the app sends them: as written (`Content-Type`) or lower-cased by the framework. */
  fieldNames: 'as-written' | 'lower-case';
  /** /hello's Content-Type. */
  helloType: string;
  /**
   * Whether two fields of one name reach the server as two, or joined into one by `, ` (a fetch
   * `Headers` joins every name but Set-Cookie, RFC 9110 §5.3).
   */
  repeatedFields: 'kept' | 'joined';
  /**
   * Whether a HEAD answer keeps GET's Content-Length. Hono answers HEAD with
   * `new Response(null, getResponse)`, and a null body has no length for the bridge to tell.
   */
  headLength: 'kept' | 'dropped';
  /** /redirect's body ('' where the framework sends none). */
  redirectText: string;
  errorPage: ErrorPage;
  /** Whether the framework reports a thrown error on console.error (Hono does; the others log elsewhere or not in tests). */
  logsErrors: boolean;
  /** The location fields of /inspect for `PUT /inspect?x=1&y=%C3%A9`, then for `/inspect` mounted at `/<name>`. */
  inspectLocation: Record<string, string>;
  mountedLocation: Record<string, string>;
  /** What GONE.events holds once a client hangs up on /slow, in order. */
  goneEvents: string[];
  /** A difference in the bytes between the framework's own server and the bridge that the framework itself makes, with why. */
  nativeNormalise?: { normalise(response: WireResponse): WireResponse; why: string };
}

/** Adds the shared suite for `framework`: in process, on a socket, and against its own server. */
export function addFrameworkTests<Native>(framework: FrameworkUnderTest<Native>): void {
  const { name, bridge } = framework;
  const field = (fieldName: string): string => (framework.fieldNames === 'lower-case' ? fieldName.toLowerCase() : fieldName);
  const pairs = (result: CallResult, fieldName: string) => result.headers.filter(([n]) => n === field(fieldName));
  const greeting = `Hello world from ${name}!`;
  const native = framework.build();
  const app = validator(framework.toApp(native));
  afterAll(async () => framework.dispose?.(native));

  describe(`${bridge}, in process`, () => {
    it('answers with status, type, length and body', async () => {
      const result = await callApp(app, { PATH_INFO: '/hello' });
      expect(result.status).toBe('200 OK');
      expect(pairs(result, 'Content-Type')).toEqual([[field('Content-Type'), framework.helloType]]);
      expect(pairs(result, 'Content-Length')).toEqual([[field('Content-Length'), String(greeting.length)]]);
      expect(result.text).toBe(greeting);
    });

    it('keeps a custom status', async () => {
      const result = await callApp(app, { PATH_INFO: '/teapot' });
      expect(result.status).toBe("418 I'm a Teapot");
      expect(result.text).toBe('short and stout');
    });

    it(`keeps two cookies as two fields, and repeated fields ${framework.repeatedFields === 'kept' ? 'as two' : 'joined, as fetch Headers join them'}`, async () => {
      const result = await callApp(app, { PATH_INFO: '/cookies' });
      expect(pairs(result, 'Set-Cookie')).toEqual([
        [field('Set-Cookie'), 'a=1; Path=/'],
        [field('Set-Cookie'), 'b=2; Path=/; HttpOnly'],
      ]);
      const multi = framework.repeatedFields === 'kept' ? ['a', 'b'] : ['a, b'];
      expect(pairs(result, 'X-Multi')).toEqual(multi.map((value) => [field('X-Multi'), value]));
      expect(result.text).toBe('two cookies');
    });

    it(`redirects with ${name}'s own redirect`, async () => {
      const result = await callApp(app, { PATH_INFO: '/redirect' }, { headers: { Accept: 'text/plain' } });
      expect(result.status).toBe('302 Found');
      expect(pairs(result, 'Location')).toEqual([[field('Location'), '/hello']]);
      expect(result.text).toBe(framework.redirectText);
    });

    it('sends binary bytes untouched', async () => {
      expect(sha256((await callApp(app, { PATH_INFO: '/binary' })).body)).toBe(sha256(BINARY));
    });

    it('echoes a posted body', async () => {
      const body = randomBytes(100_000);
      const result = await callApp(app, { REQUEST_METHOD: 'POST', PATH_INFO: '/echo' }, { body, headers: { 'Content-Type': 'image/png' } });
      expect(pairs(result, 'Content-Type')).toEqual([[field('Content-Type'), 'image/png']]);
      expect(sha256(result.body)).toBe(sha256(body));
    });

    it(`parses JSON with ${name}'s own parser`, async () => {
      const result = await callApp(
        app,
        { REQUEST_METHOD: 'POST', PATH_INFO: '/json' },
        { body: '{"a":[1,2],"b":"é"}', headers: { 'Content-Type': 'application/json' } },
      );
      expect(JSON.parse(result.text)).toEqual({ received: { a: [1, 2], b: 'é' } });
    });

    it(`answers HEAD with the fields of GET (its length ${framework.headLength}) and no body`, async () => {
      const result = await callApp(app, { REQUEST_METHOD: 'HEAD', PATH_INFO: '/hello' });
      expect(result.status).toBe('200 OK');
      expect(pairs(result, 'Content-Type')).toEqual([[field('Content-Type'), framework.helloType]]);
      const length = framework.headLength === 'kept' ? [[field('Content-Length'), String(greeting.length)]] : [];
      expect(pairs(result, 'Content-Length')).toEqual(length);
      expect(result.body).toHaveLength(0);
    });

    it(`shows a thrown error through ${name}'s own error page`, async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const result = await callApp(app, { PATH_INFO: '/error' });
        expect(result.status).toBe('500 Internal Server Error');
        const page = framework.errorPage;
        if (page.type !== undefined) expect(pairs(result, 'Content-Type')).toEqual([[field('Content-Type'), page.type]]);
        if ('text' in page) expect(result.text).toBe(page.text);
        else if ('contains' in page) expect(result.text).toContain(page.contains);
        else expect(JSON.parse(result.text)).toEqual(page.json);
        expect(logged.mock.calls.length > 0, 'console.error called').toBe(framework.logsErrors);
      } finally {
        logged.mockRestore();
      }
    });

    it(`shows the request as ${name} sees it: peer, scheme, headers, query`, async () => {
      const result = await callApp(app, {
        REQUEST_METHOD: 'PUT',
        PATH_INFO: '/inspect',
        QUERY_STRING: 'x=1&y=%C3%A9',
        REMOTE_ADDR: '10.1.2.3',
        'gateway.url_scheme': 'https',
        // The CGI keys and the raw list say the same: bridges read one or the other.
        HTTP_HOST: 'example.com',
        HTTP_COOKIE: 'a=1; b=2',
        HTTP_X_MULTI: '1, 2',
        'gateway.raw_headers': ['Host', 'example.com', 'Cookie', 'a=1', 'Cookie', 'b=2', 'X-Multi', '1', 'x-multi', '2'],
      });
      expect(JSON.parse(result.text)).toEqual({
        method: 'PUT',
        ...framework.inspectLocation,
        query: { x: '1', y: 'é' },
        ip: '10.1.2.3',
        protocol: 'https',
        hostname: 'example.com',
        cookie: 'a=1; b=2',
        multi: '1, 2',
      });
    });

    it('routes below a mount point (SCRIPT_NAME)', async () => {
      const mount = `/${name.toLowerCase()}`;
      const result = await callApp(app, { SCRIPT_NAME: mount, PATH_INFO: '/inspect', REQUEST_URI: `${mount}/inspect` });
      expect(JSON.parse(result.text)).toMatchObject(framework.mountedLocation);
    });
  });

  describe(`${bridge}, on a socket`, () => {
    let gateway: ServeHandle;
    beforeAll(async () => {
      gateway = await serve(app, { host: '127.0.0.1', port: 0 });
    });
    afterAll(() => gateway.close());

    it('streams chunks as they are made', async () => {
      const response = await send(gateway.url, { path: '/stream?n=3&ms=100' });
      expect(response.body.toString()).toBe('chunk 0\nchunk 1\nchunk 2\n');
      expect(response.arrivals.length).toBeGreaterThanOrEqual(3);
      expect(response.arrivals.at(-1)! - response.arrivals[0]!).toBeGreaterThan(150);
    });

    it('echoes 50 MB without holding it: the answer starts before the upload ends', async () => {
      const chunk = randomBytes(64 * 1024);
      const count = 800; // 50 MiB
      async function* upload(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < count; i++) yield chunk;
      }
      const response = await send(gateway.url, {
        method: 'POST',
        path: '/echo',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(count * chunk.length) },
        body: upload(),
      });
      expect(response.body.length).toBe(count * chunk.length);
      expect(sha256(response.body)).toBe(sha256(Buffer.concat(Array.from({ length: count }, () => chunk))));
      expect(response.arrivals[0]).toBeLessThan(response.uploaded);
    });

    it(`tells the app when the client goes away: ${framework.goneEvents.join(', then ')}`, async () => {
      await send(gateway.url, { path: '/slow', abortAfterBytes: 5 });
      await GONE.closed;
      expect(GONE.events).toEqual(framework.goneEvents);
    });

    it(`answers as ${name}'s own server does, up to the fields the server owns`, async () => {
      const own = await framework.listen(framework.build());
      const serverOwned = /^(date|connection|keep-alive|transfer-encoding|server)$/i;
      const normalise = framework.nativeNormalise?.normalise ?? ((response: WireResponse) => response);
      const comparable = (response: WireResponse) => {
        const normal = normalise(response);
        return {
          status: normal.status,
          reason: normal.reason,
          headers: normal.headers.filter(([fieldName]) => !serverOwned.test(fieldName)),
          // Error pages may carry a stack trace, whose frames differ by server.
          body: normal.body.toString('latin1').replace(/\n\s+at [^\n]*/g, ''),
        };
      };
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const requests: WireRequest[] = [
          { path: '/hello' },
          { path: '/teapot' },
          { path: '/cookies' },
          { path: '/redirect' },
          { path: '/missing%20page' },
          { path: '/error' },
          { path: '/binary' },
          { path: '/inspect?a=1&a=2', headers: { Cookie: ['a=1', 'b=2'], Host: 'example.com' } },
          { path: '/json', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"x":[1]}' },
          { path: '/json', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{bad' },
        ];
        for (const request of requests) {
          const [mine, theirs] = [await send(gateway.url, request), await send(own.url, request)];
          expect(comparable(mine), `${request.method ?? 'GET'} ${request.path}`).toEqual(comparable(theirs));
        }
      } finally {
        logged.mockRestore();
        await own.close();
      }
    });

    it(`answers HEAD with the fields of GET on the wire (its length ${framework.headLength})`, async () => {
      const [head, get] = [await send(gateway.url, { method: 'HEAD', path: '/hello' }), await send(gateway.url, { path: '/hello' })];
      expect(head.status).toBe(200);
      expect(fieldValues(get, 'content-length')).toEqual([String(greeting.length)]);
      expect(fieldValues(head, 'content-length')).toEqual(framework.headLength === 'kept' ? [String(greeting.length)] : []);
      expect(head.body).toHaveLength(0);
    });

    it('keeps the two cookies apart on the wire', async () => {
      const response = await send(gateway.url, { path: '/cookies' });
      expect(fieldValues(response, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    });
  });
}
