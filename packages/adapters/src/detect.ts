// Recognises a framework's app object and wraps it in the matching adapter, so a loader (the CLI,
// the compare dispatcher) can accept `export default expressApp` as readily as a gateway callable.
// Only frameworks are recognised: a plain function cannot be told apart from a gateway app, so the
// caller decides what to do with one.
import type { App } from '@gateway-interop/gateway';
import { fromExpress } from './express.ts';
import type { ExpressLike } from './express.ts';
import { fromFastify } from './fastify.ts';
import type { FastifyLike } from './fastify.ts';
import { fromHono } from './hono.ts';
import type { HonoLike } from './hono.ts';

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

function has(value: object, ...methods: string[]): boolean {
  return methods.every((name) => isFunction((value as Record<string, unknown>)[name]));
}

/** An Express app is a function with Express's application methods (express/lib/application.js). */
function isExpress(value: unknown): value is ExpressLike {
  return isFunction(value) && has(value, 'handle', 'use', 'set', 'engine', 'listen');
}

/** A Fastify instance is an object with `routing` (its request listener), `ready` and `register`. */
function isFastify(value: unknown): value is FastifyLike {
  return typeof value === 'object' && value !== null && has(value, 'routing', 'ready', 'register', 'inject');
}

/** A Hono app is an object with `fetch`, `request` and a `routes` list. */
function isHono(value: unknown): value is HonoLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    has(value, 'fetch', 'request') &&
    Array.isArray((value as { routes?: unknown }).routes)
  );
}

/** The gateway callable for an Express, Fastify or Hono app; `undefined` for anything else. */
export function toGatewayApp(value: unknown): App | undefined {
  if (isExpress(value)) return fromExpress(value);
  if (isFastify(value)) return fromFastify(value);
  if (isHono(value)) return fromHono(value);
  return undefined;
}
