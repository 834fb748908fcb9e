// The validator: middleware that checks both sides of the gateway interface against SPEC.md and
// names the rule broken, the analog of Python's wsgiref.validate and Rack::Lint. Wrap an app with
// it in tests (`serve(validator(app))`, `callApp(validator(app))`): a conforming app and server
// pass through unchanged, byte for byte; the first broken rule throws a GatewaySpecError.
//
// What it checks, by SPEC.md rule (section 2 lives in _environ.ts, section 4 in _body.ts); each
// check quotes its rule's words in a doc comment:
//   1.1  the app, and the startResponse the server passes, are functions
//   1.2  no non-empty chunk, and no end of body, before startResponse is called
//   2.1  environ is a plain object, never passed twice
//   2.2  REQUEST_METHOD is a token; SCRIPT_NAME '' or '/…' without a trailing '/'; PATH_INFO '',
//        '*' or '/…'; QUERY_STRING a string; REQUEST_URI a non-empty target without spaces
//   2.3  CONTENT_TYPE/CONTENT_LENGTH strings (length in digits), never as HTTP_*; HTTP_* keys
//        upper-cased tokens with string values free of CR/LF/NUL; gateway.raw_headers a flat list
//        of [name, value]; no HTTP_* key from a field name holding '_'
//   2.4  gateway.input is async iterable, read once, yields Uint8Arrays, as many bytes as
//        CONTENT_LENGTH says, none when the request has no body
//   2.5  gateway.version [1, n]; url_scheme http|https; multithread false; multiprocess and
//        run_once booleans; errors.write exists and is given strings
//   2.6  SERVER_NAME non-empty; SERVER_PORT digits; SERVER_PROTOCOL HTTP/1.0|HTTP/1.1
//   2.7  REMOTE_ADDR a string; REMOTE_PORT digits
//   2.9  gateway.signal is an AbortSignal
//   3.1  status is 'NNN reason', code 200–999, reason of visible characters, spaces, tabs
//   3.2  headers is an Array of [name, value] string pairs; names are tokens; values hold no
//        control characters, nothing above U+00FF, no surrounding whitespace
//   3.4  no Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade, TE, Trailer
//   3.5  a second call only with an error and before the headers are sent; after they are
//        sent, the server's startResponse throws the error back
//   3.6  startResponse returns a function; write returns a Promise; no write after the body ended
//   3.7  an empty chunk from write or an iterator, after startResponse, commits the head (a flush)
//   4.1  the body is an Iterable or AsyncIterable (or a Promise of one), not a string or bytes
//   4.2  every chunk, from the body or from write, is a Uint8Array or a string
//   4.3  the server asks for one chunk at a time; the validator itself never reads ahead
//   4.4  at most one Content-Length, in digits; the body produces exactly that many bytes
//        (except HEAD, 204, 205, 304)
//   4.5  return() reaches the app's iterator, also when the validator stops it on a violation
//   6.6  gateway.informational, if there, is a function; the app calls it with a 1xx other than
//        101 and valid headers, before the headers are sent; it returns a Promise
// Not seen from between the two sides, so left to the server's tests: 1.3 and 5.1 (app errors
// pass through untouched), 2.8, 3.3, 3.7's wire timing, 4.6, 5.x, 6.x; 7.x, the
// mount dispatcher's (test/compose), and 8.x, other servers' (the adapters and fidelity suites).
// src/validate/spec.test.ts holds these two lists to SPEC.md.
import { ResponseCheck, wrapBody } from './_body.ts';
import { checkEnviron } from './_environ.ts';
import { fail, isPromiseLike, show } from './_error.ts';
import type { App, Body, Chunk, Environ, HeaderList, StartResponse, Write } from '../types.ts';
import { isFieldValue, isHopByHop, isToken } from '../http/vocabulary.ts';

export { GatewaySpecError } from './_error.ts';


/** 1.1 "An app is a function `(environ, startResponse)`". */
function checkApp(app: unknown, what: string): void {
  if (typeof app !== 'function') fail('1.1', `${what} must be a function, got ${show(app)}.`);
}

/** 3.1 "`status` is a string `NNN reason`: a three-digit code from 200 to 999, a single space, then a reason phrase". */
function checkStatus(status: unknown): asserts status is string {
  if (typeof status !== 'string') fail('3.1', `status must be a string like '200 OK', got ${show(status)}.`);
  if (!/^\d{3} /.test(status)) fail('3.1', `status ${show(status)} must be three digits, one space, then the reason phrase (may be empty), like '200 OK'.`);
  if (status.startsWith('1')) fail('3.1', `status ${show(status)} is an interim response, not a final one; send a 1xx with environ['gateway.informational'] (6.6).`);
  if (status.startsWith('0')) fail('3.1', `status ${show(status)} is outside 200–999.`);
  if (/[^\t\x20-\x7e\x80-\xff]/.test(status)) fail('3.1', `the reason phrase of ${show(status)} holds a control character or one above U+00FF.`);
}

/** 3.2 "`headers` is an `Array` of `[name, value]` pairs of strings … A name is an RFC 9110 token." */
function checkHeaders(headers: unknown): asserts headers is HeaderList {
  if (!Array.isArray(headers)) {
    fail('3.2', `headers must be an Array of [name, value] pairs, got ${show(headers)}; convert with Array.from(headers) or Object.entries(object).`);
  }
  headers.forEach((pair: unknown, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      fail('3.2', `headers[${i}] must be a [name, value] pair of strings, got ${show(pair)}.`);
    }
    const [name, value] = pair as [string, string];
    if (!isToken(name)) fail('3.2', `header name ${show(name)} is not an RFC 9110 token (letters, digits, !#$%&'*+-.^_\`|~).`);
    checkFieldValue(name, value);
  });
}

/** 3.2 "A value holds only tab, space, visible ASCII and U+0080–U+00FF … no leading or trailing space or tab." */
function checkFieldValue(name: string, value: string): void {
  const bad = isFieldValue(value) ? null : /[^\t\x20-\x7e\x80-\xff]/.exec(value);
  if (bad !== null) {
    const code = bad[0].codePointAt(0) ?? 0;
    const why = code > 0xff
      ? 'header values go out one byte per character (latin-1); percent-encode it or use RFC 8187'
      : 'control characters (CR, LF above all) would let a value split the response';
    fail('3.2', `the value of header ${name} holds U+${code.toString(16).toUpperCase().padStart(4, '0')}; ${why}.`);
  }
  if (/^[\t ]|[\t ]$/.test(value)) fail('3.2', `the value of header ${name} (${show(value)}) has surrounding whitespace; trim it.`);
}

/** 3.4 "An app must not send `Connection`, `Keep-Alive`, `Proxy-Connection`, `Transfer-Encoding`, `Upgrade`, `TE` or `Trailer`". */
function checkHopByHop(headers: HeaderList): void {
  for (const [name] of headers) {
    if (isHopByHop(name)) {
      fail('3.4', `the app sent ${name}; connection and framing fields belong to the server, which chooses them itself; remove it.`);
    }
  }
}

/** 4.4 "If the app sent `Content-Length`, it must be a single field of decimal digits". */
function declaredLength(headers: HeaderList): number | undefined {
  const values = headers.filter(([name]) => name.toLowerCase() === 'content-length').map(([, value]) => value);
  if (values.length > 1) fail('4.4', `the app sent ${values.length} Content-Length fields; send one.`);
  const [value] = values;
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    fail('4.4', `Content-Length ${show(value)} must be a number of bytes in decimal digits.`);
  }
  return Number(value);
}

/**
 * 3.5 "`startResponse` is called once. It may be called again only with a third argument,
 * `error` … and only before the headers are sent." After they are sent, the server throws.
 */
function checkCallOrder(response: ResponseCheck, error: unknown): void {
  if (response.ended) fail('1.2', 'startResponse was called after the body finished; call it before the body ends.');
  if (response.started && error === undefined) {
    fail('3.5', 'startResponse was called a second time without an error; call it once, or pass the caught error as the third argument to replace the response.');
  }
}

/** 3.6 "`write` sends the chunk after the headers and returns a Promise … Writes are allowed until the body finishes on its own." */
function wrapWrite(write: unknown, response: ResponseCheck): Write {
  if (typeof write !== 'function') fail('3.6', `the server's startResponse must return write(chunk), got ${show(write)}.`);
  return (chunk: Chunk) => {
    if (response.ended) fail('3.6', 'write() was called after the body finished; finish writing before the body ends (await the writes inside the body).');
    response.chunk(chunk, 'write()');
    const result: unknown = (write as Write)(chunk);
    if (!isPromiseLike(result)) fail('3.6', `the server's write() must return a Promise, got ${show(result)}.`);
    return result as Promise<void>;
  };
}

function wrapStartResponse(start: StartResponse, response: ResponseCheck): StartResponse {
  return (status, headers, error) => {
    checkStatus(status);
    checkHeaders(headers);
    checkHopByHop(headers);
    const declared = declaredLength(headers);
    checkCallOrder(response, error);
    if (response.headersSent) {
      start(status, headers, error);
      fail('3.5', 'startResponse was called with an error after the headers were sent and did not throw; the server must throw the error back so the app unwinds.');
    }
    const write: unknown = error === undefined ? start(status, headers) : start(status, headers, error);
    const checked = wrapWrite(write, response);
    response.begin(status, declared);
    return checked;
  };
}

/**
 * 6.6 "`environ['gateway.informational'](status, headers)` sends a 1xx response … a 1xx other
 * than 101 … before the headers of the final response are sent"
 */
function wrapInformational(environ: Environ, response: ResponseCheck): void {
  const informational: unknown = environ['gateway.informational'];
  if (informational === undefined) return;
  if (typeof informational !== 'function') fail('6.6', `gateway.informational must be a function when present, got ${show(informational)}.`);
  environ['gateway.informational'] = (status: string, headers: HeaderList = []) => {
    if (typeof status !== 'string' || !/^1\d\d /.test(status)) fail('6.6', `gateway.informational takes a 1xx status like '103 Early Hints', got ${show(status)}.`);
    if (status.startsWith('101')) fail('6.6', '101 Switching Protocols needs an upgrade, which this interface does not carry.');
    checkHeaders(headers);
    checkHopByHop(headers);
    if (response.headersSent) fail('6.6', 'gateway.informational was called after the headers were sent; send interim responses before the final one.');
    const result: unknown = (informational as (s: string, h: HeaderList) => unknown).call(environ, status, headers);
    if (!isPromiseLike(result)) fail('6.6', `the server's gateway.informational must return a Promise, got ${show(result)}.`);
    return result as Promise<void>;
  };
}

/** Wraps `app` so that every call checks both sides against SPEC.md (see the list above). */
export function validator(app: App): App {
  checkApp(app, 'the app');
  const seen = new WeakSet<object>();
  return (environ, startResponse) => {
    checkEnviron(environ, seen);
    checkApp(startResponse, 'startResponse');
    const response = new ResponseCheck(environ.REQUEST_METHOD);
    wrapInformational(environ, response);
    const result: unknown = app(environ, wrapStartResponse(startResponse, response));
    if (isPromiseLike(result)) return Promise.resolve(result).then((body): Body => wrapBody(body, response));
    return wrapBody(result, response);
  };
}
