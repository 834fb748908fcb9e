// Section 2 of SPEC.md as checks on what the server hands the app, private to validate.ts. Each
// check quotes its rule. `gateway.input` and `gateway.errors` are wrapped, not only inspected,
// because their rules are about how they are used (read once, text only).
import { fail, show } from './_error.ts';
import type { Environ, ErrorStream, Input } from '../types.ts';
import { isToken } from '../http/vocabulary.ts';

type Env = Record<string, unknown>;

// An HTTP_ key's suffix is a token upper-cased with '-' turned into '_' (2.3).
const HEADER_KEY = /^HTTP_[!#$%&'*+.^_`|~0-9A-Z]+$/;
const CR_LF_NUL = /[\r\n\0]/;

function text(env: Env, key: string, rule: string): string {
  const value = env[key];
  if (typeof value !== 'string') fail(rule, `environ.${key} must be a string, got ${show(value)}.`);
  return value;
}

/** 2.1 "`environ` is a fresh plain object for every request." */
export function checkFresh(environ: unknown, seen: WeakSet<object>): asserts environ is Env {
  const proto: unknown = typeof environ === 'object' && environ !== null ? Object.getPrototypeOf(environ) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    fail('2.1', `environ must be a plain object, got ${show(environ)}; build it as an object literal.`);
  }
  const object = environ as Env;
  if (seen.has(object)) {
    fail('2.1', 'the same environ object was passed twice; build a new one for every request (the app may have changed the old one).');
  }
  seen.add(object);
}

/** 2.2 "The request line": method token, mount point and path shapes, raw query and target. */
export function checkRequestLine(env: Env): void {
  const method = text(env, 'REQUEST_METHOD', '2.2');
  if (!isToken(method)) fail('2.2', `REQUEST_METHOD ${show(method)} is not an RFC 9110 token.`);
  const script = text(env, 'SCRIPT_NAME', '2.2');
  if (script !== '' && (!script.startsWith('/') || script.endsWith('/'))) {
    fail('2.2', `SCRIPT_NAME ${show(script)} must be '' or start with '/' and not end with '/'; move the slash to PATH_INFO.`);
  }
  const path = text(env, 'PATH_INFO', '2.2');
  if (path !== '' && path !== '*' && !path.startsWith('/')) {
    fail('2.2', `PATH_INFO ${show(path)} must be '', '*' or start with '/'.`);
  }
  text(env, 'QUERY_STRING', '2.2');
  const uri = text(env, 'REQUEST_URI', '2.2');
  if (uri === '' || /[\0- \x7f]/.test(uri)) {
    fail('2.2', `REQUEST_URI ${show(uri)} must be the request-target as sent: not empty, no spaces or control characters.`);
  }
}

/** 2.3 "Request header fields": content keys, `HTTP_*` keys, raw headers and the `_` guard. */
export function checkHeaderKeys(env: Env): void {
  for (const key of ['CONTENT_TYPE', 'CONTENT_LENGTH']) {
    if (env[key] !== undefined) text(env, key, '2.3');
    if (env[`HTTP_${key}`] !== undefined) fail('2.3', `environ has HTTP_${key}; the field belongs in ${key}.`);
  }
  if (env.CONTENT_LENGTH !== undefined && !/^\d+$/.test(env.CONTENT_LENGTH as string)) {
    fail('2.3', `CONTENT_LENGTH ${show(env.CONTENT_LENGTH)} must be decimal digits.`);
  }
  for (const key of Object.keys(env)) {
    if (!key.startsWith('HTTP_') || env[key] === undefined) continue;
    if (!HEADER_KEY.test(key)) fail('2.3', `environ key ${show(key)} must be HTTP_ and the field name upper-cased, '-' turned into '_'.`);
    if (CR_LF_NUL.test(text(env, key, '2.3'))) fail('2.3', `environ.${key} holds CR, LF or NUL.`);
  }
  const raw = env['gateway.raw_headers'];
  if (!Array.isArray(raw) || raw.length % 2 !== 0 || !raw.every((item) => typeof item === 'string')) {
    fail('2.3', `gateway.raw_headers must be a flat array of strings [name, value, …], got ${show(raw)}.`);
  }
  const names = raw.filter((_, i) => i % 2 === 0) as string[];
  const bad = names.find((name) => !isToken(name));
  if (bad !== undefined) fail('2.3', `gateway.raw_headers holds the field name ${show(bad)}, which is not a token.`);
  const keyOf = (name: string): string => `HTTP_${name.toUpperCase().replaceAll('-', '_')}`;
  const honest = new Set(names.filter((name) => !name.includes('_')).map(keyOf));
  for (const name of names.filter((n) => n.includes('_'))) {
    if (env[keyOf(name)] !== undefined && !honest.has(keyOf(name))) {
      fail('2.3', `the field ${show(name)} became ${keyOf(name)}; names with '_' must get no HTTP_ key (only gateway.raw_headers).`);
    }
  }
}

/** 2.4 "`gateway.input` … can be iterated once. It yields the body … ends where the body ends". */
export function checkInput(env: Env): Input {
  const input = env['gateway.input'] as Partial<Input> | undefined;
  if (typeof input?.[Symbol.asyncIterator] !== 'function') {
    fail('2.4', `gateway.input must be an AsyncIterable<Uint8Array>, got ${show(input)}.`);
  }
  const source = input as Input;
  const declared = env.CONTENT_LENGTH === undefined ? undefined : Number(env.CONTENT_LENGTH);
  const expectBody = declared !== undefined || env.HTTP_TRANSFER_ENCODING !== undefined;
  let used = false;
  return {
    [Symbol.asyncIterator]() {
      if (used) fail('2.4', 'gateway.input was iterated a second time; the body can be read once, so keep the bytes if you need them again.');
      used = true;
      const inner = source[Symbol.asyncIterator]();
      let seen = 0;
      return {
        async next() {
          const step = await inner.next();
          if (step.done === true) {
            if (declared !== undefined && seen !== declared) {
              fail('2.4', `gateway.input ended after ${seen} bytes but CONTENT_LENGTH is ${declared}.`);
            }
            return step;
          }
          if (!(step.value instanceof Uint8Array)) fail('2.4', `gateway.input yielded ${show(step.value)}; it must yield Uint8Arrays.`);
          seen += step.value.length;
          if (declared !== undefined && seen > declared) {
            fail('2.4', `gateway.input yielded ${seen} bytes, more than CONTENT_LENGTH ${declared}; it must end where the body ends.`);
          }
          if (!expectBody && seen > 0) fail('2.4', 'gateway.input yielded bytes for a request with no body (no CONTENT_LENGTH, no Transfer-Encoding).');
          return step;
        },
        async return(value?: unknown) {
          await inner.return?.();
          return { done: true, value };
        },
      };
    },
  };
}

/** 2.5 "The interface's own keys": version, scheme, errors sink, the three flags. */
export function checkGatewayKeys(env: Env): ErrorStream {
  const version = env['gateway.version'];
  if (!Array.isArray(version) || version.length !== 2 || version[0] !== 1 || !Number.isInteger(version[1])) {
    fail('2.5', `gateway.version must be [1, minor], got ${show(version)}.`);
  }
  const scheme = env['gateway.url_scheme'];
  if (scheme !== 'http' && scheme !== 'https') fail('2.5', `gateway.url_scheme must be 'http' or 'https', got ${show(scheme)}.`);
  if (env['gateway.multithread'] !== false) fail('2.5', `gateway.multithread must be false, got ${show(env['gateway.multithread'])}.`);
  for (const key of ['gateway.multiprocess', 'gateway.run_once']) {
    if (typeof env[key] !== 'boolean') fail('2.5', `${key} must be a boolean, got ${show(env[key])}.`);
  }
  const errors = env['gateway.errors'] as Partial<ErrorStream> | undefined;
  if (typeof errors?.write !== 'function') fail('2.5', `gateway.errors must have a write(message) method, got ${show(errors)}.`);
  const sink = errors as ErrorStream;
  return {
    write(message: string) {
      if (typeof message !== 'string') fail('2.5', `gateway.errors.write() takes text, got ${show(message)}; pass String(x) or an error's stack.`);
      sink.write(message);
    },
  };
}

/**
 * 2.6 "`SERVER_NAME` and `SERVER_PORT` are the address the server listens on."
 * 2.7 "`REMOTE_ADDR` and `REMOTE_PORT` are the peer of the TCP connection, as strings."
 */
export function checkAddresses(env: Env): void {
  if (text(env, 'SERVER_NAME', '2.6') === '') fail('2.6', 'SERVER_NAME must not be empty.');
  const port = text(env, 'SERVER_PORT', '2.6');
  if (!/^\d+$/.test(port)) fail('2.6', `SERVER_PORT ${show(port)} must be a string of digits.`);
  const protocol = env.SERVER_PROTOCOL;
  if (protocol !== 'HTTP/1.0' && protocol !== 'HTTP/1.1') {
    fail('2.6', `SERVER_PROTOCOL must be 'HTTP/1.0' or 'HTTP/1.1', got ${show(protocol)}.`);
  }
  text(env, 'REMOTE_ADDR', '2.7');
  const remotePort = text(env, 'REMOTE_PORT', '2.7');
  if (!/^\d*$/.test(remotePort)) fail('2.7', `REMOTE_PORT ${show(remotePort)} must be a string of digits.`);
}

/** 2.9 "`gateway.signal` is an `AbortSignal`". */
export function checkSignal(env: Env): void {
  if (!(env['gateway.signal'] instanceof AbortSignal)) {
    fail('2.9', `gateway.signal must be an AbortSignal, got ${show(env['gateway.signal'])}.`);
  }
}

/** Every section 2 check, in rule order; wraps input and errors in place (as wsgiref does). */
export function checkEnviron(environ: unknown, seen: WeakSet<object>): asserts environ is Environ {
  checkFresh(environ, seen);
  checkRequestLine(environ);
  checkHeaderKeys(environ);
  const input = checkInput(environ);
  const errors = checkGatewayKeys(environ);
  checkAddresses(environ);
  checkSignal(environ);
  environ['gateway.input'] = input;
  environ['gateway.errors'] = errors;
}
