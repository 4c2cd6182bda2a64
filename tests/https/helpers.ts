import { mkdtempSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';

/** A fresh MOCK_IDP_HOME: each test's CA lives in its own temporary directory. */
export const tempHome = (): string => mkdtempSync(join(tmpdir(), 'mock-idp-home-'));

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with node:https, trusting `ca` only (no system roots, no NODE_EXTRA_CA_CERTS). */
export function httpsGet(url: string, ca: string, options: RequestOptions & { body?: string } = {}): Promise<HttpsAnswer> {
  const { body, ...rest } = options;
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false, ...rest }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The certificate a TLS server presents (not verified: to read its names). */
export function peerCertificate(port: number, servername = 'localhost'): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}
