// The README's "Deploying" section shows the nginx configuration the proxy test runs: the two
// must be the same text, generated from nginx-config.ts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { README_SITE, nginxConfig, siteConfig } from './nginx-config.ts';

const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

it('the README shows exactly the generated configuration', () => {
  const deploying = readme.slice(readme.indexOf('## Deploying'));
  expect(deploying).toContain('```nginx\n' + siteConfig(README_SITE) + '```');
});

it('the test config wraps the same site config, with every path under its prefix', () => {
  const conf = nginxConfig(README_SITE, '/tmp/x');
  expect(conf).toContain(siteConfig(README_SITE).split('\n')[0]!);
  for (const line of conf.split('\n').filter((l) => /(_path|^pid|^error_log) /.test(l.trim())))
    expect(line).toContain('/tmp/x/');
});
