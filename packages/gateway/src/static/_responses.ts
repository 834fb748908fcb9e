// The responses serveStatic gives: a file (whole, a range, or just its head), 304, the redirect
// that adds a directory's trailing slash, and the short plain-text refusals. Header order and
// values follow send's, so a diff against Express's static middleware lines up row by row.
import { reasonPhrase, statusText } from '../http/vocabulary.ts';
import path from 'node:path';
import etag from 'etag';
import mime from 'mime-types';
import type { Body, Environ, HeaderList, StartResponse } from '../types.ts';
import { chooseRange, notModified, preconditionFailed } from './_conditional.ts';
import type { Validators } from './_conditional.ts';
import type { Found } from './_find-file.ts';

/** The options that shape a file response, settled (see StaticOptions in serve-static.ts). */
export interface ResponseSettings {
  etag: boolean;
  lastModified: boolean;
  acceptRanges: boolean;
  /** The Cache-Control value, or undefined to send none. */
  cacheControl: string | undefined;
}

/** A short plain-text answer for a request that gets no file; `extra` headers go first. */
export function refuse(startResponse: StartResponse, code: number, extra: HeaderList = []): Body {
  const text = `${reasonPhrase(code) || 'Error'}\n`;
  startResponse(statusText(code), [
    ...extra,
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(text))],
  ]);
  return [text];
}

/** Percent-encodes what may not stand in a header value as it is (SPEC 3.2); never throws. */
function asciiOnly(text: string): string {
  return text.replace(/[^\x21-\x7e]+/g, (run) =>
    [...Buffer.from(run, 'utf8')]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
}

/**
 * 301 to the same path with `/` added, mount point and query kept (serve-static does the same, so
 * relative links in an index page resolve inside the directory). Leading slashes collapse to one:
 * `//host/` in a Location would send the browser to another site.
 */
export function redirectToDirectory(
  environ: Environ,
  startResponse: StartResponse,
  rawBelow: string,
): Body {
  const target = `${environ.SCRIPT_NAME}${rawBelow}/`.replace(/^\/+/, '/');
  const location = asciiOnly(
    target + (environ.QUERY_STRING === '' ? '' : `?${environ.QUERY_STRING}`),
  );
  const text = `Redirecting to ${location}\n`;
  startResponse(statusText(301), [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(text))],
    ['Location', location],
  ]);
  return [text];
}

/** Answers with the file: 200, 206, 304, 412 or 416; the body streams from the open handle. */
export async function sendFile(
  environ: Environ,
  startResponse: StartResponse,
  found: Extract<Found, { kind: 'file' }>,
  settings: ResponseSettings,
): Promise<Body> {
  const { handle, stats } = found;
  let handedOver = false;
  try {
    const validators: Validators = {
      etag: settings.etag ? etag(stats) : undefined,
      lastModified: settings.lastModified ? stats.mtime.toUTCString() : undefined,
    };
    const headers: HeaderList = [];
    if (settings.acceptRanges) headers.push(['Accept-Ranges', 'bytes']);
    if (settings.cacheControl !== undefined) headers.push(['Cache-Control', settings.cacheControl]);
    if (validators.lastModified !== undefined)
      headers.push(['Last-Modified', validators.lastModified]);
    if (validators.etag !== undefined) headers.push(['ETag', validators.etag]);

    // 412 and 416 keep the caching fields and validators, as they do under Express (send sets them
    // before it decides, and Express's final handler leaves them), so a client can retry.
    if (preconditionFailed(environ, validators)) return refuse(startResponse, 412, headers);
    // A 304 carries the validators and caching fields, not the content's (RFC 9110 §15.4.5).
    if (notModified(environ, validators)) {
      startResponse(statusText(304), headers);
      return [];
    }
    const range = settings.acceptRanges
      ? chooseRange(environ, stats.size, validators)
      : { kind: 'whole' as const };
    if (range.kind === 'unsatisfiable') {
      return refuse(startResponse, 416, [...headers, ['Content-Range', `bytes */${stats.size}`]]);
    }

    headers.push([
      'Content-Type',
      mime.contentType(path.extname(found.name)) || 'application/octet-stream',
    ]);
    let start = 0;
    let end = stats.size - 1;
    let code = 200;
    if (range.kind === 'part') {
      ({ start, end } = range);
      code = 206;
      headers.push(['Content-Range', `bytes ${start}-${end}/${stats.size}`]);
    }
    const length = end - start + 1;
    headers.push(['Content-Length', String(length)]);
    startResponse(statusText(code), headers);
    if (environ.REQUEST_METHOD === 'HEAD' || length === 0) return [];
    // A ReadStream is a body (SPEC 4.1): the server pulls a chunk at a time, so a slow client
    // slows the reads, and its return() (client gone, 4.5) destroys the stream and closes the file.
    handedOver = true;
    return handle.createReadStream({ start, end });
  } finally {
    if (!handedOver) await handle.close();
  }
}
