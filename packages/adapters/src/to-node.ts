// Runs a gateway callable under `node:http` (or any server that calls `(req, res)`), the reverse
// of the node bridge: `http.createServer(toNodeHandler(app))`. It plays the gateway server's part
// in a few steps: environ from the IncomingMessage, startResponse onto `writeHead`, the body onto
// `write` with backpressure, and `return()` on the body when the client goes away (rule 4.5).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Chunk, Environ, HeaderList, StartResponse } from '@gateway-interop/gateway';
import { addHeader } from './_fetch/environ-from-request.ts';
import { decodePath, isHopByHop } from '@gateway-interop/gateway/http';

/** `app` as a `node:http` request listener. */
export function toNodeHandler(app: App): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => void serveOne(app, req, res);
}

interface Head {
  status: string;
  headers: HeaderList;
}

async function serveOne(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const gone = new AbortController();
  let iterator: Iterator<Chunk> | AsyncIterator<Chunk> | undefined;
  let returned = false;
  const stop = async (): Promise<void> => {
    if (returned || iterator === undefined) return;
    returned = true;
    await iterator.return?.();
  };
  res.once('close', () => {
    if (res.writableFinished) return;
    gone.abort(new Error('client disconnected before the response was complete'));
    void stop().catch(() => {});
  });

  const environ = environOf(req, res, gone.signal);
  let head: Head | undefined;
  // Headers go out with the first body byte, not before, so an app may still swap them (rules 3.5, 3.7).
  const commit = (): void => {
    if (res.headersSent) return;
    if (head === undefined) throw new Error('body chunk before startResponse (SPEC rule 1.2)');
    const [code, reason] = splitStatus(head.status);
    const flat: string[] = [];
    for (const [name, value] of head.headers) {
      if (!isHopByHop(name)) flat.push(name, value);
    }
    res.writeHead(code, reason, flat);
  };
  // Empty chunks send nothing, not even the headers (rules 4.2, 3.7); once the client is gone,
  // writes are dropped and still resolve (rule 3.6).
  const write = async (chunk: Chunk): Promise<void> => {
    if (chunk.length === 0 || gone.signal.aborted) return;
    commit();
    if (!res.write(chunk)) await drained(res);
  };
  const startResponse: StartResponse = (status, headers, error) => {
    if (head !== undefined && error === undefined) {
      throw new Error('startResponse called twice; a second call must pass the error (SPEC rule 3.5)');
    }
    if (error !== undefined && res.headersSent) throw error;
    head = { status, headers };
    return write;
  };

  try {
    const body = await app(environ, startResponse);
    iterator = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : body[Symbol.iterator]();
    while (!gone.signal.aborted) {
      const step = await iterator.next();
      if (step.done) break;
      await write(step.value);
      // Node drops a HEAD body anyway; stop the app making it once the headers are out.
      if (req.method === 'HEAD') {
        await stop();
        break;
      }
    }
    if (gone.signal.aborted) return void (await stop());
    commit();
    res.end();
  } catch (error) {
    environ['gateway.errors'].write(`gateway: app error: ${describe(error)}\n`);
    await stop().catch(() => {});
    if (res.headersSent) res.destroy(error instanceof Error ? error : undefined);
    else if (!res.destroyed) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal Server Error\n');
    }
  }
}

/** Resolves when `res` can take more, or will never need to (closed). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function splitStatus(status: string): [number, string] {
  const match = /^(\d{3})(?: (.*))?$/.exec(status);
  if (!match) throw new Error(`status must look like '200 OK', got '${status}' (SPEC rule 3.1)`);
  return [Number(match[1]), match[2] ?? ''];
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The environ for one request, from what `node:http` parsed (rules 2.1–2.9). */
function environOf(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Environ {
  const target = req.url ?? '/';
  const [path, query] = splitTarget(target);
  const socket = req.socket;
  const encrypted = 'encrypted' in socket && socket.encrypted === true;
  const environ: Environ = {
    REQUEST_METHOD: req.method ?? 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: decodePath(path),
    QUERY_STRING: query,
    REQUEST_URI: target,
    SERVER_NAME: socket.localAddress ?? '',
    SERVER_PORT: String(socket.localPort ?? ''),
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REMOTE_ADDR: socket.remoteAddress ?? '',
    REMOTE_PORT: String(socket.remotePort ?? ''),
    'gateway.version': [1, 0],
    'gateway.url_scheme': encrypted ? 'https' : 'http',
    // Reading `req` is what makes node:http answer `Expect: 100-continue` (rules 2.4, 6.3).
    'gateway.input': { [Symbol.asyncIterator]: () => req[Symbol.asyncIterator]() as AsyncIterator<Uint8Array> },
    'gateway.errors': { write: (message) => void process.stderr.write(message.endsWith('\n') ? message : `${message}\n`) },
    'gateway.multithread': false,
    'gateway.multiprocess': false,
    'gateway.run_once': false,
    'gateway.signal': signal,
    'gateway.raw_headers': req.rawHeaders,
    'gateway.informational': (status, headers = []) => interimOnto(req, res, status, headers),
  };
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) addHeader(environ, raw[i] as string, raw[i + 1] as string);
  return environ;
}

/**
 * An interim response (rule 6.6) through node's own calls for the three 1xx it knows:
 * writeEarlyHints (103, which node sends only with a Link field), writeProcessing (102) and
 * writeContinue (100). node:http has no call for any other 1xx, so those send nothing, as
 * does anything after the head or to an HTTP/1.0 client.
 */
function interimOnto(req: IncomingMessage, res: ServerResponse, status: string, headers: HeaderList): Promise<void> {
  const code = Number(status.slice(0, 3));
  if (code === 101) return Promise.reject(new Error('gateway.informational: 101 needs an upgrade, which this interface does not carry (SPEC rule 6.6)'));
  if (res.headersSent || req.httpVersionMinor === 0 || !/^1\d\d /.test(status)) return Promise.resolve();
  return new Promise((resolve) => {
    if (code === 102) return void res.writeProcessing(() => resolve());
    if (code === 100) return void res.writeContinue(() => resolve());
    const hints: Record<string, string | string[]> = {};
    for (const [name, value] of headers) {
      const key = name.toLowerCase();
      const earlier = hints[key];
      hints[key] = earlier === undefined ? value : [earlier, value].flat();
    }
    if (code !== 103 || hints.link === undefined) return resolve();
    res.writeEarlyHints(hints, () => resolve());
  });
}

/** Path and query of an origin-form or absolute-form target (RFC 9112 §3.2). */
function splitTarget(target: string): [string, string] {
  if (!target.startsWith('/') && URL.canParse(target)) {
    const url = new URL(target);
    return [url.pathname, url.search.slice(1)];
  }
  const at = target.indexOf('?');
  return at === -1 ? [target, ''] : [target.slice(0, at), target.slice(at + 1)];
}
