// Finds a headless Chromium that runs here, without Playwright's own download (only the npm
// registry and Debian packages are reachable): CHROMIUM_PATH if set, else the Chromium that the npm
// package @sparticuz/chromium ships (x64 Linux; unpacked to /tmp on first use), else Debian's
// /usr/bin/chromium. When none runs, the tests say so and why — they are skipped, never passed.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Flags that work as root in a container: no sandbox, no GPU, nothing phoning home. */
export const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type Found = { browser: Browser; source: string } | { skipped: string };

async function candidates(): Promise<Array<{ source: string; path: () => Promise<string> }>> {
  const list: Array<{ source: string; path: () => Promise<string> }> = [];
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) list.push({ source: `CHROMIUM_PATH=${fromEnv}`, path: async () => fromEnv });
  if (process.platform === 'linux' && process.arch === 'x64') {
    list.push({
      source: '@sparticuz/chromium (npm)',
      path: async () => (await import('@sparticuz/chromium')).default.executablePath(),
    });
  }
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(path)) list.push({ source: path, path: async () => path });
  }
  return list;
}

/** Launches the first Chromium that starts; playwright-core gives it a fresh profile directory. */
export async function launchChromium(): Promise<Found> {
  const reasons: string[] = [];
  for (const candidate of await candidates()) {
    try {
      const executablePath = await candidate.path();
      const browser = await chromium.launch({
        executablePath,
        args: FLAGS,
        headless: true,
        timeout: 60_000,
      });
      return { browser, source: `${candidate.source}: Chromium ${browser.version()}` };
    } catch (error) {
      reasons.push(
        `${candidate.source}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`,
      );
    }
  }
  if (reasons.length === 0)
    reasons.push(`no Chromium for ${process.platform}-${process.arch}; set CHROMIUM_PATH`);
  return { skipped: reasons.join('; ') };
}
