// The nginx configuration for the gateway behind a reverse proxy, from one source: the README's
// "Deploying" section prints `siteConfig(README_SITE)` (`npx pnpm --filter proxy config`), and the
// proxy test runs nginx with `nginxConfig(...)`, which wraps the very same `siteConfig`.

export interface Listener {
  /** `host:port` as nginx's `listen` takes it, e.g. `127.0.0.1:8080` or `[::1]:8443`. */
  address: string;
  /** Terminate TLS here with this certificate and key (PEM files). */
  tls?: { certificate: string; key: string };
}

export interface Site {
  listeners: Listener[];
  /** The gateway servers, `host:port`. */
  backends: string[];
  /** Idle keep-alive connections each nginx worker keeps open to the backends. */
  keepalive: number;
}

/** The example the README shows: two gateway servers on this machine behind nginx on port 80. */
export const README_SITE: Site = {
  listeners: [{ address: '80' }],
  backends: ['127.0.0.1:8001', '127.0.0.1:8002'],
  keepalive: 16,
};

/** The `upstream`, `map` and `server` blocks: what goes in /etc/nginx/conf.d/gateway.conf. */
export function siteConfig(site: Site): string {
  const listen = site.listeners.flatMap((l) =>
    l.tls
      ? [
          `    listen ${l.address} ssl;`,
          `    ssl_certificate ${l.tls.certificate};`,
          `    ssl_certificate_key ${l.tls.key};`,
        ]
      : [`    listen ${l.address};`],
  );
  return `upstream gateway {
${site.backends.map((b) => `    server ${b};`).join('\n')}
    keepalive ${site.keepalive};  # idle connections to the backends, kept open per nginx worker
}

# RFC 7239 writes an IPv6 address quoted and in brackets: for="[::1]".
map $remote_addr $forwarded_for {
    ~:       '"[$remote_addr]"';
    default  $remote_addr;
}

server {
${listen.join('\n')}

    location / {
        proxy_pass http://gateway;
        proxy_http_version 1.1;          # upstream keep-alive needs HTTP/1.1
        proxy_set_header Connection "";  # and no "Connection: close" from nginx
        proxy_set_header Host $http_host;
        # nginx is the first hop, so it overwrites (never appends to) what the client claims.
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Forwarded "for=$forwarded_for;proto=$scheme";
        proxy_request_buffering off;     # uploads reach the app as they arrive
        proxy_buffering off;             # responses reach the client as the app writes them
        client_max_body_size 0;          # the gateway's --max-body-bytes is the limit
    }
}
`;
}

/**
 * A whole nginx.conf that runs in the foreground with everything under `prefix` (pid, logs,
 * temporary files), so a test can start it without touching /etc/nginx or /var.
 */
export function nginxConfig(site: Site, prefix: string): string {
  const indented = siteConfig(site)
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? '' : `    ${line}`))
    .join('\n');
  return `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;

events {
    worker_connections 1024;
}

http {
    access_log off;
    client_body_temp_path ${prefix}/client-body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;

${indented}
}
`;
}
