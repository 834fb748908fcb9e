// Scenarios for handler behaviour that framework test suites exercise and the demo routes do not
// (issue 11): odd status codes, an app's own chunked framing, 205, a stream failing after the
// head, a head flushed long before the body, 103 Early Hints, a request that completes unread, an
// early answer to a large upload, and errors the framework answers itself. Most talk to the
// observer app, where handler-routes.ts adds the routes; facts carry what the bytes alone hide.
import http from 'node:http';
import { send } from './client.ts';
import type { WireRequest } from './client.ts';
import { LATE_MS } from './handler-routes.ts';
import { observe } from './observation.ts';
import type { Observation } from './observation.ts';
import type { Scenario } from './scenarios.ts';

const onObserver = (request: WireRequest) => async (e: { observerUrl: string }) =>
  observe(await send(e.observerUrl, request));

/** 256 KiB: well past what either server reads into its buffers before the app answers. */
const LARGE_UPLOAD = 256 * 1024;

export const HANDLER_SCENARIOS: readonly Scenario[] = [
  {
    id: 'status 700',
    request: 'GET /h/status?code=700: a three-digit code past 599',
    run: onObserver({ path: '/h/status?code=700' }),
  },
  {
    id: "app's own Transfer-Encoding",
    request:
      'GET /h/te-chunked: the handler sets Transfer-Encoding: chunked itself; the framing is a fact',
    async run(e) {
      const response = await send(e.observerUrl, { path: '/h/te-chunked' });
      return observe(response, { framing: response.framing });
    },
  },
  {
    id: '205 Reset Content',
    request: 'GET /h/reset: 205 with a Content-Length and content set by the handler',
    async run(e) {
      const response = await send(e.observerUrl, { path: '/h/reset' });
      return observe(response, { framing: response.framing });
    },
  },
  {
    id: 'stream fails after the head',
    request:
      'GET /h/fail-after-head: one chunk, then the stream errors; the client must see a cut response',
    async run(e) {
      const response = await send(e.observerUrl, { path: '/h/fail-after-head' });
      return observe(response, { 'ended cleanly': response.complete });
    },
    check: (o) =>
      o.facts['ended cleanly'] === false ? [] : ['a failed stream ended like a complete response'],
    // Reported under both servers (Fastify logs it natively); under the gateway it reaches the
    // server's error stream, as the failure of a body (SPEC 5.1).
    expectedGatewayError: /the disk went away|destroyed the response before finishing it/,
  },
  {
    id: 'head flushed early',
    request: `GET /h/late-head: the head is flushed, the body comes ${LATE_MS} ms later`,
    async run(e) {
      const response = await send(e.observerUrl, { path: '/h/late-head' });
      const first = response.arrivals[0] ?? response.headAt;
      return observe(response, { 'head before the body': first - response.headAt > LATE_MS / 2 });
    },
    check: (o) =>
      o.facts['head before the body'] === true ? [] : ['the head waited for the body'],
  },
  {
    id: '103 Early Hints',
    request: 'GET /h/hints: a 103 with a Link field before the answer',
    async run(e) {
      const response = await send(e.observerUrl, { path: '/h/hints' });
      return observe(response, { interim: response.informational.join(' | ') || '(none)' });
    },
  },
  {
    id: 'request complete unread',
    request: 'POST /h/wait-complete: the handler waits for req.complete without reading the body',
    run: onObserver({
      method: 'POST',
      path: '/h/wait-complete',
      headers: { 'content-type': 'application/x-unread' },
      body: 'a small body nobody reads',
    }),
  },
  {
    id: 'keep-alive after an early answer',
    request: `POST /h/unread with ${LARGE_UPLOAD / 1024} KiB answered before it is read, then a GET on the same connection`,
    async run(e) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await send(e.observerUrl, {
          method: 'POST',
          path: '/h/unread',
          headers: { 'content-type': 'application/x-unread' },
          body: Buffer.alloc(LARGE_UPLOAD, 0x61),
          agent,
        });
        const second = await send(e.observerUrl, { path: '/h/status?code=200', agent });
        return observe(second, { 'same connection': second.reusedSocket });
      } finally {
        agent.destroy();
      }
    },
  },
  {
    id: 'invalid header value',
    request:
      "GET /h/bad-header: the handler sets a value with a control character (the framework's answer)",
    run: onObserver({ path: '/h/bad-header' }),
    expectedGatewayError: /./,
  },
  {
    id: 'malformed URL',
    request: "GET /%E0%A4%A: a broken percent-encoding (the framework's own answer)",
    run: async (e) => observe(await send(e.url, { path: '/%E0%A4%A' })),
  },
];

export type { Observation };
