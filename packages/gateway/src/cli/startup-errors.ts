// What the CLI says when serving cannot start. Errors a user can fix (a host that does not
// resolve, a port in use, an app that does not load) become one line and exit code 2, the same in
// one process and under --workers; anything else is a bug and keeps its stack trace.
import { UsageError } from './load-app.ts';

/** Exit code for a mistake the user can fix (README: "one-line message and exit code 2"). */
export const USAGE_EXIT_CODE = 2;

/** Why listening failed, in words, keyed by the errno code node:net and node:dns report. */
const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (another server on that port?)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this machine’s',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved (DNS not answering)',
  EAI_NONAME: 'no such host',
  EAI_FAIL: 'the host name could not be resolved',
  EINVAL: 'invalid address',
};

/** The one line for `error`, or undefined when it is not a startup mistake (then: a bug). */
export function startupErrorLine(
  error: unknown,
  where?: { host?: string | undefined; port?: number | undefined },
): string | undefined {
  if (error instanceof UsageError) return `gateway: ${error.message}`;
  const errno = error as NodeJS.ErrnoException | null;
  const code = errno?.code;
  if (code === undefined || !(code in LISTEN_REASONS)) return undefined;
  // getaddrinfo errors carry `hostname`; bind errors carry `address` and `port`.
  const detail = errno as { hostname?: string; address?: string; port?: number };
  const host = detail.hostname ?? detail.address ?? where?.host;
  const port = detail.port ?? where?.port;
  const target = host === undefined ? '' : ` on ${host}${port === undefined ? '' : `:${port}`}`;
  return `gateway: cannot listen${target}: ${LISTEN_REASONS[code]} (${code})`;
}
