// The `Date` header value (RFC 9110 §5.6.7, IMF-fixdate), made at most once a second: every
// response carries it, and formatting a date per request would be wasted work.
let cachedSecond = -1;
let cachedValue = '';

/** IMF-fixdate for the current second, e.g. `Sat, 21 Nov 2026 07:04:28 GMT`. */
export function httpDate(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    // toUTCString already produces IMF-fixdate: day-name, DD Mon YYYY HH:MM:SS GMT.
    cachedValue = new Date(second * 1000).toUTCString();
  }
  return cachedValue;
}
