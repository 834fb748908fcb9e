// The inspector page as a gateway app, over real sockets and without a browser: the security
// headers on every answer, escaping in the server-rendered pages, the event stream, the compare
// form's cross-site refusal. (The page in a browser: tests/inspector.)
import http from 'node:http';
import { RawClient } from '../testing/raw-client.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../server/server.ts';
import type { ServeHandle } from '../server/server.ts';
import type { App } from '../types.ts';
import { CSP, inspectorApp } from './inspector-app.ts';
import { Recorder } from './recorder.ts';

const open: ServeHandle[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['hi'];
};

async function setup(): Promise<{ app: ServeHandle; page: ServeHandle; recorder: Recorder }> {
  const recorder = new Recorder();
  const app = await serve(hello, { port: 0, accessLog: false, inspect: recorder });
  const page = await serve(
    inspectorApp({
      recorder,
      columns: [{ name: 'hello', place: { host: '127.0.0.1', port: app.port, prefix: '' } }],
    }),
    {
      port: 0,
      accessLog: false,
      shutdownTimeoutMs: 100,
    },
  );
  open.push(app, page);
  return { app, page, recorder };
}

/** A request with a raw target (fetch would normalise it). */
async function rawGet(port: number, target: string, headers = ''): Promise<string> {
  const client = await RawClient.connect(port);
  try {
    await client.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`);
    await client.waitForEnd();
    return client.bytes.toString('utf8');
  } finally {
    client.close();
  }
}

describe('inspectorApp', () => {
  it('sends the strict CSP and nosniff on pages, assets and errors', async () => {
    const { page } = await setup();
    for (const path of [
      '/',
      '/compare',
      '/assets/inspector.js',
      '/assets/inspector.css',
      '/x/99',
      '/nowhere',
    ]) {
      const response = await fetch(page.url + path);
      await response.arrayBuffer();
      expect(response.headers.get('content-security-policy'), path).toBe(CSP);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    expect(CSP).not.toMatch(/unsafe|\*/);
  });

  it('escapes what a client sent in the list and the exchange view', async () => {
    const { app, page } = await setup();
    await rawGet(
      app.port,
      '/<script>alert(1)</script>"><img/src=x/onerror=alert(2)>',
      'X-Evil: "><b>bold</b>\r\n',
    );
    const list = await (await fetch(page.url + '/')).text();
    expect(list).toContain(
      '/&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img/src=x/onerror=alert(2)&gt;',
    );
    expect(list).not.toContain('<script>alert');
    const view = await (await fetch(page.url + '/x/0')).text();
    expect(view).toContain('&quot;&gt;&lt;b&gt;bold&lt;/b&gt;');
    expect(view).not.toMatch(/<script>alert|<img|<b>bold/);
  });

  it('streams each finished exchange as a Server-Sent Event', async () => {
    const { app, page } = await setup();
    const event = await new Promise<string>((resolve, reject) => {
      const request = http.get(page.url + '/events', (response) => {
        expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          if (text.startsWith('retry:') && text.length === 'retry: 1000\n\n'.length)
            void fetch(app.url + '/sse-test').then((r) => r.arrayBuffer());
          const at = text.indexOf('event: exchange');
          if (at !== -1 && text.indexOf('\n\n', at) !== -1) {
            request.destroy();
            resolve(text.slice(at));
          }
        });
      });
      request.on('error', reject);
    });
    const data = JSON.parse(/^data: (.*)$/m.exec(event)![1]!) as {
      id: number;
      target: string;
      status: number;
    };
    expect(data).toMatchObject({ id: 0, target: '/sse-test', status: 200 });
  });

  it('refuses a compare form posted from another site', async () => {
    const { page } = await setup();
    const form = new URLSearchParams({ method: 'GET', path: '/', headers: '', body: '' });
    const cross = await fetch(page.url + '/compare', {
      method: 'POST',
      body: form,
      headers: { Origin: 'http://evil.example' },
    });
    expect(cross.status).toBe(403);
    await cross.arrayBuffer();
    const same = await fetch(page.url + '/compare', {
      method: 'POST',
      body: form,
      headers: { Origin: page.url },
    });
    expect(same.status).toBe(200);
    expect(await same.text()).toContain('<table id="comparison">');
  });
});
