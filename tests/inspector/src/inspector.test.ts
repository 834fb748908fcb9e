// The inspector page in a real browser: the four demo apps (Express, Fastify, Hono, bare) mounted on
// one gateway server with the tap on, the inspector on a port of its own, headless Chromium looking
// at it. Requests go out over real sockets; the test watches each appear in the live list, opens
// the exchange view (with scripts on and off), uses the compare view, and sends hostile requests
// that must show as text and run nothing. Screenshots land in results/ (see README).
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { mount, serve } from '@gateway-interop/gateway';
import type { ServeHandle } from '@gateway-interop/gateway';
import { Recorder, serveInspector } from '@gateway-interop/gateway/inspect';
import type { Inspector } from '@gateway-interop/gateway/inspect';
import { app as bare } from 'app-bare/src/app.ts';
import { app as express } from 'app-express/src/app.ts';
import { app as fastify } from 'app-fastify/src/app.ts';
import { app as hono } from 'app-hono/src/app.ts';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';

const RESULTS = new URL('../results/', import.meta.url);
const APPS = ['express', 'fastify', 'hono', 'bare'] as const;
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1920, height: 1080 };

const found = await launchChromium();
const browser: Browser | null = 'browser' in found ? found.browser : null;
// Said once, in the test output, whichever way it went: a skip must never pass for a run.
console.log(
  'skipped' in found
    ? `inspector browser tests SKIPPED: ${found.skipped}`
    : `inspector browser tests use ${found.source}`,
);

let served: ServeHandle;
let inspector: Inspector;
let recorder: Recorder;
let pages: Page[] = [];

/** Sends raw bytes and waits for the server to close (Connection: close), then closes too. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(served.port, '127.0.0.1', () => socket.write(text));
    socket.on('end', () => socket.end());
    const parts: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => parts.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
    socket.on('error', reject);
  });
}

async function newPage(viewport = DESKTOP, javaScriptEnabled = true): Promise<Page> {
  const context = await browser!.newContext({ viewport, javaScriptEnabled });
  const page = await context.newPage();
  pages.push(page);
  // Any dialog means script ran; any page error or CSP report means something tried to.
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  return page;
}

/** The element's text once it is there (pages are server-rendered: no waiting for scripts). */
async function text(locator: Locator): Promise<string> {
  await locator.first().waitFor({ timeout: 10_000 });
  return locator.first().innerText();
}

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: new URL(name, RESULTS).pathname, fullPage: true });
}

describe.skipIf(browser === null)('inspector page in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    recorder = new Recorder({ apps: APPS.map((name) => ({ prefix: `/${name}`, name })) });
    served = await serve(
      mount({ '/express': express, '/fastify': fastify, '/hono': hono, '/bare': bare }),
      { port: 0, accessLog: false, inspect: recorder },
    );
    const columns = APPS.map((name) => ({
      name,
      place: { host: '127.0.0.1', port: served.port, prefix: `/${name}` },
    }));
    inspector = await serveInspector(recorder, { host: '127.0.0.1', port: 0 }, columns);
  });

  afterAll(async () => {
    for (const page of pages) await page.context().close();
    pages = [];
    await browser?.close();
    await Promise.all([served?.close(), inspector?.close()]);
  });

  it('shows each app’s exchange live, without a reload', async () => {
    const page = await newPage();
    const errors: string[] = [];
    page.on(
      'console',
      (message) => void (message.type() === 'error' && errors.push(message.text())),
    );
    await page.goto(inspector.handle.url + '/');
    await expect.poll(() => page.locator('#live').getAttribute('data-state')).toBe('live');
    for (const name of APPS) {
      const response = await fetch(`${served.url}/${name}/hello`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      await page
        .locator('#exchanges tbody tr', { hasText: `/${name}/hello` })
        .first()
        .waitFor({ timeout: 10_000 });
    }
    expect(await page.locator('#exchanges tbody tr').count()).toBe(4);
    expect(errors).toEqual([]);
    await shot(page, 'list-desktop.png');
  });

  it('draws an Express exchange: raw request, environ, startResponse, fields by origin', async () => {
    const page = await newPage();
    await page.goto(inspector.handle.url + '/');
    await Promise.all([
      page.waitForURL(/\/x\/0$/),
      page.locator('#exchanges a', { hasText: '#0' }).click(),
    ]);
    expect(await text(page.locator('h1'))).toContain('GET /express/hello');
    // The raw request with CR and LF made visible.
    expect(await text(page.locator('#request pre'))).toContain('GET /express/hello HTTP/1.1\\r\\n');
    const environ = page.locator('#environ table');
    expect(await text(environ.locator('tr', { hasText: 'REQUEST_METHOD' }))).toContain('GET');
    expect(await text(environ.locator('tr', { hasText: 'gateway.url_scheme' }))).toContain('http');
    expect(await text(environ.locator('tr', { hasText: 'HTTP_HOST' }))).toContain(
      `127.0.0.1:${served.port}`,
    );
    expect(await text(page.locator('#timeline'))).toContain('startResponse');
    const field = (name: string) =>
      page.locator('#fields tr', { has: page.locator(`td:first-child code:text-is("${name}")`) });
    expect(await text(field('X-Powered-By').locator('.origin'))).toBe('app (express)');
    expect(await text(field('ETag').locator('.origin'))).toBe('app (express)');
    expect(await text(field('Date').locator('.origin'))).toBe('server');
    expect(await text(field('Server').locator('.origin'))).toBe('server');
    await shot(page, 'exchange-desktop.png');
    await page.setViewportSize(PHONE);
    await shot(page, 'exchange-phone.png');
    // Nothing wider than the phone's screen but the scrolling tables and raw blocks.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
  });

  it('reads with scripts off: the exchange view is server-rendered', async () => {
    await (await fetch(`${served.url}/hono/hello`)).arrayBuffer();
    const id = recorder.list().at(-1)!.id;
    const page = await newPage(PHONE, false);
    await page.goto(`${inspector.handle.url}/x/${id}`);
    expect(await text(page.locator('h1'))).toContain('GET /hono/hello');
    expect(await text(page.locator('#environ'))).toContain('PATH_INFO');
    expect(await text(page.locator('#fields tr', { hasText: 'content-type' }))).toMatch(
      /^content-type\s+text\/plain;charset=UTF-8\s+app \(hono\)$/,
    );
  });

  it('compares one request across the four apps, differences marked', async () => {
    const page = await newPage();
    await page.goto(inspector.handle.url + '/compare');
    await page.locator('input[name=path]').fill('/hello');
    await page.locator('textarea[name=headers]').fill('Accept: text/plain');
    await Promise.all([
      page.waitForURL(/\/compare$/),
      page.waitForLoadState(),
      page.locator('button[type=submit]').click(),
    ]);
    const table = page.locator('#comparison');
    await table.waitFor({ timeout: 20_000 });
    expect(await table.locator('thead th').allInnerTexts()).toEqual(['', ...APPS]);
    expect(await text(table.locator('tr', { hasText: 'body' }))).toContain(
      'Hello world from Express!',
    );
    expect(await table.locator('tr.differs', { hasText: 'body' }).count()).toBe(1);
    expect(await table.locator('tr.differs', { hasText: 'x-powered-by' }).count()).toBe(1);
    await shot(page, 'compare-desktop.png');
    await page.setViewportSize(PHONE);
    await shot(page, 'compare-phone.png');
  });

  it('shows hostile path, headers and body as text, and runs none of it', async () => {
    const page = await newPage();
    const violations: string[] = [];
    page.on(
      'console',
      (message) =>
        void (/Content Security Policy/i.test(message.text()) && violations.push(message.text())),
    );
    page.on('pageerror', (error) => violations.push(error.message));
    await page.goto(inspector.handle.url + '/');
    await expect.poll(() => page.locator('#live').getAttribute('data-state')).toBe('live');
    const script = '<script>window.__xss=1</script>';
    const img = '"><img/src=x/onerror=window.__xss=2>';
    const body = `${script}${img}`;
    const answer = await rawRequest(
      `POST /bare/echo/${script}${img} HTTP/1.1\r\nHost: x\r\nX-Evil: ${img}${script}\r\nContent-Type: text/html\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
    // The live list got it over SSE, as text.
    const row = page.locator('#exchanges tbody tr', { hasText: '<script>window.__xss=1</script>' });
    await row.waitFor({ timeout: 10_000 });
    await Promise.all([page.waitForURL(/\/x\/\d+$/), row.locator('a').click()]);
    expect(await text(page.locator('h1'))).toContain(`/bare/echo/${script}${img}`);
    expect(await text(page.locator('#request pre'))).toContain(`X-Evil: ${img}${script}`);
    expect(await text(page.locator('#environ tr', { hasText: 'HTTP_X_EVIL' }))).toContain(
      `${img}${script}`,
    );
    expect(await text(page.locator('#request pre'))).toContain(body);
    for (const where of [inspector.handle.url + '/', page.url()]) {
      await page.goto(where);
      expect(
        await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
      ).toBeUndefined();
      expect(await page.locator('main img, main script').count()).toBe(0);
    }
    expect(violations).toEqual([]);
  });

  it('shows hostile input to the compare view as text in the form and in every column', async () => {
    const page = await newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(inspector.handle.url + '/compare');
    const script = '<script>window.__xss=3</script>';
    const img = '"><img/src=x/onerror=window.__xss=4>';
    await page.locator('select[name=method]').selectOption('POST');
    await page.locator('input[name=path]').fill(`/echo/${script}${img}`);
    await page.locator('textarea[name=headers]').fill(`X-Evil: ${img}${script}`);
    await page.locator('textarea[name=body]').fill(`${script}${img}`);
    await Promise.all([page.waitForURL(/\/compare$/), page.locator('button[type=submit]').click()]);
    await page.locator('#comparison').waitFor({ timeout: 20_000 });
    expect(await page.locator('input[name=path]').inputValue()).toBe(`/echo/${script}${img}`);
    expect(await page.locator('textarea[name=headers]').inputValue()).toBe(
      `X-Evil: ${img}${script}`,
    );
    expect(await text(page.locator('h2', { hasText: 'POST' }))).toBe(`POST /echo/${script}${img}`);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('sends the strict Content-Security-Policy on every page', async () => {
    for (const path of ['/', '/x/0', '/compare', '/assets/inspector.js']) {
      const response = await fetch(inspector.handle.url + path);
      await response.arrayBuffer();
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy'), path).not.toContain('unsafe-inline');
    }
  });
});

if ('skipped' in found) {
  describe('inspector page in headless Chromium', () => {
    it.skip(`SKIPPED: no Chromium could be started (${found.skipped})`, () => {});
  });
}
