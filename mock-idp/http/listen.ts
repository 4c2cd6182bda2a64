import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListenError } from '../core/errors.js';

export { ListenError };

/** How long close() lets requests in flight finish before it cuts their connections. */
export const CLOSE_GRACE_MS = 5_000;

/** Servers being closed: each answer they finish closes its connection instead of keeping it alive. */
const closing = new WeakSet<Server>();
/** A server certificate (PEM) and its private key: `listen` then serves HTTPS on the same port. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

export interface Listening {
  port: number;
  /** `http://<host>:<port>` (`https://` with TLS) as clients should call it (`localhost` stays `localhost`). */
  url: string;
  /** Addresses actually bound, e.g. `127.0.0.1:4000` and `[::1]:4000`. */
  addresses: string[];
  close(): Promise<void>;
}

async function bind(handler: RequestListener, host: string, port: number, tls: TlsCredentials | undefined): Promise<Server> {
  // node:https (and node:tls under it) only when serving TLS.
  const server = tls ? (await import('node:https')).createServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);
  return new Promise((resolve, reject) => {
    server.keepAliveTimeout = 5_000;
    server.on('request', (_req, res) => {
      res.once('finish', () => {
        if (closing.has(server)) server.closeIdleConnections();
      });
    });
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host.includes(':') }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * Stops accepting, lets the requests in flight finish (each connection closes once its answer is sent)
 * and, after `graceMs`, cuts whatever is still open.
 */
function closeAll(servers: Server[], graceMs = CLOSE_GRACE_MS): Promise<void> {
  return Promise.all(servers.map((s) => new Promise<void>((resolve) => {
    closing.add(s);
    const cut = setTimeout(() => s.closeAllConnections(), graceMs);
    s.close(() => {
      clearTimeout(cut);
      resolve();
    });
    s.closeIdleConnections();
  }))).then(() => undefined);
}

/**
 * Listens on loopback only. `localhost` binds both 127.0.0.1 and ::1 on the
 * same port (whichever `localhost` resolves to, the issuer URL works); any
 * other host is bound as given. Port 0 picks a free port. With `tls`, every
 * address serves HTTPS with that certificate instead of HTTP.
 */
export async function listen(handler: RequestListener, host: string, port: number, tls?: TlsCredentials): Promise<Listening> {
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
  const servers: Server[] = [];
  let actual = port;
  for (const [i, h] of hosts.entries()) {
    try {
      const server = await bind(handler, h, actual, tls);
      actual = (server.address() as AddressInfo).port;
      servers.push(server);
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException;
      const optionalIpv6 = i > 0 && (err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT');
      if (optionalIpv6) continue;
      await closeAll(servers);
      if (err.code === 'EADDRINUSE') throw new ListenError('ERR_PORT_IN_USE', `port ${actual} is already in use on ${h}: stop what holds it or choose another port`);
      throw new ListenError('ERR_LISTEN', `cannot listen on ${h}:${actual}: ${err.message}`);
    }
  }
  return {
    port: actual,
    url: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    addresses: servers.map((s) => {
      const a = s.address() as AddressInfo;
      return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
    }),
    close: () => closeAll(servers),
  };
}
