import type { IncomingMessage } from 'node:http';
import { normalizeAddress } from '../core/brute-force.js';

/**
 * The caller's address, as brute-force protection counts it: the socket's.
 * Behind a trusted proxy (`trustProxy`, Koa's `app.proxy`) every socket is the
 * proxy's, so the last X-Forwarded-For entry counts, the one the proxy added
 * (earlier entries are whatever the client sent), as the admin guard reads it.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((a) => a.trim()).filter(Boolean).at(-1);
    if (last) return normalizeAddress(last.replace(/^\[(.*)\]$/, '$1'));
  }
  return normalizeAddress(req.socket.remoteAddress);
}
