// Safe-by-default HTML for the inspector's pages. Everything the pages show came from a client and
// is hostile, so the `html` template escapes every value put into it (with escape-html, the
// library Express uses); only a fragment already made by `html` goes in as it is.
import escapeHtml from 'escape-html';

/** A fragment of HTML made by `html`, safe to put into another. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly Value[]).map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: each `${}` is escaped unless it is itself an Html fragment. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/**
 * Bytes as text with the protocol's invisible characters made visible: CR as `\r`, LF as `\n` (and
 * a line break after it), other control bytes as `\xNN`, each marker in a `<span class="ctl">` so
 * it reads apart from the bytes themselves. Latin-1, so each byte is one character; escaped.
 */
export function visibleBytes(bytes: Uint8Array): Html {
  let out = '';
  let run = '';
  const marker = (text: string): void => {
    out += escapeHtml(run) + `<span class="ctl">${text}</span>`;
    run = '';
  };
  for (const byte of bytes) {
    if (byte === 0x0d) marker('\\r');
    else if (byte === 0x0a) {
      marker('\\n');
      out += '\n';
    } else if (byte < 0x20 || byte === 0x7f) marker(`\\x${byte.toString(16).padStart(2, '0')}`);
    else run += String.fromCharCode(byte);
  }
  return new Html(out + escapeHtml(run));
}
