// The error the validator throws, shared by its private modules. Every message opens with the
// SPEC.md rule number so a failing test points straight at the text that explains it.

/** A broken rule of SPEC.md, by the app or by the server; `rule` is like `'3.4'`. */
export class GatewaySpecError extends Error {
  readonly rule: string;

  constructor(rule: string, problem: string) {
    super(`SPEC rule ${rule}: ${problem}`);
    this.name = 'GatewaySpecError';
    this.rule = rule;
  }
}

export function fail(rule: string, problem: string): never {
  throw new GatewaySpecError(rule, problem);
}

/** A value as a message shows it: strings quoted, objects by their constructor. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'null-prototype'} object`;
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
