// The inspector page as a gateway app of its own, served by the gateway server on its own port:
// `/` the live list, `/x/<id>` one exchange (`/x/<id>.txt` as plain text), `/events` the Server-Sent Events that feed the list,
// `/compare` the compare view, `/assets/*` one stylesheet and one ES module. Every answer carries a
// strict Content-Security-Policy: scripts and styles from this origin only, nothing inline.
import { readFileSync } from 'node:fs';
import { compareAll } from '../compare/compare.ts';
import type { Column } from '../compare/compare.ts';
import type { App, Environ, HeaderList, StartResponse } from '../types.ts';
import { comparePage, EMPTY_FORM, requestOf } from './compare-view.ts';
import type { CompareForm } from './compare-view.ts';
import type { Exchange, Recorder } from './recorder.ts';
import { exchangeText } from './text-view.ts';
import { exchangePage, listPage, summaryOf } from './views.ts';

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const SECURITY: HeaderList = [
  ['Content-Security-Policy', CSP],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'same-origin'],
  ['Cache-Control', 'no-store'],
];

const asset = (name: string): string =>
  readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
const ASSETS: Record<string, { type: string; text: string }> = {
  '/assets/inspector.css': { type: 'text/css; charset=utf-8', text: asset('inspector.css') },
  '/assets/inspector.js': { type: 'text/javascript; charset=utf-8', text: asset('inspector.js') },
};

/** A form body is small; more than this is refused rather than read. */
const MAX_FORM_BYTES = 256 * 1024;
/** A comment line every so often keeps proxies and idle timers from closing the event stream. */
const HEARTBEAT_MS = 15_000;

export interface InspectorOptions {
  recorder: Recorder;
  /** The mounted apps the compare view sends to; none hides nothing but sends nowhere. */
  columns?: readonly Column[];
}

function send(startResponse: StartResponse, status: string, type: string, text: string): string[] {
  startResponse(status, [['Content-Type', type], ...SECURITY]);
  return [text];
}

export function inspectorApp({ recorder, columns = [] }: InspectorOptions): App {
  return async (environ, startResponse) => {
    const path = environ.PATH_INFO || '/';
    const method = environ.REQUEST_METHOD;
    const page = (status: string, text: string): string[] =>
      send(startResponse, status, 'text/html; charset=utf-8', text);
    if (method !== 'GET' && method !== 'HEAD' && !(method === 'POST' && path === '/compare')) {
      return send(
        startResponse,
        '405 Method Not Allowed',
        'text/plain; charset=utf-8',
        'Method Not Allowed\n',
      );
    }
    if (path === '/') return page('200 OK', listPage(recorder.list()));
    if (path === '/events') return events(recorder, environ, startResponse);
    const exchange = /^\/x\/(\d{1,15})(\.txt)?$/.exec(path);
    if (exchange !== null) {
      const found = recorder.get(Number(exchange[1]));
      if (exchange[2] !== undefined) {
        if (found === undefined)
          return send(
            startResponse,
            '404 Not Found',
            'text/plain; charset=utf-8',
            'That exchange is no longer kept (the last 200 are).\n',
          );
        return send(startResponse, '200 OK', 'text/plain; charset=utf-8', exchangeText(found));
      }
      if (found === undefined)
        return page(
          '404 Not Found',
          '<!doctype html><title>gone</title><p>That exchange is no longer kept (the last 200 are). <a href="/">Back</a></p>\n',
        );
      return page('200 OK', exchangePage(found));
    }
    if (path === '/compare') {
      if (method !== 'POST') return page('200 OK', comparePage(EMPTY_FORM, columns.length));
      // A page on another site may not make this server send requests (cross-site form posts).
      // (Referrer-Policy same-origin keeps Origin in same-origin posts; Sec-Fetch-Site says it too.)
      const origin = environ.HTTP_ORIGIN;
      const site = environ.HTTP_SEC_FETCH_SITE;
      if (
        (site !== undefined && site !== 'same-origin' && site !== 'none') ||
        (origin !== undefined &&
          origin !== `${environ['gateway.url_scheme']}://${environ.HTTP_HOST}`)
      ) {
        return send(
          startResponse,
          '403 Forbidden',
          'text/plain; charset=utf-8',
          'Cross-origin form posts are refused.\n',
        );
      }
      const form = await readForm(environ);
      if (form === null)
        return send(
          startResponse,
          '413 Content Too Large',
          'text/plain; charset=utf-8',
          'The form is too large.\n',
        );
      const request = requestOf(form);
      const result = typeof request === 'string' ? request : await compareAll(columns, request);
      return page('200 OK', comparePage(form, columns.length, result));
    }
    const file = ASSETS[path];
    if (file !== undefined) return send(startResponse, '200 OK', file.type, file.text);
    return send(startResponse, '404 Not Found', 'text/plain; charset=utf-8', 'Not Found\n');
  };
}

async function readForm(environ: Environ): Promise<CompareForm | null> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of environ['gateway.input']) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    parts.push(chunk);
  }
  const params = new URLSearchParams(Buffer.concat(parts).toString('utf8'));
  return {
    method: params.get('method') ?? 'GET',
    path: params.get('path') ?? '/',
    headers: params.get('headers') ?? '',
    body: params.get('body') ?? '',
  };
}

/**
 * `text/event-stream` (the HTML standard's Server-Sent Events): one `exchange` event per finished
 * exchange, its summary as JSON on one `data:` line. The body is an async iterable that waits for
 * the next exchange; it ends when the client goes (gateway.signal), and the server closes it.
 */
function events(
  recorder: Recorder,
  environ: Environ,
  startResponse: StartResponse,
): AsyncIterable<string> {
  startResponse('200 OK', [['Content-Type', 'text/event-stream; charset=utf-8'], ...SECURITY]);
  const signal = environ['gateway.signal'];
  const queue: string[] = ['retry: 1000\n\n'];
  let wake: (() => void) | null = null;
  const push = (text: string): void => {
    queue.push(text);
    wake?.();
  };
  const unsubscribe = recorder.subscribe((exchange: Exchange) =>
    push(`id: ${exchange.id}\nevent: exchange\ndata: ${JSON.stringify(summaryOf(exchange))}\n\n`),
  );
  const heartbeat = setInterval(() => push(': still here\n\n'), HEARTBEAT_MS);
  const stop = (): void => {
    unsubscribe();
    clearInterval(heartbeat);
    wake?.();
  };
  signal.addEventListener('abort', stop, { once: true });
  return {
    async *[Symbol.asyncIterator]() {
      try {
        while (!signal.aborted) {
          if (queue.length > 0) {
            yield queue.splice(0).join('');
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        stop();
      }
    },
  };
}
