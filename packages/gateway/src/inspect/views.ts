// The inspector's pages, rendered on the server so that each reads with scripts off: the list of
// exchanges and one exchange drawn as the lesson draws it (raw request, environ, startResponse and
// writes, raw response with each field's origin, time per layer). All values go through `html`,
// which escapes them.
import { html, visibleBytes } from './html.ts';
import type { Html } from './html.ts';
import type { Exchange, Kept } from './recorder.ts';

/** The frame every page shares: one stylesheet, one module script, nothing inline (see CSP). */
export function layout(title: string, main: Html, options: { script?: boolean } = {}): string {
  return `<!doctype html>\n${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title}</title>
      <link rel="stylesheet" href="/assets/inspector.css" />
      ${options.script === false ? '' : html`<script type="module" src="/assets/inspector.js"></script>`}
    </head>
    <body>
      <header>
        <strong>gateway inspector</strong>
        <nav><a href="/">Exchanges</a> <a href="/compare">Compare</a></nav>
      </header>
      <main>${main}</main>
    </body>
  </html>`}\n`;
}

const ms = (value: number | undefined): string =>
  value === undefined ? '–' : `${value.toFixed(2)} ms`;

/** One row of the list; the page's script builds the same row from an SSE event. */
export function summaryOf(exchange: Exchange): {
  id: number;
  time: string;
  app: string;
  method: string;
  target: string;
  status: number;
  ms: string;
} {
  return {
    id: exchange.id,
    time: new Date(exchange.time).toISOString().slice(11, 23),
    app: exchange.app || '/',
    method: exchange.head.method,
    target: exchange.head.target,
    status: exchange.status,
    ms: ms(exchange.timings.lastByte),
  };
}

export function listPage(exchanges: readonly Exchange[]): string {
  const rows = [...exchanges].reverse().map((exchange) => {
    const s = summaryOf(exchange);
    return html`<tr>
      <td><a href="/x/${s.id}">#${s.id}</a></td>
      <td>${s.time}</td>
      <td>${s.app}</td>
      <td>${s.method}</td>
      <td class="target">${s.target}</td>
      <td>${s.status}</td>
      <td>${s.ms}</td>
    </tr>`;
  });
  return layout(
    'gateway inspector: exchanges',
    html`<h1>Exchanges</h1>
      <p id="live" class="note">
        The last 200 exchanges, newest first. New ones appear as they happen.
      </p>
      <div class="scroll">
        <table id="exchanges">
          <thead>
            <tr>
              <th>#</th>
              <th>time</th>
              <th>app</th>
              <th>method</th>
              <th>target</th>
              <th>status</th>
              <th>total</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>`,
  );
}

function keptNote(kept: Kept): Html | string {
  return kept.total > kept.bytes.length
    ? html`<p class="note">Cut: ${kept.bytes.length} of ${kept.total} bytes kept.</p>`
    : '';
}

export function exchangePage(exchange: Exchange): string {
  const t = exchange.timings;
  const layers: Array<[string, number | undefined, string]> = [
    ['parse', t.parse, 'first request byte → head parsed (server)'],
    ['environ', t.environ, 'head parsed → environ built (server)'],
    ['app', t.app, 'app called → startResponse (framework)'],
    ['first body byte', t.firstByte, 'app called → first body chunk (framework)'],
    ['last byte', t.lastByte, 'app called → last byte written (server)'],
  ];
  const timeline = [
    ...exchange.calls.map((call) => ({
      at: call.at,
      row: html`<tr>
        <td>${ms(call.at)}</td>
        <td>startResponse</td>
        <td>
          <code>${call.status}</code
          >${call.error ? html` <span class="error">error: ${call.error}</span>` : ''}
          <ul class="plain">
            ${call.headers.map(([n, v]) => html`<li><code>${n}: ${v}</code></li>`)}
          </ul>
        </td>
      </tr>`,
    })),
    ...exchange.chunks.map((chunk) => ({
      at: chunk.at,
      row: html`<tr>
        <td>${ms(chunk.at)}</td>
        <td>${chunk.via === 'write' ? 'write()' : 'body chunk'}</td>
        <td>
          ${chunk.bytes} bytes: <code>${visibleBytes(Buffer.from(chunk.first, 'latin1'))}</code>
        </td>
      </tr>`,
    })),
  ].sort((a, b) => a.at - b.at);
  const response = exchange.response;
  return layout(
    `gateway inspector: #${exchange.id} ${exchange.head.method} ${exchange.head.target}`,
    html`<h1>#${exchange.id} <code>${exchange.head.method} ${exchange.head.target}</code></h1>
      <p class="note">
        ${exchange.app ? html`app at <code>${exchange.app}</code>, ` : ''}from
        ${exchange.remote.address}:${exchange.remote.port}, status ${exchange.status || 'pending'},
        ${exchange.sent} body bytes sent.
      </p>
      <section id="timings">
        <h2>Time per layer</h2>
        <table>
          ${layers.map(
            ([name, value, what]) =>
              html`<tr>
                <th>${name}</th>
                <td>${ms(value)}</td>
                <td class="note">${what}</td>
              </tr>`,
          )}
        </table>
      </section>
      <section id="request">
        <h2>Raw request, as received</h2>
        <pre class="raw">${visibleBytes(exchange.request.bytes)}</pre>
        ${keptNote(exchange.request)}
      </section>
      <section id="environ">
        <h2>The environ the app got</h2>
        <p class="note">
          As the server built it and handed it to the app it serves; under <code>mount()</code> the
          mounted app then sees its prefix moved from <code>PATH_INFO</code> to
          <code>SCRIPT_NAME</code>.
        </p>
        <div class="scroll">
          <table>
            ${exchange.environ.map(
              ([key, value]) =>
                html`<tr>
                  <th><code>${key}</code></th>
                  <td><code>${value}</code></td>
                </tr>`,
            )}
          </table>
        </div>
      </section>
      <section id="timeline">
        <h2>startResponse and the body</h2>
        <div class="scroll">
          <table>
            <tr>
              <th>at</th>
              <th>step</th>
              <th>what</th>
            </tr>
            ${timeline.map((entry) => entry.row)}
          </table>
        </div>
        ${exchange.chunkCount > exchange.chunks.length ? html`<p class="note">${exchange.chunkCount} chunks in all; the first ${exchange.chunks.length} listed.</p>` : ''}
      </section>
      <section id="response">
        <h2>Raw response head, as written</h2>
        ${
          response === null
            ? html`<p class="note">No head written yet.</p>`
            : html`<pre class="raw">${visibleBytes(Buffer.from(response.raw, 'latin1'))}</pre>
                <div class="scroll">
                  <table id="fields">
                    <tr>
                      <th>field</th>
                      <th>value</th>
                      <th>written by</th>
                    </tr>
                    <tr>
                      <td colspan="2"><code>${response.statusLine}</code></td>
                      <td><span class="origin server">server</span> (status from the app)</td>
                    </tr>
                    ${response.fields.map(
                      (f) =>
                        html`<tr class="${f.origin}">
                          <td><code>${f.name}</code></td>
                          <td><code>${f.value}</code></td>
                          <td>
                            <span class="origin ${f.origin}"
                              >${f.origin === 'app' ? `app${exchange.app ? ` (${exchange.app})` : ''}` : 'server'}</span
                            >
                          </td>
                        </tr>`,
                    )}
                  </table>
                </div>`
        }
      </section>
      <section id="body">
        <h2>Body the app produced</h2>
        <pre class="raw">${visibleBytes(exchange.body.bytes)}</pre>
        ${keptNote(exchange.body)}
      </section>`,
  );
}
