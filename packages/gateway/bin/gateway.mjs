#!/usr/bin/env node
// The `gateway` command. TypeScript apps are loaded directly: tsx's loader is registered before
// anything else is imported, so `gateway serve ./src/app.ts:app` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/cli.ts');
const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
