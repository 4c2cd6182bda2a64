import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { rootCertificates } from 'node:tls';
import type { Ca } from './ca.js';
import { writeFileAtomic } from './atomic-write.js';
import { TlsError } from './errors.js';

/**
 * Writes `<home>/ca/ca-bundle.pem` and returns its path: Node's bundled roots, the file that
 * NODE_EXTRA_CA_CERTS names now (if any), and the mock CA. NODE_EXTRA_CA_CERTS takes one file,
 * so a user who already points it at one needs both in a single file; the bundled roots make the
 * same file usable where a bundle replaces the trust store (SSL_CERT_FILE, curl --cacert).
 */
export async function caBundle(home: string, ca: Ca, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = join(home, 'ca', 'ca-bundle.pem');
  const parts = [...rootCertificates];
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra && ![path, ca.certPath].map((p) => resolve(p)).includes(resolve(extra))) {
    try {
      parts.push((await readFile(extra, 'utf8')).trim());
    } catch (error) {
      throw new TlsError(
        'ERR_TLS_EXTRA_CA_UNREADABLE',
        `NODE_EXTRA_CA_CERTS names ${extra}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}), so it cannot be kept in the CA bundle`,
        { cause: error },
      );
    }
  }
  parts.push(ca.certPem.trim());
  await writeFileAtomic(path, `${parts.join('\n')}\n`);
  return path;
}
