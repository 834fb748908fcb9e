// Test helpers for the server tests: start an app through the validator, so every server test
// also checks the interface, and close every server a file started. The raw client that talks to
// it is the shared one, re-exported here so the tests keep one import.
import { serve } from '../src/server/server.ts';
import type { ServeHandle, ServerOptions } from '../src/server/server.ts';
import type { App } from '../src/types.ts';
import { validator } from '../src/validate/validate.ts';

export { RawClient, parseResponses, request } from '../src/testing/raw-client.ts';
export type { ParsedResponse } from '../src/testing/raw-client.ts';

const open: ServeHandle[] = [];

/** Serves `app` wrapped in the validator on 127.0.0.1, an ephemeral port. Closed by `closeAll`. */
export async function start(app: App, options: ServerOptions = {}): Promise<ServeHandle> {
  const handle = await serve(validator(app), { host: '127.0.0.1', port: 0, errors: { write() {} }, ...options });
  open.push(handle);
  return handle;
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((h) => h.close()));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
