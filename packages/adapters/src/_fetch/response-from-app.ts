// The reverse bridge, second half: runs a gateway callable and hands back its answer as a fetch
// `Response` whose body streams while the app produces it. The Response exists once the first
// chunk is ready (or the body is empty), the moment a WSGI server would send its headers, so until
// then the app may still replace its status by calling startResponse again with an error (rule 3.5).
import type { App, Body, Chunk, Environ, HeaderList, StartResponse } from '@gateway-interop/gateway';
import { toBytes } from './body-iterator.ts';
import { isHopByHop } from '@gateway-interop/gateway/http';

/** Statuses a `Response` must not carry a body with (Fetch "null body status"). */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

interface Head {
  status: string;
  headers: HeaderList;
}

/**
 * Calls `app` and resolves with its Response. Rejects if the app fails (or the client leaves)
 * before its first chunk; after that an error ends the body stream with that error. `cancelled` is aborted when the
 * consumer drops the body, so the app's `gateway.signal` can follow it.
 */
export function responseFromApp(app: App, environ: Environ, cancelled: AbortController): Promise<Response> {
  const signal = environ['gateway.signal'];
  return new Promise((resolve, reject) => {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    let head: Head | undefined;
    let committed = false;
    let discard = false;
    let settled = false;
    let iterator: Iterator<Chunk> | AsyncIterator<Chunk> | undefined;
    let returned = false;

    const stop = (): void => {
      if (returned || iterator === undefined) return;
      returned = true;
      void Promise.resolve(iterator.return?.()).catch(() => {});
    };
    const commit = (): void => {
      if (committed) return;
      if (head === undefined) throw new Error('body chunk before startResponse (SPEC rule 1.2)');
      const response = makeResponse(head, readable, environ.REQUEST_METHOD === 'HEAD');
      discard = response.body === null;
      committed = true;
      resolve(response);
    };
    // Empty chunks send nothing, not even the headers (rules 4.2, 3.7). Once the client is gone,
    // writes are dropped and still resolve (rule 3.6).
    const write = async (chunk: Chunk): Promise<void> => {
      const bytes = toBytes(chunk);
      if (bytes.byteLength === 0 || signal.aborted) return;
      commit();
      // Resolves once the consumer has taken the chunk: backpressure for the app (rule 3.6).
      if (!discard) await writer.write(bytes).catch(() => {});
    };
    const startResponse: StartResponse = (status, headers, error) => {
      if (head !== undefined && error === undefined) {
        throw new Error('startResponse called twice; a second call must pass the error (SPEC rule 3.5)');
      }
      if (error !== undefined && committed) throw error;
      head = { status, headers };
      return write;
    };

    // The body stream errors when its consumer cancels it: for a fetch runtime, the client left.
    // That aborts `gateway.signal`, which stops the app's iterator (rules 4.5, 5.2).
    writer.closed.catch((reason: unknown) => {
      if (!settled) cancelled.abort(reason);
    });
    signal.addEventListener('abort', stop, { once: true });

    const run = async (): Promise<void> => {
      const body: Body = await app(environ, startResponse);
      iterator = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : body[Symbol.iterator]();
      while (!signal.aborted) {
        const step = await iterator.next();
        if (step.done) break;
        await write(step.value);
        // No body goes out for HEAD, 204 or 304 (rule 4.6): stop the app making one.
        if (discard) return stop();
      }
      if (signal.aborted) throw signal.reason;
      commit();
      settled = true;
      await writer.close();
    };
    run()
      .catch((error: unknown) => {
        if (!committed) reject(error);
        else if (!settled) {
          // Ends the body in error, so the consumer sees a truncated response (rule 5.1).
          settled = true;
          writer.abort(error).catch(() => {});
        }
        stop();
      })
      .finally(() => {
        settled = true;
        signal.removeEventListener('abort', stop);
      });
  });
}

function makeResponse(head: Head, body: ReadableStream<Uint8Array>, isHead: boolean): Response {
  const match = /^(\d{3})(?: (.*))?$/.exec(head.status);
  if (!match) throw new Error(`status must look like '200 OK', got '${head.status}' (SPEC rule 3.1)`);
  const status = Number(match[1]);
  const headers = new Headers();
  for (const [name, value] of head.headers) {
    if (!isHopByHop(name)) headers.append(name, value);
  }
  const bodyless = isHead || nullBodyStatuses.has(status);
  return new Response(bodyless ? null : body, { status, statusText: match[2] ?? '', headers });
}
