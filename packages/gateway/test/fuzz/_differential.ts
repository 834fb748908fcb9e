// The differential harness: one handler served twice, by our gateway and by node:http (llhttp),
// the same bytes sent to both on fresh connections, and what each handler saw compared. A request
// counts as accepted when its handler read the whole body; the two servers agree when they
// accepted the same requests, in the same order, with the same method, target, version, header
// fields and body bytes. Where they differ, `explain` names the deliberate difference (SECURITY.md
// lists each with its RFC clause) or returns null: an unexplained difference is a bug.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve } from '../../src/server/server.ts';
import type { ServeHandle } from '../../src/server/server.ts';
import type { App } from '../../src/types.ts';

/** What a handler saw of one complete request. */
export interface Observation {
  method: string;
  target: string;
  version: string;
  /** Header fields as received, `[name, value, …]`. */
  headers: string[];
  /** Body bytes as latin-1. */
  body: string;
}

export interface Outcome {
  observed: Observation[];
  /** Every byte the server answered, as latin-1. */
  response: string;
  /** The server neither answered nor closed within the time allowed. */
  hung: boolean;
}

/** How long one connection may take before the server is said to hang. */
const HANG_MS = 5000;

/** Observations per connection, keyed by the client's port (the server's REMOTE_PORT). */
type Log = Map<number, Observation[]>;

export interface Targets {
  readonly gateway: ServeHandle;
  readonly node: http.Server;
  exchange(packets: Buffer[]): Promise<{ ours: Outcome; theirs: Outcome }>;
  close(): Promise<void>;
}

/**
 * Starts both servers with the same handler: read the whole body, record, answer 200 with no body.
 * `serveGateway` is our `serve` unless another build of it is to be compared (scripts/fuzz-long.ts).
 */
export async function startTargets(serveGateway: typeof serve = serve): Promise<Targets> {
  const oursLog: Log = new Map();
  const theirsLog: Log = new Map();

  const app: App = async (environ, startResponse) => {
    const parts: Uint8Array[] = [];
    let complete = true;
    try {
      for await (const chunk of environ['gateway.input']) parts.push(chunk);
    } catch {
      complete = false;
    }
    if (complete) {
      oursLog.get(Number(environ.REMOTE_PORT))?.push({
        method: environ.REQUEST_METHOD,
        target: environ.REQUEST_URI,
        version: environ.SERVER_PROTOCOL,
        headers: [...environ['gateway.raw_headers']],
        body: Buffer.concat(parts).toString('latin1'),
      });
    }
    startResponse('200 OK', [['Content-Length', '0']]);
    return [];
  };
  const gateway = await serveGateway(app, { host: '127.0.0.1', port: 0, errors: { write: () => {} } });

  const node = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('error', () => {});
    req.on('end', () => {
      theirsLog.get(req.socket.remotePort ?? -1)?.push({
        method: req.method ?? '',
        target: req.url ?? '',
        version: `HTTP/${req.httpVersion}`,
        headers: [...req.rawHeaders],
        body: Buffer.concat(parts).toString('latin1'),
      });
      res.setHeader('Content-Length', '0');
      res.end();
    });
  });
  // Node's own clientError handling destroys the socket at once, and with it any request parsed in
  // the same read whose 'end' event has not fired yet: the handler would never see a request that
  // llhttp accepted. Answering 400 and closing a moment later lets those events run first.
  node.on('clientError', (_error, socket) => {
    if (socket.destroyed || (socket as { refused?: boolean }).refused) return;
    (socket as { refused?: boolean }).refused = true;
    if (socket.writable) socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    setTimeout(() => socket.destroy(), 5);
  });
  // Same for CONNECT: without a listener Node destroys the socket on the spot.
  node.on('connect', (_req, socket) => setTimeout(() => socket.destroy(), 5));
  await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
  const nodePort = (node.address() as AddressInfo).port;

  return {
    gateway,
    node,
    async exchange(packets) {
      const [ours, theirs] = await Promise.all([send(gateway.port, packets, oursLog), send(nodePort, packets, theirsLog)]);
      return { ours, theirs };
    },
    async close() {
      node.closeAllConnections();
      await Promise.all([gateway.close(), new Promise<void>((resolve) => node.close(() => resolve()))]);
    },
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends the packets one by one (a pause between, so they arrive as separate reads), then half-closes. */
function send(port: number, packets: Buffer[], log: Log): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const received: Buffer[] = [];
    let localPort = -1;
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      socket.destroy();
    }, HANG_MS);
    socket.on('connect', () => {
      localPort = socket.localPort ?? -1;
      log.set(localPort, []);
      void (async () => {
        for (let i = 0; i < packets.length; i++) {
          if (i > 0) await pause(1);
          if (socket.destroyed || !socket.writable) return;
          socket.write(packets[i]!);
        }
        if (!socket.destroyed) socket.end();
      })();
    });
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      // Handlers record before answering, but give a late 'end' event one more turn.
      setImmediate(() => {
        const observed = log.get(localPort) ?? [];
        log.delete(localPort);
        resolve({ observed, response: Buffer.concat(received).toString('latin1'), hung });
      });
    });
  });
}

// --- comparing ----------------------------------------------------------------------------------

export interface Verdict {
  /** Index of the first request the two disagree on, or -1 when they agree. */
  index: number;
  /** Name of the deliberate difference that explains it, or null (a bug) when they disagree. */
  explanation: string | null;
  ours: Observation | undefined;
  theirs: Observation | undefined;
}

const same = (a: Observation | undefined, b: Observation | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Compares the two outcomes. `requests` are the bytes of each request as sent and `mutated` the
 * one that was changed: the requests before it are valid, so any difference starts there or later.
 */
export function compare(ours: Outcome, theirs: Outcome, requests: readonly string[], mutated: number): Verdict {
  const n = Math.max(ours.observed.length, theirs.observed.length);
  let index = -1;
  for (let i = 0; i < n; i++) {
    if (!same(ours.observed[i], theirs.observed[i])) {
      index = i;
      break;
    }
  }
  if (ours.hung || theirs.hung) {
    return { index: Math.max(index, 0), explanation: null, ours: undefined, theirs: undefined };
  }
  if (index === -1) return { index, explanation: null, ours: undefined, theirs: undefined };
  const a = ours.observed[index];
  const b = theirs.observed[index];
  // The bytes that can explain it: the changed request, and the stream from the request where the
  // difference shows (they differ when an earlier request's framing was changed by the mutation).
  const candidates = [requests[mutated] ?? '', requests.slice(Math.min(index, requests.length - 1)).join('')];
  return { index, explanation: explain(a, b, candidates), ours: a, theirs: b };
}

// --- the deliberate differences -----------------------------------------------------------------

const header = (o: Observation, name: string): string[] => {
  const values: string[] = [];
  for (let i = 0; i < o.headers.length; i += 2) if (o.headers[i]!.toLowerCase() === name) values.push(o.headers[i + 1]!);
  return values;
};

/** The head of the first request in `bytes`, as lines, read leniently (it may be malformed). */
function rawHead(bytes: string): string[] {
  const start = bytes.search(/[^\r\n]/);
  const rest = start === -1 ? '' : bytes.slice(start);
  const end = rest.search(/\r?\n\r?\n/);
  return (end === -1 ? rest : rest.slice(0, end)).split(/\r?\n/);
}

const rawFields = (bytes: string, name: string): string[] =>
  rawHead(bytes)
    .slice(1)
    .filter((line) => line.toLowerCase().startsWith(name + ':'))
    .map((line) => line.slice(name.length + 1).trim());

/** Host = uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2); same rule as the parser's. */
const VALID_HOST = /^(?:\[[0-9A-Za-z:._~!$&'()*+,;=%-]*\]|[0-9A-Za-z._~!$&'()*+,;=%-]*)(?::[0-9]*)?$/;

/**
 * Each deliberate difference: a name (SECURITY.md's) and a test on what node:http accepted
 * (`theirs`) or on the raw bytes. All but one are places where we refuse what Node 20 accepts.
 */
const STRICTER: Array<[name: string, test: (theirs: Observation | undefined, raw: string) => boolean]> = [
  ['duplicate-host', (t) => t !== undefined && header(t, 'host').length > 1],
  ['invalid-host', (t) => t !== undefined && header(t, 'host').some((v) => !VALID_HOST.test(v))],
  ['version-not-1.0-or-1.1', (t) => t !== undefined && t.version !== 'HTTP/1.0' && t.version !== 'HTTP/1.1'],
  ['transfer-encoding-not-exactly-chunked', (t) => t !== undefined && header(t, 'transfer-encoding').join(',').trim().toLowerCase() !== 'chunked' && header(t, 'transfer-encoding').length > 0],
  ['transfer-encoding-in-http-1.0', (t) => t !== undefined && t.version === 'HTTP/1.0' && header(t, 'transfer-encoding').length > 0],
  ['asterisk-form-outside-options', (t) => t !== undefined && t.target.startsWith('*') && (t.method !== 'OPTIONS' || t.target !== '*')],
  ['fragment-in-absolute-form', (t) => t !== undefined && !t.target.startsWith('/') && t.target.includes('#')],
  ['expect-other-than-100-continue', (_t, raw) => rawFields(raw, 'expect').some((v) => v.toLowerCase() !== '100-continue')],
  ['connection-close-wins', (_t, raw) => {
    const options = [...rawFields(raw, 'connection'), ...rawFields(raw, 'proxy-connection')].join();
    return /close/i.test(options) && /keep-alive/i.test(options);
  }],
  ['proxy-connection-keep-alive-ignored', (_t, raw) => rawFields(raw, 'proxy-connection').some((v) => /keep-alive/i.test(v))],
  ['whitespace-in-request-line', (_t, raw) => /^\S+[ \t]{2,}|^\S+\t|[ \t]{2,}HTTP\/|^[ \t]/.test(rawHead(raw)[0] ?? '')],
  // Node answers a missing Host with 400 from its HTTP layer, not its parser, so requests already
  // read behind it still reach the handler; we hand nothing after a refused request to the app.
  ['pipelined-after-missing-host', (_t, raw) => /HTTP\/1\.1$/.test(rawHead(raw)[0] ?? '') && rawFields(raw, 'host').length === 0],
  ['stray-cr-or-lf-before-request-line', (_t, raw) => /^(?:\r\n)*(?:\r(?!\n)|\n)/.test(raw) || strayAfterMessage(raw)],
  ['lax-chunk-extension', (_t, raw) => laxChunkExtension(raw)],
];

/** The request ends, by its own framing, with a lone CR or LF after it (which precedes the next request line). */
function strayAfterMessage(raw: string): boolean {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return false;
  const lengths = rawFields(raw, 'content-length');
  const end = lengths.length === 1 && /^\d+$/.test(lengths[0]!) ? headEnd + 4 + Number(lengths[0]) : -1;
  if (end !== -1) return raw.length > end && /^(?:\r\n)*(?:\r(?!\n)|\n)/.test(raw.slice(end));
  return /\r\n\r\n(?:\r\n)*(?:\r|(?<!\r)\n)$/.test(raw);
}

/**
 * A chunk-size line with an extension llhttp takes and RFC 9112 §7.1.1 does not: no name (`;;a`,
 * `;=x`), no value (`;a=`), or a token running into a quoted string (`;a=b"c"`).
 */
function laxChunkExtension(raw: string): boolean {
  for (const [line] of raw.matchAll(/^[0-9a-fA-F]+;[^\r\n]*/gm)) {
    const exts = line.slice(line.indexOf(';') + 1).split(';');
    if (exts.some((e, i) => (e === '' && i < exts.length - 1) || e.startsWith('=') || e.endsWith('=') || /=[^"]+"/.test(e))) return true;
  }
  return false;
}

/** Where we accept what Node refuses: methods outside llhttp's fixed table (RFC 9110 §9.1, SPEC rule 2.2). */
const LOOSER: Array<[name: string, test: (ours: Observation) => boolean]> = [['extension-method', (o) => !http.METHODS.includes(o.method)]];

export function explain(ours: Observation | undefined, theirs: Observation | undefined, raws: readonly string[]): string | null {
  // Both accepted the request but saw it differently: never deliberate.
  if (ours !== undefined && theirs !== undefined) return null;
  if (ours !== undefined) {
    for (const [name, test] of LOOSER) if (test(ours)) return name;
    return null;
  }
  for (const [name, test] of STRICTER) {
    if (test(theirs, '')) return name;
    for (const raw of raws) if (test(theirs, raw)) return name;
  }
  return null;
}

/** One line per request and its bytes, for a failure message. */
export function describeCase(requests: readonly string[], verdict: Verdict, ours: Outcome, theirs: Outcome): string {
  return [
    `first difference at request #${verdict.index}`,
    ...requests.map((r, i) => `  request #${i}: ${JSON.stringify(r)}`),
    `  ours saw:   ${JSON.stringify(verdict.ours)}`,
    `  node saw:   ${JSON.stringify(verdict.theirs)}`,
    `  ours answered: ${JSON.stringify(ours.response.slice(0, 600))}${ours.hung ? ' (hung)' : ''}`,
    `  node answered: ${JSON.stringify(theirs.response.slice(0, 600))}${theirs.hung ? ' (hung)' : ''}`,
  ].join('\n');
}
