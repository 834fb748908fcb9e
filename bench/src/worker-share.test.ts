// --workers spreads keep-alive connections evenly: 400 connections opened at once against busy
// workers (each connection keeps sending requests while the others are handed out, as under a
// benchmark), counted by the pid that answers each. node:cluster's own scheduling gave shares as
// uneven as 304 / 96 here; the primary's strict rotation must give each worker its share.
import { describe, expect, it } from 'vitest';
import { measureShare } from './worker-share.ts';

describe('connection share per worker', () => {
  for (const workers of [2, 4]) {
    it(`--workers ${workers}: 400 busy connections, an even share each`, async () => {
      const share = await measureShare(workers, 400, { busy: true });
      console.log(`--workers ${workers}: per worker ${share.perWorker.join(' / ')}`);
      expect(share.perWorker).toHaveLength(workers);
      expect(share.perWorker.reduce((a, b) => a + b, 0)).toBe(400);
      expect(Math.max(...share.perWorker) - Math.min(...share.perWorker)).toBeLessThanOrEqual(1);
    }, 60_000);
  }
});
