// `req.url` for a bridged request. Node hands frameworks the request-target exactly as the client
// sent it, percent-encoding untouched, so at the root the URL is REQUEST_URI itself, byte for byte.
// Under a mount point (a dispatcher moved leading segments into SCRIPT_NAME, SPEC 7) the app sees
// the path below the mount, as Express shows a mounted sub-app. The gateway's `targetBelowMount`
// defines that path once, for both bridges and for `mount()` itself.
import type { Environ } from '@gateway-interop/gateway';
import { encodePath, rawPathBelowMount, rawPathOf, targetBelowMount } from '@gateway-interop/gateway/http';

/** The URL a node handler sees in `req.url` for this environ. */
export function requestUrl(environ: Environ): string {
  // Asterisk-form stays `*`, as node's own server gives it.
  return environ.REQUEST_URI === '*' && environ.PATH_INFO === '*' ? '*' : targetBelowMount(environ);
}

/**
 * What Express and Connect keep as `req.originalUrl` and `req.baseUrl` under a mount point: the
 * target as sent, and the raw part of its path that spelled SCRIPT_NAME (`/express`), as they
 * would be had the framework mounted the app itself (`app.use('/express', router)`).
 */
export function mountedUrls(environ: Environ, url: string): { originalUrl: string; baseUrl: string } {
  const uri = environ.REQUEST_URI;
  const below = rawPathBelowMount(environ);
  const rawPath = rawPathOf(uri);
  const baseUrl = below !== undefined ? rawPath.slice(0, rawPath.length - below.length) : encodePath(environ.SCRIPT_NAME);
  const originalUrl = uri.charCodeAt(0) === 0x2f ? uri : baseUrl + url;
  return { originalUrl, baseUrl };
}
