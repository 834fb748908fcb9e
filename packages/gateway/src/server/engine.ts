// Which engine serves: the plain reference code, or the fast path with its speed tricks. Every
// trick lives in its own `_`-module behind a reference implementation that is obviously correct;
// this module names the tricks and decides which are on. The server option `engine` decides, and
// without it the environment variable GATEWAY_ENGINE, so a whole test run or one bench server can
// be switched without touching code. `npx pnpm bench --only engine` measures what each buys.
//
//   GATEWAY_ENGINE=fast                      every trick (the default)
//   GATEWAY_ENGINE=reference                 none: the reference code only
//   GATEWAY_ENGINE=fast,-repeat-heads        every trick but one
//   GATEWAY_ENGINE=reference,+packet-clock   one trick alone

/** The speed tricks, each a `_`-module with its measured figure at its top. */
export const TRICKS = [
  /** http/_repeat-heads.ts: a head whose bytes repeat the previous one's is not read again. */
  'repeat-heads',
  /** environ/_environ-shape.ts: one generated object literal per sequence of header names. */
  'environ-shapes',
  /** cycle/_batched-output.ts: answers made while one packet is parsed leave in one write. */
  'batched-writes',
  /** cycle/_packet-clock.ts: the clock read once per packet, not once per use. */
  'packet-clock',
  /** adapters _fetch/lazy-request.ts: a Request whose parts are made only when read. */
  'light-request',
  /** adapters _fetch/light-response.ts: a Response that keeps the handler's body and fields as given. */
  'light-response',
] as const;

export type Trick = (typeof TRICKS)[number];
export type Engine = 'fast' | 'reference';
/** `fast`, `reference`, or either followed by `,+trick` / `,-trick` items. */
export type EngineChoice = Engine | `${Engine},${string}`;
/** Which tricks are on. */
export type Tricks = Readonly<Record<Trick, boolean>>;

export const ENGINE_VARIABLE = 'GATEWAY_ENGINE';

/** An engine choice that cannot be read; its message is one line that names the problem. */
export class EngineChoiceError extends Error {
  override name = 'EngineChoiceError';
}

/** The tricks `choice` turns on; without a choice, GATEWAY_ENGINE's, and without that, all. */
export function resolveEngine(choice?: EngineChoice): Tricks {
  const text = choice ?? process.env[ENGINE_VARIABLE] ?? 'fast';
  const where = choice === undefined ? `${ENGINE_VARIABLE}=${text}` : `engine '${text}'`;
  const [base = '', ...changes] = text.split(',').map((item) => item.trim());
  if (base !== 'fast' && base !== 'reference') {
    throw new EngineChoiceError(`${where}: the engine is 'fast' or 'reference', optionally followed by ,+trick or ,-trick`);
  }
  const tricks = Object.fromEntries(TRICKS.map((trick) => [trick, base === 'fast'])) as Record<Trick, boolean>;
  for (const change of changes) {
    const name = change.slice(1);
    if ((change[0] !== '+' && change[0] !== '-') || !(TRICKS as readonly string[]).includes(name)) {
      throw new EngineChoiceError(`${where}: '${change}' is not +trick or -trick; the tricks are ${TRICKS.join(', ')}`);
    }
    tricks[name as Trick] = change[0] === '+';
  }
  return tricks;
}

/** The name a report or a log shows for a set of tricks: `fast`, `reference`, or `fast,-repeat-heads`. */
export function engineName(tricks: Tricks): string {
  const on = TRICKS.filter((trick) => tricks[trick]);
  if (on.length === TRICKS.length) return 'fast';
  if (on.length === 0) return 'reference';
  return on.length * 2 >= TRICKS.length
    ? ['fast', ...TRICKS.filter((t) => !tricks[t]).map((t) => `-${t}`)].join(',')
    : ['reference', ...on.map((t) => `+${t}`)].join(',');
}
