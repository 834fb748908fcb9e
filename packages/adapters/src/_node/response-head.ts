// The response head as the gateway wants it, from the fields node would write: `status` and the
// header list, without what belongs to the server: connection management and framing fields (SPEC
// 3.4, RFC 9110 §7.6.1), which node adds on its own for a keep-alive socket. node-internals.ts
// feeds it field by field, in node's order, as node's _storeHeader serializes them; nothing is
// parsed back from a serialized head (see node-internals.ts for what that saves).
import type { HeaderList } from '@gateway-interop/gateway';
import { HOP_BY_HOP, reasonPhrase, statusText } from '@gateway-interop/gateway/http';

/** `'200 OK'`: code, one space, reason phrase (SPEC 3.1); an empty phrase is filled in from the code. */
export function statusOf(code: number, message: string | undefined): string {
  return statusText(code, message || reasonPhrase(code));
}

const isSpace = (code: number): boolean => code === 0x20 || code === 0x09;

/** The value without surrounding spaces and tabs: the gateway wants it so (SPEC 3.2). */
function trimmed(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isSpace(value.charCodeAt(start))) start++;
  while (end > start && isSpace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** The header list of one response, built one field line at a time. */
export class HeadFields {
  readonly #list: HeaderList = [];
  /** The head as node would have serialized it (its `_header`), for code that reads that. */
  text: string;
  #named: Set<string> | undefined; // fields a Connection field declares hop-by-hop

  constructor(firstLine: string) {
    this.text = firstLine;
  }

  /** One field line, `name: value`; `lower` is the name lower-cased, or '' when it cannot be hop-by-hop. */
  add(name: string, lower: string, value: string): void {
    this.text += name + ': ' + value + '\r\n';
    if (lower !== '' && HOP_BY_HOP.has(lower)) {
      // A Connection field names further fields that are hop-by-hop for this message (RFC 9110 §7.6.1).
      if (lower === 'connection') for (const token of value.split(',')) (this.#named ??= new Set()).add(trimmed(token).toLowerCase());
      return;
    }
    this.#list.push([name, trimmed(value)]);
  }

  /** The list for startResponse. */
  list(): HeaderList {
    const named = this.#named;
    return named === undefined ? this.#list : this.#list.filter(([name]) => !named.has(name.toLowerCase()));
  }
}
