// The page at `/` of `gateway compare --serve`: every mounted app with links to its routes, and the
// commands that compare them, so a workshop room can open one URL and click through. Written as a
// gateway app itself; everything on it is escaped, and a strict CSP forbids any script.
import { createHash } from 'node:crypto';
import type { App } from '../types.ts';

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}main{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:1rem}section{border:1px solid #ccc;border-radius:6px;padding:0 1rem}code,pre{font:14px ui-monospace,monospace;overflow-wrap:anywhere}`;
/** The one inline style the page has, allowed by its hash; nothing else may load or run. */
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'`;

export interface IndexEntry {
  prefix: string;
  /** What is mounted there (a module spec or a folder). */
  what: string;
  /** Routes below the prefix to link, e.g. `/hello`; empty links the prefix alone. */
  routes: readonly string[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function indexPage(entries: readonly IndexEntry[]): App {
  const sections = entries
    .map((entry) => {
      const links = (entry.routes.length > 0 ? entry.routes : ['/']).map((route) => {
        const href = escapeHtml(entry.prefix + route);
        return `<li><a href="${href}">${href}</a></li>`;
      });
      return `<section><h2>${escapeHtml(entry.prefix || '/')}</h2><p><code>${escapeHtml(entry.what)}</code></p><ul>${links.join('')}</ul></section>`;
    })
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>gateway compare: ${entries.length} apps on one port</title>
<style>${STYLE}</style></head><body>
<h1>${entries.length} apps, one gateway server</h1>
<p>Every app below is served by the same HTTP/1.1 server through the same interface. Compare their answers to one request from a terminal:</p>
<pre>npx pnpm compare GET /hello
npx pnpm compare POST /echo -d 'hi' -H 'Content-Type: text/plain'</pre>
<main>
${sections}
</main>
</body></html>
`;
  return (environ, startResponse) => {
    if (environ.PATH_INFO !== '/' && environ.PATH_INFO !== '') {
      startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
      return ['Not Found\n'];
    }
    startResponse('200 OK', [
      ['Content-Type', 'text/html; charset=utf-8'],
      ['Content-Security-Policy', CSP],
      ['X-Content-Type-Options', 'nosniff'],
    ]);
    return [html];
  };
}
