// What a connection gets from its server (server/server.ts), fixed when the server is made.
import type { Socket } from 'node:net';
import type { ParserLimits, RequestHead } from '../http/parser.ts';
import type { MakeEnviron, ServerInfo } from '../environ/environ.ts';
import type { App } from '../types.ts';
import type { Tap } from '../inspect/tap.ts';
import type { Clock } from './clock.ts';
import type { Output } from './output.ts';

/** Everything a connection needs from its server, fixed when the server is made. */
export interface ConnectionSettings {
  app: App;
  info: ServerInfo;
  limits: ParserLimits;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxRequestsPerConnection: number;
  serverLine: string;
  /** The engine's parts (server/engine.ts): the reference ones, or the speed tricks. */
  repeatHeads: boolean;
  makeEnviron: MakeEnviron;
  makeOutput: (socket: Socket) => Output;
  makeClock: () => Clock;
  /** Called for each request and response head when tracing is on. */
  trace: ((direction: '<' | '>', text: string) => void) | null;
  /** Called once per finished response when the access log is on. */
  log: ((remote: string, head: RequestHead, status: number, bytes: number) => void) | null;
  reportError: (error: unknown) => void;
  /** The inspector's tap (`--inspect`), or null: then each step below costs one null check. */
  tap: Tap | null;
}

/** The server side of a connection: where it registers and whether the server is closing. */
export interface ConnectionHost {
  readonly closing: boolean;
  forget(connection: object): void;
}
