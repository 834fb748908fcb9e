// The inspector's compare view: a form for one request (method, path, headers, body), sent to every
// mounted app by compareAll — the engine of `gateway compare` — and the answers in columns, with
// the rows where apps disagree marked. A plain form POST, so it works with scripts off.
import type { Comparison } from '../compare/compare.ts';
import { asText } from '../compare/compare.ts';
import type { CompareRequest } from '../compare/exchange.ts';
import { html } from './html.ts';
import { layout } from './views.ts';
import { isToken } from '../http/vocabulary.ts';

export interface CompareForm {
  method: string;
  path: string;
  /** One `Name: value` per line. */
  headers: string;
  body: string;
}

export const EMPTY_FORM: CompareForm = { method: 'GET', path: '/hello', headers: '', body: '' };

/** The request the form describes, or a message saying what to fix. */
export function requestOf(form: CompareForm): CompareRequest | string {
  const method = form.method.trim().toUpperCase() || 'GET';
  if (!isToken(method)) return 'The method must be a token, e.g. GET or POST.';
  const path = form.path.trim() || '/';
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (!path.startsWith('/') || /[\s\x00-\x1f\x7f]/.test(path))
    return 'The path must start with / and hold no spaces or control characters.';
  const headers: Array<[string, string]> = [];
  for (const line of form.headers.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!isToken(name)) return `Each header line is "Name: value"; this one is not: ${line}`;
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  const request: CompareRequest = { method, path, headers };
  if (form.body !== '') request.body = Buffer.from(form.body, 'utf8');
  return request;
}

function cell(value: string | undefined): string {
  return value === undefined ? '—' : value;
}

export function comparePage(
  form: CompareForm,
  appCount: number,
  result?: Comparison | string,
): string {
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  const formHtml = html`<form method="post" action="/compare" id="compare-form">
    <div class="line">
      <label
        >Method
        <select name="method">
          ${methods.map((m) => html`<option${m === form.method ? html` selected` : ''}>${m}</option>`)}
        </select></label
      >
      <label class="grow">Path <input name="path" value="${form.path}" autocomplete="off" /></label>
    </div>
    <label
      ><span>Headers, one <code>Name: value</code> a line</span>
      <textarea name="headers" rows="3">${form.headers}</textarea>
    </label>
    <label>Body <textarea name="body" rows="3">${form.body}</textarea></label>
    <button type="submit">Send to all ${appCount} apps</button>
  </form>`;
  let answer = html``;
  if (typeof result === 'string') answer = html`<p class="error" id="compare-error">${result}</p>`;
  else if (result !== undefined) {
    const names = result.answers.map((a) => a.name);
    const body = result.rows.map((row) => {
      const values =
        row.kind === 'body'
          ? result.answers.map((a) =>
              a.error !== undefined
                ? `error: ${a.error}`
                : (asText(a.body) ?? `${a.body.length} bytes of binary`),
            )
          : row.values;
      return html`<tr class="${row.differs ? 'differs' : 'same'}">
        <th>
          <code>${row.label}</code
          >${row.origin !== 'app' ? html` <span class="origin server">${row.origin}</span>` : ''}
        </th>
        ${values.map((v) => html`<td><code>${cell(v)}</code></td>`)}
      </tr>`;
    });
    answer = html`<h2>${result.request.method} ${result.request.path}</h2>
      <p class="note">
        Rows marked <span class="differs-key">≠</span> differ between apps. Fields labelled
        <span class="origin server">server</span> or <span class="origin server">framing</span> are
        the gateway server's, not the app's.
      </p>
      <div class="scroll">
        <table id="comparison">
          <thead>
            <tr>
              <th></th>
              ${names.map((n) => html`<th>${n}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${body}
          </tbody>
        </table>
      </div>`;
  }
  return layout(
    'gateway inspector: compare',
    html`<h1>Compare</h1>
      <p class="note">
        One request, sent to every mounted app by the same engine as <code>gateway compare</code>.
      </p>
      ${formHtml}${answer}`,
  );
}
