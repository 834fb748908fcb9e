// The gateway behind a real reverse proxy: nginx (Debian's nginx-light), started here with the
// config nginx-config.ts generates (the same text the README's "Deploying" section shows), on
// loopback ports, in front of two gateway servers, one of them with --workers 2, upstream
// keep-alive on. Where nginx is missing the suite is reported as skipped, with the reason.
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bounded, request } from './client.ts';
import {
  canListenOn,
  findNginx,
  freePort,
  selfSignedCertificate,
  startBackend,
  startNginx,
} from './processes.ts';
import type { Backend, Nginx } from './processes.ts';

const nginxBinary = findNginx();
const skipReason = 'missing' in nginxBinary ? nginxBinary.missing : undefined;
if (skipReason !== undefined) console.warn(`proxy test SKIPPED: ${skipReason}`);

interface Who {
  pid: number;
  port: string;
  remote: string;
  scheme: string;
}

const TRUST = ['--trust-proxy', '127.0.0.1']; // nginx's address as the backends see it, and nothing else
const UPLOAD_BYTES = 200 * 1024 * 1024;

describe.skipIf(skipReason !== undefined)(
  skipReason ? `behind nginx: SKIPPED, ${skipReason}` : 'behind nginx',
  () => {
    let nginx: Nginx;
    let a: Backend; // one process, X-Forwarded-*
    let b: Backend; // --workers 2, RFC 7239 Forwarded
    let ipv6 = false;
    let httpUrl = '';
    let tlsUrl = '';
    let ca = '';
    const certDir = mkdtempSync(path.join(os.tmpdir(), 'gateway-nginx-cert-'));

    beforeAll(async () => {
      ipv6 = await canListenOn('::1');
      [a, b] = await Promise.all([
        startBackend('127.0.0.1', 0, TRUST),
        startBackend('127.0.0.1', 0, [
          ...TRUST,
          '--trust-proxy-header',
          'forwarded',
          '--workers',
          '2',
        ]),
      ]);
      const httpPort = await freePort('127.0.0.1');
      httpUrl = `http://127.0.0.1:${httpPort}`;
      const listeners = [{ address: `127.0.0.1:${httpPort}` }];
      const ports = [httpPort];
      const tls = ipv6 ? selfSignedCertificate(certDir) : undefined;
      if (tls) {
        const tlsPort = await freePort('::1');
        listeners.push({ address: `[::1]:${tlsPort}`, tls } as (typeof listeners)[number]);
        ports.push(tlsPort);
        tlsUrl = `https://[::1]:${tlsPort}`;
        ca = readFileSync(tls.certificate, 'utf8');
      }
      const site = {
        listeners,
        backends: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`],
        keepalive: 16,
      };
      nginx = await startNginx((nginxBinary as { path: string }).path, site, ports);
    });

    afterAll(async () => {
      await nginx?.stop();
      await Promise.all([a?.stop(), b?.stop()]);
      rmSync(certDir, { recursive: true, force: true });
    });

    const whoami = async (
      url: string,
      headers: Record<string, string> = {},
      agent?: http.Agent,
    ): Promise<Who> => {
      const reply = await request(url, { headers, agent, ca });
      expect(reply.status).toBe(200);
      return JSON.parse(reply.body) as Who;
    };
    const spoof = {
      'X-Forwarded-For': '203.0.113.9',
      'X-Forwarded-Proto': 'https',
      Forwarded: 'for=203.0.113.9;proto=https',
    };

    it('trust-proxy: the app sees the client and scheme nginx reports, never what the client claims', async (context) => {
      // Over plain HTTP from 127.0.0.1: nginx overwrites the client's claims with what it saw.
      const seen = new Map<string, Who>();
      for (let i = 0; i < 20 && seen.size < 2; i++) {
        const who = await whoami(`${httpUrl}/whoami`, spoof);
        seen.set(who.port, who);
      }
      expect([...seen.keys()].sort()).toEqual([String(a.port), String(b.port)].sort());
      for (const who of seen.values())
        expect(who).toMatchObject({ remote: '127.0.0.1', scheme: 'http' });

      if (!tlsUrl)
        return context.skip(
          'no IPv6 loopback or no openssl here: the client cannot differ from nginx',
        );
      // Over TLS from ::1: both backends, one reading X-Forwarded-*, one RFC 7239 Forwarded, see
      // the client's own address and https, which only nginx's headers could have told them.
      seen.clear();
      for (let i = 0; i < 20 && seen.size < 2; i++) {
        const who = await whoami(`${tlsUrl}/whoami`, spoof);
        seen.set(who.port, who);
      }
      expect(seen.size).toBe(2);
      for (const who of seen.values())
        expect(who).toMatchObject({ remote: '::1', scheme: 'https' });

      // A hop that is not a trusted proxy: the same claims sent straight to a backend from ::1.
      const direct = await startBackend('::1', 0, TRUST);
      try {
        expect(await whoami(`http://[::1]:${direct.port}/whoami`, spoof)).toMatchObject({
          remote: '::1',
          scheme: 'http',
        });
      } finally {
        await direct.stop();
      }
    });

    it('10,000 requests spread over both backends with 0 errors', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      const perPort = new Map<string, number>();
      const perWorker = new Map<number, number>();
      const errors: string[] = [];
      const started = performance.now();
      await bounded(10_000, 16, async () => {
        try {
          const reply = await request(`${httpUrl}/whoami`, { agent });
          if (reply.status !== 200) return void errors.push(`status ${reply.status}`);
          const who = JSON.parse(reply.body) as Who;
          perPort.set(who.port, (perPort.get(who.port) ?? 0) + 1);
          if (who.port === String(b.port))
            perWorker.set(who.pid, (perWorker.get(who.pid) ?? 0) + 1);
        } catch (error) {
          errors.push(String(error));
        }
      });
      const seconds = (performance.now() - started) / 1000;
      agent.destroy();
      console.log(
        `proxy: 10000 requests through nginx in ${seconds.toFixed(1)} s (${Math.round(10_000 / seconds)} req/s), ${errors.length} errors; ` +
          `backend A (1 process) ${perPort.get(String(a.port)) ?? 0}, backend B (--workers 2) ${perPort.get(String(b.port)) ?? 0} ` +
          `(${[...perWorker.values()].join(' + ')})`,
      );
      expect(errors).toEqual([]);
      expect([...perPort.values()].reduce((x, y) => x + y, 0)).toBe(10_000);
      expect(perPort.get(String(a.port))).toBeGreaterThan(2_000);
      expect(perPort.get(String(b.port))).toBeGreaterThan(2_000);
      expect(perWorker.size).toBe(2);
    });

    it('a streamed response (proxy_buffering off) arrives chunk by chunk: first byte long before the last', async () => {
      const reply = await request(`${httpUrl}/stream`);
      expect(reply.body).toBe([1, 2, 3, 4, 5].map((i) => `chunk ${i}\n`).join(''));
      console.log(
        `proxy: streamed response, first byte after ${reply.firstByteMs.toFixed(0)} ms, last after ${reply.lastByteMs.toFixed(0)} ms`,
      );
      // The app writes five chunks 200 ms apart; a buffering proxy would deliver them all at once.
      expect(reply.lastByteMs - reply.firstByteMs).toBeGreaterThan(600);
    });

    it('a 200 MB upload (proxy_request_buffering off) streams through without the backend holding it', async () => {
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      const body = Readable.from(
        (function* () {
          for (let sent = 0; sent < UPLOAD_BYTES; sent += chunk.length) yield chunk;
        })(),
      );
      const reply = await request(`${httpUrl}/upload`, {
        method: 'POST',
        headers: { 'Content-Length': String(UPLOAD_BYTES) },
        body,
      });
      expect(reply.status).toBe(200);
      const result = JSON.parse(reply.body) as {
        pid: number;
        bytes: number;
        rssBefore: number;
        peakRss: number;
      };
      const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);
      console.log(
        `proxy: 200 MB upload through nginx in ${(reply.lastByteMs / 1000).toFixed(2)} s ` +
          `(${mb(UPLOAD_BYTES / (reply.lastByteMs / 1000))} MB/s); backend RSS ${mb(result.rssBefore)} MB before, ` +
          `${mb(result.peakRss)} MB at most while reading`,
      );
      expect(result.bytes).toBe(UPLOAD_BYTES);
      // Streamed, not buffered whole: the backend grows by a small fraction of the body at most.
      expect(result.peakRss - result.rssBefore).toBeLessThan(64 * 1024 * 1024);
    });

    it('a backend restarted mid-load (SIGTERM drain) loses no request nginx had handed to it', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      const old = a;
      const errors: string[] = [];
      let stopAt = Infinity;
      let total = 0;
      let finishedByOldAfterStop = 0;
      const loadEnds = Date.now() + 5_000;
      const lane = async (slow: boolean): Promise<void> => {
        while (Date.now() < loadEnds) {
          try {
            const reply = await request(`${httpUrl}${slow ? '/slow' : '/whoami'}`, { agent });
            total++;
            if (reply.status !== 200) {
              errors.push(`status ${reply.status}`);
              continue;
            }
            const who = JSON.parse(reply.body) as Who;
            if (who.pid === old.pid && performance.now() > stopAt) finishedByOldAfterStop++;
          } catch (error) {
            errors.push(String(error));
          }
        }
      };
      const load = Promise.all(Array.from({ length: 16 }, (_, i) => lane(i % 4 === 0)));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      stopAt = performance.now();
      expect(await old.stop()).toBe(0); // drained, exit code 0
      a = await startBackend('127.0.0.1', old.port, TRUST); // the same port, a new process
      await load;
      agent.destroy();
      console.log(
        `proxy: graceful restart of backend A mid-load: ${total} requests, ${errors.length} errors; ` +
          `${finishedByOldAfterStop} answered by the draining process after its SIGTERM`,
      );
      expect(errors).toEqual([]);
      expect(finishedByOldAfterStop).toBeGreaterThan(0); // requests in flight at the SIGTERM completed
      // nginx counts the refused connections as a failure and rests the server for fail_timeout
      // (10 s), then sends it requests again: the new process.
      let servedByNew = false;
      for (const until = Date.now() + 20_000; !servedByNew && Date.now() < until;) {
        servedByNew = (await whoami(`${httpUrl}/whoami`)).pid === a.pid;
        if (!servedByNew) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(servedByNew).toBe(true);
    });
  },
);
