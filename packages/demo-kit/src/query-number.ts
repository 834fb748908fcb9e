// Reading a whole number from a query parameter the same way in every demo app, so that
// `/stream?n=lots` or `/binary?size=-1` gets the same 400 from each framework.

/**
 * `raw` (a query value as a framework hands it over) as a whole number: `fallback` when absent,
 * `undefined` when it is not decimal digits, is repeated, or is above `max`.
 */
export function queryNumber(raw: unknown, fallback: number, max: number): number | undefined {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value <= max ? value : undefined;
}
