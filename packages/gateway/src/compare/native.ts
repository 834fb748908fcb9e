// `compare --native`: each framework's own server (the app's `src/native.ts`, `app.listen` and
// friends) started beside the gateway, in a child process on a free port, so its answer can sit
// in the column next to the same app under the gateway.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Place } from './exchange.ts';

const START_TIMEOUT_MS = 30_000;

export interface NativeServer {
  place: Place;
  stop(): Promise<void>;
}

/** Starts `script --host 127.0.0.1 --port 0` and waits for the URL it prints. */
export function startNative(script: string, cwd: string): Promise<NativeServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script, '--host', '127.0.0.1', '--port', '0'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${script}: ${why}${output ? `: ${output.trim().split('\n').slice(-1)[0]}` : ''}`));
    };
    const timer = setTimeout(() => fail(`did not print its URL in ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const exitedEarly = (code: number | null): void => fail(`exited while starting (code ${code})`);
    child.once('exit', exitedEarly);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /http:\/\/([\d.]+|\[[\d:a-f]+\]):(\d+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.off('exit', exitedEarly);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({ place: { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]), prefix: '' }, stop });
    });
  });
}
