// The documented differences: each one names the field, the apps and scenarios it applies to, and
// the exact value under each server, with the reason it is justified. A difference matches only if
// every one of those agrees, so an exception can never hide a different difference in the same
// field. README.md explains each of them at more length; the two lists must stay in step.
import { ABSENT } from './observation.ts';
import type { Difference } from './observation.ts';
import type { AppName, Mode, ServerKind } from './targets.ts';

export interface Exception {
  /** Short name, shown in the table as a footnote. */
  id: string;
  /** A Difference field: `header:<name>`, `fact:<name>`, `status`, `reason` or `body`. */
  field: string;
  /** The apps it applies to; every app when absent. */
  apps?: readonly AppName[];
  /** The scenario ids it applies to; every scenario when absent. */
  scenarios?: readonly string[];
  /** Root or mounted runs (targets.ts); both when absent. */
  modes?: readonly Mode[];
  /** The servers of the matrix it applies to (targets.ts); every one when absent. */
  servers?: readonly ServerKind[];
  native: string;
  gateway: string;
  /**
   * When set, the difference matches if this holds for its two values, and `native`/`gateway` only
   * describe them (for a rule that covers many values, such as a prefix in every echoed path).
   */
  matches?: (native: string, gateway: string) => boolean;
  why: string;
}

/** `N bytes, sha256 …: "preview"` (observation.ts) back to its length and preview text. */
function bodyParts(shown: string): { length: number; text: string } | undefined {
  const match = /^(\d+) bytes, sha256 [0-9a-f]+…: (".*")$/s.exec(shown);
  if (match === null) return undefined;
  try {
    return { length: Number(match[1]), text: JSON.parse(match[2]!) as string };
  } catch {
    return undefined;
  }
}

/**
 * The native body is the gateway's with `prefix` written into every path it echoes, and nothing
 * else differs: the lengths differ by exactly the prefixes added, and both previews are whole.
 */
function onlyPrefixEchoed(prefix: string): (native: string, gateway: string) => boolean {
  return (native, gateway) => {
    const a = bodyParts(native);
    const b = bodyParts(gateway);
    if (a === undefined || b === undefined || a.text.length >= 300) return false;
    const added = a.text.split(`${prefix}/`).length - 1;
    return added > 0 && a.text.split(`${prefix}/`).join('/') === b.text && a.length - b.length === added * prefix.length;
  };
}

/** A JSON body with the keys of its `headers` object sorted, or undefined if it is not one. */
function headersSorted(shown: string): string | undefined {
  const parts = bodyParts(shown);
  if (parts === undefined || parts.text.length >= 300) return undefined;
  try {
    const value = JSON.parse(parts.text) as { headers?: Record<string, unknown> };
    if (typeof value.headers !== 'object' || value.headers === null) return undefined;
    value.headers = Object.fromEntries(Object.entries(value.headers).sort(([a], [b]) => a.localeCompare(b)));
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * The two bodies are the same JSON once the echoed request headers are put in name order (and,
 * mounted, once the native side's prefix is taken out of the path it echoes).
 */
function onlyHeaderOrder(native: string, gateway: string): boolean {
  const a = headersSorted(native);
  const b = headersSorted(gateway);
  if (a === undefined || b === undefined || native === gateway) return false;
  return a === b || a.replace(/"path":"\/fastify\//, '"path":"/') === b;
}

/** Express's weak ETag hashes the body: the same length, another hash, when only the order differs. */
function sameLengthEtag(native: string, gateway: string): boolean {
  const length = /^W\/"([0-9a-f]+)-/.exec(native)?.[1];
  return length !== undefined && native !== gateway && gateway.startsWith(`W/"${length}-`);
}

export const EXCEPTIONS: readonly Exception[] = [
  {
    id: 'server-header',
    field: 'header:server',
    native: ABSENT,
    gateway: 'gateway-interop',
    why:
      "The Server header names the server, so it is the server's business like Date: node:http sends none, the gateway " +
      'names itself by default (ServerOptions.serverHeader; `false` turns it off). The suite keeps the default, so what is ' +
      'compared is what a deployment gets.',
  },
  {
    id: 'hono-text-charset',
    field: 'header:content-type',
    apps: ['hono'],
    scenarios: ['GET', 'HEAD', 'keep-alive'],
    native: 'text/plain; charset=UTF-8',
    gateway: 'text/plain;charset=UTF-8',
    why:
      "Hono's `c.text(s)` with no status or headers returns a bare `new Response(s)` and lets the Response class pick the " +
      'type. @hono/node-server replaces the global Response with its own class (overrideGlobalObjects), which spells it ' +
      '`text/plain; charset=UTF-8`; the standard Response that runs under the gateway follows the Fetch spec ' +
      '(extract a body: `text/plain;charset=UTF-8`). The same media type (RFC 9110 §8.3.1); the adapter passes on what the ' +
      "app's Response says rather than rewrite an app's header.",
  },
  {
    id: 'hono-100-continue-unread',
    field: 'fact:100 Continue',
    apps: ['hono'],
    scenarios: ['Expect: 100-continue (404)'],
    native: 'true',
    gateway: 'false',
    why:
      'node:http sends 100 Continue as soon as the head arrives (no checkContinue listener), before the app runs. The ' +
      'gateway sends it when the app first reads the body (SPEC 6.3), and Hono answers 404 without reading it, so the ' +
      'client is spared sending a body nobody reads; a final status instead of 100 is what RFC 9110 §10.1.1 allows. ' +
      'Express and Fastify read (drain) the body even for their 404, so under both servers they get the 100.',
  },
  {
    id: 'mounted-fastify-sees-path-below',
    field: 'body',
    apps: ['fastify'],
    modes: ['mounted'],
    native: 'a body echoing the full path, e.g. `"path":"/fastify/inspect"`, `Route GET:/fastify/nope not found`',
    gateway: 'the same body echoing the path below the mount, `"path":"/inspect"`, `Route GET:/nope not found`',
    matches: onlyPrefixEchoed('/fastify'),
    why:
      "Fastify's own way to put an app under a prefix is to register its routes in a plugin with `prefix`: the routes " +
      'become `/fastify/…` and `request.url` stays the full target. A dispatcher mounts the whole app instead (SPEC 7, ' +
      "WSGI's SCRIPT_NAME): the app routes on the path below the mount, so `request.url` is `/inspect`. Fastify has no " +
      "base path on a request to carry the prefix (Express's req.baseUrl, which the node bridge fills, is why Express " +
      'shows no difference here). Only the echoed path differs; status, headers and everything else are the same.',
  },
  {
    id: 'mounted-hono-sees-path-below',
    field: 'body',
    apps: ['hono'],
    modes: ['mounted'],
    native: 'a body echoing the full path, e.g. `"path":"/hono/inspect"`',
    gateway: 'the same body echoing the path below the mount, `"path":"/inspect"`',
    matches: onlyPrefixEchoed('/hono'),
    why:
      "Hono's `app.route('/hono', app)` copies the app's routes under the prefix, and `c.req.path` stays the full path. " +
      'The fetch bridge gives a mounted app a `Request` whose URL is the path below the mount (a Request has one URL ' +
      'where the interface has SCRIPT_NAME and PATH_INFO), which is also what Hono\'s own `app.mount()` does for an app ' +
      'mounted whole. Only the echoed path differs.',
  },
  {
    id: 'fetch-server-default-type',
    field: 'header:content-type',
    apps: ['fastify', 'hono'],
    scenarios: ['redirect'],
    servers: ['fetch'],
    native: ABSENT,
    gateway: 'text/plain; charset=UTF-8',
    why:
      '@hono/node-server gives every response whose body is not `null` a `text/plain; charset=UTF-8` type when it has ' +
      'none. `toFetchHandler` hands it a streamed body, since it cannot know the app will write no bytes until the app ' +
      "is done; Hono's own redirect is a `null`-body Response and Fastify's server adds nothing. The server's doing, on " +
      'an empty body.',
  },
  {
    id: 'fetch-request-headers-sorted',
    field: 'body',
    apps: ['express', 'fastify'],
    servers: ['fetch'],
    native: 'the echoed request headers in the order sent, e.g. `{"host":…,"connection":"close"}`',
    gateway: 'the same headers in name order, `{"connection":"close","host":…}`',
    matches: onlyHeaderOrder,
    why:
      "A fetch `Request` keeps no wire order: its `Headers` iterate sorted by name (the Fetch standard's sort and " +
      'combine), so under a fetch server the environ, and through the node bridge Express\'s and Fastify\'s ' +
      '`req.headers`, list the fields in name order. Names and values are the same (SPEC 8.2). Hono natively runs on ' +
      'a Request too, so it shows no difference.',
  },
  {
    id: 'fetch-request-headers-sorted-etag',
    field: 'header:etag',
    apps: ['express'],
    servers: ['fetch'],
    native: 'W/"<length>-<hash of the body>"',
    gateway: 'W/"<the same length>-<another hash>"',
    matches: sameLengthEtag,
    why: "Express's weak ETag is a hash of the body, so it changes with the header order above (`fetch-request-headers-sorted`); the length part stays.",
  },
  {
    id: 'node-205-content',
    field: 'body',
    apps: ['express', 'fastify'],
    scenarios: ['205 Reset Content'],
    native: '5 bytes, sha256 2cf24dba5fb0a30e…: "hello"',
    gateway: '0 bytes, sha256 e3b0c44298fc1c14…: ""',
    why:
      'RFC 9110 §15.3.6: a server must not generate content in a 205, and must say so with Content-Length: 0 (or an ' +
      'empty chunked body, or by closing). node:http sends whatever the handler wrote with the Content-Length it gave ' +
      '(nodejs/node#3096, closed as policy for frameworks); the gateway sends Content-Length: 0 and no content (SPEC 4.6). ' +
      "Express's own res.send() does what the gateway does.",
  },
  {
    id: 'hono-status-past-599',
    field: 'status',
    apps: ['hono'],
    scenarios: ['status 700'],
    native: '700',
    gateway: '500',
    why:
      'The Fetch standard Response refuses a status outside 200–599 (RangeError), so under the gateway Hono answers its ' +
      'own 500 page. @hono/node-server replaces the global Response with its own class, which does not check the range. ' +
      'The gateway itself sends 700 (SPEC 3.1, the Express and Fastify cells); the adapter runs the standard Response.',
  },
  {
    id: 'hono-status-past-599',
    field: 'reason',
    apps: ['hono'],
    scenarios: ['status 700'],
    native: 'unknown',
    gateway: 'Internal Server Error',
    why: 'The same difference as the status: Hono answers its own 500 page.',
  },
  {
    id: 'hono-status-past-599',
    field: 'body',
    apps: ['hono'],
    scenarios: ['status 700'],
    native: '14 bytes, sha256 554f9d43a2a1e9d9…: "custom status\\n"',
    gateway: '21 bytes, sha256 e41656eb2ba6c629…: "Internal Server Error"',
    why: 'The same difference as the status: Hono answers its own 500 page.',
  },
];

export function exceptionFor(
  app: AppName,
  scenario: string,
  difference: Difference,
  mode: Mode = 'root',
  server: ServerKind = 'gateway',
): Exception | undefined {
  return EXCEPTIONS.find(
    (exception) =>
      exception.field === difference.field &&
      (exception.matches !== undefined
        ? exception.matches(difference.native, difference.gateway)
        : exception.native === difference.native && exception.gateway === difference.gateway) &&
      (exception.apps === undefined || exception.apps.includes(app)) &&
      (exception.scenarios === undefined || exception.scenarios.includes(scenario)) &&
      (exception.modes === undefined || exception.modes.includes(mode)) &&
      (exception.servers === undefined || exception.servers.includes(server)),
  );
}
