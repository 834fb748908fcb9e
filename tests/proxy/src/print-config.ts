// `npx pnpm --filter proxy config`: prints the nginx configuration the README's "Deploying"
// section shows, from the same source the proxy test runs nginx with.
import { README_SITE, siteConfig } from './nginx-config.ts';

process.stdout.write(siteConfig(README_SITE));
