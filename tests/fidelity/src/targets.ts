// Starting and stopping what the scenarios talk to: each demo app, with its observer app (see
// observers.ts), under its framework's own server and, validated, under each server of the matrix
// (the gateway, node:http, the fetch server), each side in a child process of its own started the
// same way (server-child.ts says why).
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReady, ChildReply, ChildRequest } from './server-child.ts';

export type AppName = 'express' | 'fastify' | 'hono' | 'bare';
/** The servers a gateway callable runs under: the matrix's rows of servers (SPEC 8). */
export type ServerKind = 'gateway' | 'node' | 'fetch';
export const SERVERS: readonly ServerKind[] = ['gateway', 'node', 'fetch'];
export type Side = 'native' | ServerKind;
/** At the root of its server, or mounted under `/<app>` (the framework's way vs `mount()`). */
export type Mode = 'root' | 'mounted';
export const MODES: readonly Mode[] = ['root', 'mounted'];

/** The apps in table order. Bare is written against the interface: it has no native server. */
export const APPS: readonly AppName[] = ['express', 'fastify', 'hono', 'bare'];

/** One running server pair: the demo app and its observer, under one kind of server. */
export interface Endpoint {
  app: AppName;
  side: Side;
  url: string;
  observerUrl: string;
}

/** The app under one server of the matrix. */
export interface Served {
  server: ServerKind;
  endpoint: Endpoint;
  /** What reached the app's error stream since the last call (and forgets it). */
  takeErrors(): Promise<string[]>;
}

export interface RunningApp {
  name: AppName;
  mode: Mode;
  native: Endpoint | undefined;
  /** One per server asked for, in the order asked. */
  served: Served[];
  close(): Promise<void>;
}

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const childScript = fileURLToPath(new URL('./server-child.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;

interface Child {
  ready: ChildReady;
  process: ChildProcess;
  stop(): Promise<void>;
}

function startChild(app: AppName, side: Side, mode: Mode): Promise<Child> {
  // `--import tsx` resolves from the working directory: this package, which depends on tsx.
  const child = fork(childScript, [app, side, mode], {
    cwd: packageDir,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Kept for a failed start; otherwise what the apps log (Express prints errors outside
  // NODE_ENV=test) is not the suite's business.
  let output = '';
  const keep = (chunk: Buffer): void =>
    void (output = (output + chunk.toString('utf8')).slice(-4_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const fail = (problem: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`the ${side} ${app} server ${problem}\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`did not start in ${START_TIMEOUT_MS / 1000} s`),
      START_TIMEOUT_MS,
    );
    const exitedEarly = (code: number | null): void => fail(`exited while starting (code ${code})`);
    child.once('exit', exitedEarly);
    child.once('error', (error) => fail(`could not be started: ${error.message}`));
    child.once('message', (ready: ChildReady) => {
      clearTimeout(timer);
      child.off('exit', exitedEarly);
      resolve({
        ready,
        process: child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

let requestId = 0;

/** Asks the gateway child for its error stream; IPC keeps order, so all written before is there. */
function takeErrors(child: ChildProcess): Promise<string[]> {
  const id = ++requestId;
  return new Promise((resolve, reject) => {
    const onMessage = (reply: ChildReply): void => {
      if (reply.type !== 'errors' || reply.id !== id) return;
      child.off('message', onMessage);
      resolve(reply.errors);
    };
    child.on('message', onMessage);
    const request: ChildRequest = { type: 'take-errors', id };
    child.send(request, (error) => {
      if (error) reject(error);
    });
  });
}

/**
 * The servers startApp starts when not told: every one, or those FIDELITY_SERVERS lists
 * (`gateway`, `gateway,node`). The reference-engine run (vitest.config.ts) asks for the gateway's
 * row only; SERVERS stays whole, so such a run is not a full one and checks no docs/matrix.md.
 */
function serversToRun(): readonly ServerKind[] {
  const listed = process.env.FIDELITY_SERVERS;
  if (listed === undefined || listed === '') return SERVERS;
  const servers = listed.split(',').map((item) => item.trim());
  const unknown = servers.filter((server) => !(SERVERS as readonly string[]).includes(server));
  if (unknown.length > 0) throw new Error(`FIDELITY_SERVERS: ${unknown.join(', ')} is not one of ${SERVERS.join(', ')}`);
  return servers as ServerKind[];
}

/** Starts `name` under each of `servers` and, unless it is bare, under its own server. */
export async function startApp(
  name: AppName,
  mode: Mode = 'root',
  servers: readonly ServerKind[] = serversToRun(),
): Promise<RunningApp> {
  const started = await Promise.allSettled([
    name === 'bare' ? undefined : startChild(name, 'native', mode),
    ...servers.map((server) => startChild(name, server, mode)),
  ]);
  const children = started.map((result) =>
    result.status === 'fulfilled' ? result.value : undefined,
  );
  const stopAll = async (): Promise<void> => {
    await Promise.all(children.map((child) => child?.stop()));
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    // Never leave the other sides running when one side did not start.
    await stopAll();
    throw failed.reason;
  }
  const [native, ...under] = children;
  return {
    name,
    mode,
    native: native && { app: name, side: 'native', ...native.ready },
    served: servers.map((server, i) => {
      const child = under[i]!;
      return {
        server,
        endpoint: { app: name, side: server, ...child.ready },
        takeErrors: () => takeErrors(child.process),
      };
    }),
    close: stopAll,
  };
}
