// Pins the undici internals the fetch bridge's fast path relies on (see undici-internals.ts and
// docs/internals.md), so a Node upgrade that changes one fails here, by name and version, rather
// than as a slower bridge or a handler that breaks under `new Request(request)`.
import { describe, expect, test } from 'vitest';
import {
  bodySource,
  bodySourceKnown,
  forwardSlots,
  requestSlots,
  responseSlots,
  withGlobalResponse,
} from './undici-internals.ts';

const versions = `undici ${process.versions.undici ?? '?'} (Node ${process.version})`;

/** The message a failed pin shows: which internal, on which version, and what it costs. */
const gone = (internal: string, consequence: string): string =>
  `${versions}: ${internal} is not what undici-internals.ts expects. ${consequence} See docs/internals.md.`;

const descriptions = (slots: symbol[]): Array<string | undefined> =>
  slots.map((slot) => slot.description);

describe('undici internals', () => {
  test('Response[Symbol(state)].body.source holds what the Response was made from', () => {
    expect(
      bodySourceKnown,
      gone(
        'Response[Symbol(state)].body.source',
        'bodySource() now answers undefined and the bridge reads every body through its stream (about 5 µs a request slower, still correct).',
      ),
    ).toBe(true);
    const bytes = new Uint8Array([1, 2, 3]);
    expect(bodySource(new Response('text'))).toBe('text');
    expect(bodySource(new Response(bytes))).toEqual(bytes);
    // Only while the stream is untouched: what a reader took is no longer in the source.
    const read = new Response('text');
    void read.body?.getReader().read();
    expect(bodySource(read)).toBeUndefined();
  });

  test('every Request has symbol slots, Symbol(state) among them, that undici reads', () => {
    const slots = requestSlots();
    expect(
      descriptions(slots),
      gone(
        'Request[Symbol(state)]',
        'new Request(facade) no longer sees through the lazy request.',
      ),
    ).toContain('state');
    // What the lazy request relies on: undici's Request constructor reads the slots of a Request
    // it is given, so a facade that forwards them is taken as the real one.
    const real = new Request('http://example.test/path?q', {
      method: 'POST',
      headers: { 'x-a': '1' },
      body: 'hi',
    });
    class Facade {}
    forwardSlots(Facade.prototype, slots, () => real);
    Object.setPrototypeOf(Facade.prototype, Request.prototype);
    const copy = new Request(new Facade() as unknown as Request);
    expect(
      { url: copy.url, method: copy.method, header: copy.headers.get('x-a') },
      gone(
        'new Request(request) reading the slots of its argument',
        'A handler that copies the request (Hono body-limit) gets an empty one.',
      ),
    ).toEqual({ url: 'http://example.test/path?q', method: 'POST', header: '1' });
  });

  test('every Response has symbol slots, Symbol(state) among them', () => {
    const slots = responseSlots();
    expect(
      descriptions(slots),
      gone(
        'Response[Symbol(state)]',
        'undici code reading a light response’s slots finds nothing.',
      ),
    ).toContain('state');
    const real = new Response('x', { status: 201 });
    class Light {}
    forwardSlots(Light.prototype, slots, () => real);
    const state = slots.find((slot) => slot.description === 'state')!;
    expect(Reflect.get(new Light(), state)).toBe(Reflect.get(real, state));
  });

  test('the global Response is undici’s own class and can be swapped and put back', () => {
    const Native = globalThis.Response;
    expect(
      Object.getPrototypeOf(Native),
      gone(
        'globalThis.Response as a base class',
        'withGlobalResponse leaves the global alone and no light response is made.',
      ),
    ).toBe(Function.prototype);
    class Light {}
    expect(withGlobalResponse(Light, () => globalThis.Response, undefined, undefined)).toBe(Light);
    expect(globalThis.Response).toBe(Native);
    expect(() =>
      withGlobalResponse(
        Light,
        () => {
          throw new Error('handler failed');
        },
        undefined,
        undefined,
      ),
    ).toThrow('handler failed');
    expect(globalThis.Response).toBe(Native);
  });
});
