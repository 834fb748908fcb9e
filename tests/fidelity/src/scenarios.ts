// The shared scenario list: the same requests, byte for byte, sent to every app under both servers.
// Each scenario returns an Observation (observation.ts) that must be identical under the two.
// `check` adds what must hold on either side on its own (a hash against the bytes sent, the first
// chunk arriving early, the app seeing its client leave), so two equally wrong answers still fail.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pseudoRandomBytes } from '@gateway-interop/demo-kit';
import { fieldValues, send } from './client.ts';
import type { WireRequest, WireResponse } from './client.ts';
import { observe } from './observation.ts';
import type { Observation } from './observation.ts';
import type { Endpoint } from './targets.ts';
import { HANDLER_SCENARIOS } from './scenarios-handlers.ts';

export interface Scenario {
  /** Short, stable: the table's row label and the key exceptions.ts refers to. */
  id: string;
  /** What is sent, for the README and the report. */
  request: string;
  run(endpoint: Endpoint): Promise<Observation>;
  /** Problems with one side's observation on its own; empty when all is well. */
  check?(observation: Observation): string[];
  /**
   * What the gateway may write to its error stream during this scenario: an app that lets an
   * error escape is reported there (SPEC 5.1). Anything else written there fails the scenario.
   */
  expectedGatewayError?: RegExp;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A plain exchange: the observation is the response and nothing more. */
async function plain(endpoint: Endpoint, request: WireRequest): Promise<Observation> {
  return observe(await send(endpoint.url, request));
}

// --- the 50 MB upload ---------------------------------------------------------------------------
// Random bytes made once per process, sent in 64 KiB writes with backpressure, so the upload
// streams through each server rather than arriving as one buffer.
const UPLOAD_BYTES = 50 * 1024 * 1024;
const UPLOAD_CHUNK = 64 * 1024;
let upload: { bytes: Buffer; sha256: string } | undefined;
function uploadBytes(): { bytes: Buffer; sha256: string } {
  if (upload === undefined) {
    const bytes = randomBytes(UPLOAD_BYTES);
    upload = { bytes, sha256: sha256(bytes) };
  }
  return upload;
}
async function* uploadChunks(): AsyncGenerator<Uint8Array> {
  const { bytes } = uploadBytes();
  for (let at = 0; at < bytes.length; at += UPLOAD_CHUNK)
    yield bytes.subarray(at, at + UPLOAD_CHUNK);
}

// --- the binary response -------------------------------------------------------------------------
const BINARY_SIZE = 1024 * 1024 + 3; // not a multiple of 4, so the generator's last word is cut
const BINARY_SEED = 20240601;
const binarySha = sha256(pseudoRandomBytes(BINARY_SIZE, BINARY_SEED));

// --- the streamed response -----------------------------------------------------------------------
const STREAM_N = 5;
const STREAM_MS = 150;

// --- the disconnect ------------------------------------------------------------------------------
/** How long the abort has to show up in the observer, and how long it must then stay unchanged. */
const ABORT_DEADLINE_MS = 3_000;
const ABORT_SETTLE_MS = 300;

async function seenBy(endpoint: Endpoint, id: string): Promise<string[]> {
  const response = await fetchText(`${endpoint.observerUrl}/seen?id=${id}`);
  return JSON.parse(response) as string[];
}

function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

let watchCounter = 0;

const JSON_DOCUMENT = { name: 'Jörg ✓', list: [1, 2.5, null, true, 'x"y'], nested: { empty: {} } };

const DEMO_SCENARIOS: readonly Scenario[] = [
  {
    id: 'GET',
    request: 'GET /hello',
    run: (e) => plain(e, { path: '/hello' }),
  },
  {
    id: 'HEAD',
    request: 'HEAD /hello',
    async run(e) {
      const response = await send(e.url, { method: 'HEAD', path: '/hello' });
      // Framing is ignored, but on HEAD Content-Length describes the GET body: noted as a fact.
      return observe(response, {
        'HEAD content-length': fieldValues(response, 'content-length').join(',') || '(none)',
      });
    },
    check: (o) =>
      o.bodyLength === 0 ? [] : [`a HEAD response carried ${o.bodyLength} body bytes`],
  },
  {
    id: 'POST',
    request: 'POST /echo, a short UTF-8 text body',
    run: (e) =>
      plain(e, {
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'text/plain' },
        body: 'ping → pong\n',
      }),
  },
  {
    id: 'PUT',
    request: 'PUT /inspect, JSON body',
    run: (e) =>
      plain(e, {
        method: 'PUT',
        path: '/inspect?via=put',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      }),
  },
  {
    id: 'DELETE',
    request: 'DELETE /inspect',
    run: (e) => plain(e, { method: 'DELETE', path: '/inspect' }),
  },
  {
    id: 'OPTIONS',
    request: 'OPTIONS /inspect',
    run: (e) => plain(e, { method: 'OPTIONS', path: '/inspect' }),
  },
  {
    id: 'OPTIONS (automatic)',
    request: "OPTIONS /hello (no route: the framework's own answer)",
    run: (e) => plain(e, { method: 'OPTIONS', path: '/hello' }),
  },
  {
    id: 'encoded query',
    request:
      'GET /inspect?name=J%C3%B6rg&plus=a%2Bb&space=a+b&amp=x%26y&eq=%3D&arr=1&arr=2&empty=&pct=100%25',
    run: (e) =>
      plain(e, {
        path: '/inspect?name=J%C3%B6rg&plus=a%2Bb&space=a+b&amp=x%26y&eq=%3D&arr=1&arr=2&empty=&pct=100%25',
      }),
  },
  {
    id: 'encoded path',
    request: 'GET /insp%65ct?x=%20 (an encoded letter in a routed path)',
    run: (e) => plain(e, { path: '/insp%65ct?x=%20' }),
  },
  {
    id: 'encoded path (404)',
    request: 'GET /caf%C3%A9/a%2Fb?q=%E2%9C%93',
    run: (e) => plain(e, { path: '/caf%C3%A9/a%2Fb?q=%E2%9C%93' }),
  },
  {
    id: '404',
    request: 'GET /nope',
    run: (e) => plain(e, { path: '/nope' }),
  },
  {
    id: 'HEAD 404',
    request: 'HEAD /nope',
    run: (e) => plain(e, { method: 'HEAD', path: '/nope' }),
  },
  {
    id: 'thrown error',
    request: "GET /error (the framework's own error page)",
    run: (e) => plain(e, { path: '/error' }),
    check: (o) => (o.status === 500 ? [] : [`expected a 500, got ${o.status}`]),
    // Only the bare app lets the error escape to the server, which answers 500 and logs it.
    expectedGatewayError: /^gateway: app error: Error: boom\n/,
  },
  {
    id: 'redirect',
    request: 'GET /redirect',
    run: (e) => plain(e, { path: '/redirect' }),
  },
  {
    id: 'two Set-Cookie',
    request: 'GET /cookies',
    run: (e) => plain(e, { path: '/cookies' }),
    check: (o) =>
      o.headers['set-cookie']?.length === 2
        ? []
        : [`expected two Set-Cookie fields, got ${JSON.stringify(o.headers['set-cookie'])}`],
  },
  {
    id: 'binary',
    request: `GET /binary?size=${BINARY_SIZE}&seed=${BINARY_SEED}, checked by hash`,
    run: (e) => plain(e, { path: `/binary?size=${BINARY_SIZE}&seed=${BINARY_SEED}` }),
    check: (o) =>
      o.bodySha256 === binarySha
        ? []
        : [`the body (${o.bodyLength} bytes) is not the demo-kit bytes`],
  },
  {
    id: '50 MB upload',
    request: 'POST /echo, 50 MiB of random bytes (Content-Length), echoed back, checked by hash',
    run: (e) =>
      plain(e, {
        method: 'POST',
        path: '/echo',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(UPLOAD_BYTES),
        },
        body: uploadChunks,
      }),
    check: (o) =>
      o.bodySha256 === uploadBytes().sha256
        ? []
        : [`the echo (${o.bodyLength} bytes) is not the upload`],
  },
  {
    id: 'chunked upload',
    request: 'POST /echo, a chunked request body in 3 writes',
    run: (e) =>
      plain(e, {
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'text/csv' },
        body: async function* () {
          for (const line of ['a,b\n', '1,2\n', '3,4\n']) {
            yield Buffer.from(line);
            await sleep(10);
          }
        },
      }),
    check: (o) =>
      o.bodyStart === 'a,b\n1,2\n3,4\n' ? [] : [`the echo is ${JSON.stringify(o.bodyStart)}`],
  },
  {
    id: 'streamed response',
    request: `GET /stream?n=${STREAM_N}&ms=${STREAM_MS}: the first chunk must arrive before the last is produced`,
    async run(e) {
      const response = await send(e.url, { path: `/stream?n=${STREAM_N}&ms=${STREAM_MS}` });
      return observe(response, {
        'first chunk before the last was produced': firstChunkEarly(response),
      });
    },
    check: (o) =>
      o.facts['first chunk before the last was produced'] === true
        ? []
        : ['the response was not streamed: the first chunk came late'],
  },
  {
    id: 'client disconnects',
    request: 'GET /watch (observer app) and hang up after the first chunk; what the app saw',
    async run(e) {
      const id = `w${process.pid}-${++watchCounter}-${e.side}`;
      const response = await send(e.observerUrl, {
        path: `/watch?id=${id}`,
        disconnectAfterFirstChunk: true,
      });
      const seen = await settledEvents(e, id);
      // Only the first line: whether the client's buffer held one tick or two is timing, not fidelity.
      const firstLine =
        (response.firstChunk ?? Buffer.alloc(0)).toString('utf8').split('\n')[0] ?? '';
      return {
        ...observe(response, { 'app saw': seen.join(', ') || '(nothing)' }),
        bodyLength: Buffer.byteLength(firstLine),
        bodySha256: sha256(Buffer.from(firstLine)),
        bodyStart: firstLine,
      };
    },
    check: (o) =>
      o.facts['app saw'] === '(nothing)' ? ['the app never saw its client go away'] : [],
  },
  {
    id: 'Expect: 100-continue',
    request: 'POST /echo with Expect: 100-continue; the body is held until 100 Continue',
    async run(e) {
      const response = await send(e.url, {
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'text/plain', 'content-length': '5' },
        body: 'hello',
        expectContinueMs: 2_000,
      });
      return observe(response, { '100 Continue before the body': response.bodyHeldUntilContinue });
    },
    check: (o) =>
      o.facts['100 Continue before the body'] === true
        ? []
        : ['no 100 Continue while the client waited'],
  },
  {
    id: 'Expect: 100-continue (404)',
    request: 'POST /nope with Expect: 100-continue: a final answer without reading the body',
    async run(e) {
      const response = await send(e.url, {
        method: 'POST',
        path: '/nope',
        headers: { 'content-type': 'text/plain', 'content-length': '5' },
        body: 'hello',
        expectContinueMs: 1_000,
      });
      return observe(response, { '100 Continue': response.continued });
    },
  },
  {
    id: 'JSON body',
    request: "POST /json, a UTF-8 JSON document (each framework's own parser)",
    run: (e) =>
      plain(e, {
        method: 'POST',
        path: '/json',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(JSON_DOCUMENT),
      }),
    check: (o) =>
      o.bodyStart === JSON.stringify({ received: JSON_DOCUMENT })
        ? []
        : [`the parse came back as ${o.bodyStart}`],
  },
  {
    id: 'malformed JSON',
    request: "POST /json, '{\"a\":' (the parser's own error answer)",
    run: (e) =>
      plain(e, {
        method: 'POST',
        path: '/json',
        headers: { 'content-type': 'application/json' },
        body: '{"a":',
      }),
    check: (o) => (o.status === 400 ? [] : [`expected a 400, got ${o.status}`]),
  },
  {
    id: 'remote address',
    request: "GET /inspect: the framework's view of the peer address",
    async run(e) {
      const response = await send(e.url, { path: '/inspect' });
      const body = observe(response);
      const parsed = JSON.parse(body.bodyStart) as { remoteAddress?: unknown };
      return { ...body, facts: { remoteAddress: String(parsed.remoteAddress) } };
    },
    check: (o) =>
      o.facts.remoteAddress === '127.0.0.1' ? [] : [`remoteAddress is ${o.facts.remoteAddress}`],
  },
  {
    id: 'keep-alive',
    request: 'GET /hello twice on one kept-alive connection; the second answer',
    async run(e) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await send(e.url, { path: '/hello', agent });
        const second = await send(e.url, { path: '/hello', agent });
        return observe(second, { 'same connection': second.reusedSocket });
      } finally {
        agent.destroy();
      }
    },
    check: (o) =>
      o.facts['same connection'] === true ? [] : ['the second request needed a new connection'],
  },
];

/** The demo-route scenarios, then handler behaviour (scenarios-handlers.ts). */
export const SCENARIOS: readonly Scenario[] = [...DEMO_SCENARIOS, ...HANDLER_SCENARIOS];

/** True when the first chunk came well before the body's end: the response was streamed. */
function firstChunkEarly(response: WireResponse): boolean {
  const first = response.arrivals[0];
  const last = response.arrivals.at(-1);
  if (first === undefined || last === undefined) return false;
  const firstText = (response.firstChunk ?? Buffer.alloc(0)).toString('utf8');
  // The last chunk is produced (STREAM_N - 1) × STREAM_MS after the first; half of that is margin.
  return (
    !firstText.includes(`chunk ${STREAM_N}`) && last - first >= ((STREAM_N - 1) * STREAM_MS) / 2
  );
}

/** What the observer noted for `id`, once it has stopped changing (or at the deadline). */
async function settledEvents(endpoint: Endpoint, id: string): Promise<string[]> {
  const deadline = performance.now() + ABORT_DEADLINE_MS;
  let last = '';
  let stableSince = performance.now();
  let events: string[] = [];
  while (performance.now() < deadline) {
    events = await seenBy(endpoint, id);
    const now = JSON.stringify(events);
    if (now !== last) {
      last = now;
      stableSince = performance.now();
    } else if (events.length > 0 && performance.now() - stableSince >= ABORT_SETTLE_MS) {
      break;
    }
    await sleep(50);
  }
  return events;
}
