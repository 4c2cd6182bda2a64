/**
 * The RS-30 canary: an HTTP server on loopback that the `jku` / `x5u` headers
 * point at. A correct API never requests it; every request is recorded.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Canary {
  /** A URL on 127.0.0.1 nobody would guess, one per check: `http://127.0.0.1:41234/4f0c…/<check>/jwks.json`. */
  urlFor(check: string): string;
  /** Requests received so far for a check's URL: `GET /path`. */
  hitsFor(check: string): string[];
  /** Every request received so far. */
  readonly hits: readonly string[];
  close(): Promise<void>;
}

export async function startCanary(): Promise<Canary> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json', connection: 'close' }).end('{"keys":[]}');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  const secret = randomBytes(8).toString('hex');
  const pathFor = (check: string) => `/${secret}/${encodeURIComponent(check)}/jwks.json`;
  return {
    urlFor: (check) => `http://127.0.0.1:${port}${pathFor(check)}`,
    hitsFor: (check) => hits.filter((hit) => hit.endsWith(` ${pathFor(check)}`) || hit.includes(` ${pathFor(check)}?`)),
    hits,
    close,
  };
}
