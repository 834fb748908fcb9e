// `npm start`: set up if needed, then serve the Express demo app through the gateway. The app's
// own `start` script (apps/app-express/package.json) is run directly as one child process, not
// through `pnpm --filter`, so Ctrl-C reaches the server alone: it drains, says so in one line, and
// exits 0, with no wrapper reporting "Command failed with signal SIGINT" on the way out. The
// root script is `exec node scripts/start.mjs` because npm runs scripts through sh, and dash (sh
// on Debian) dies of SIGINT while it waits; npm would then re-raise it and exit before the drain.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup } from './setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appDir = path.join(root, 'apps', 'app-express');

const status = setup();
if (status !== 0) process.exit(status);

const script = JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')).scripts.start;
const [command, ...args] = script.split(/\s+/);
if (command !== 'gateway')
  throw new Error(`apps/app-express's start script should run gateway, found "${script}"`);
const gatewayDir = path.dirname(
  createRequire(path.join(appDir, 'package.json')).resolve('@gateway-interop/gateway/package.json'),
);
const bin = path.join(
  gatewayDir,
  JSON.parse(readFileSync(path.join(gatewayDir, 'package.json'), 'utf8')).bin.gateway,
);

const child = spawn(process.execPath, [bin, ...args, ...process.argv.slice(2)], {
  cwd: appDir,
  stdio: 'inherit',
});
// A terminal's Ctrl-C signals the whole foreground group, the server included; a signal sent to
// this process alone is passed on. Either way this process waits for the server's own exit.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + ({ SIGINT: 2, SIGHUP: 1, SIGTERM: 15 }[signal] ?? 1));
});
