// `npm run setup` (and the first step of `npm start` and `npm test`): installs the workspace with
// the pnpm version package.json pins, through npx, so a clone needs only Node and npm. It says in
// one line what it is doing, lets pnpm show its progress, and is skipped when the install is
// already current: a stamp in node_modules records the lockfile and package.json files it was made
// from. (pnpm's own copy, node_modules/.pnpm/lock.yaml, cannot serve: pnpm leaves out the optional
// packages of other platforms, so it differs from pnpm-lock.yaml whenever the lockfile has them.)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = path.join(root, 'node_modules', '.gateway-interop-setup');
const pnpm = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager; // "pnpm@x.y.z"

/** The files an install depends on: the lockfile and every workspace package's package.json. */
function inputs() {
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json'];
  for (const dir of ['apps', 'packages', 'tests']) {
    if (!existsSync(path.join(root, dir))) continue;
    for (const name of readdirSync(path.join(root, dir)).sort())
      files.push(path.join(dir, name, 'package.json'));
  }
  files.push('bench/package.json', 'docs/package.json');
  return files.filter((file) => existsSync(path.join(root, file)));
}

/** One hash over the install's inputs; equal to the stamp when nothing changed since. */
export function installHash() {
  const hash = createHash('sha256');
  for (const file of inputs())
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

export function installIsCurrent() {
  return (
    existsSync(path.join(root, 'node_modules', '.pnpm', 'lock.yaml')) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === installHash()
  );
}

/** Installs unless current; returns the exit status (0 when skipped). */
export function setup() {
  if (installIsCurrent()) return 0;
  process.stdout.write(
    `setup: installing the workspace's dependencies with ${pnpm} (a minute or so the first time; skipped once current)\n`,
  );
  // `npm run --silent` hands its log level to every child as npm_config_loglevel=silent, which
  // pnpm obeys, hiding its progress; this step's output is meant to be seen.
  const env = { ...process.env };
  delete env.npm_config_loglevel;
  const result = spawnSync('npx', ['--yes', pnpm, 'install', '--frozen-lockfile'], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  if (result.status !== 0) {
    process.stderr.write(
      `setup: ${pnpm} install failed (exit ${result.status ?? result.signal}); see its message above\n`,
    );
    return result.status ?? 1;
  }
  writeFileSync(stampFile, installHash());
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = setup();
