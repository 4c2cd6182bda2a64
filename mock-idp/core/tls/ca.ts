import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { TlsError } from './errors.js';
import { ECDSA_P256, generateKeyPair, privateKeyPem, randomSerial, webCrypto } from './keys.js';

export const CA_SUBJECT = 'CN=mock-idp TEST CA (local development only), O=mock-idp';
const CA_YEARS = 5;
/** Backdated so a leaf is valid at once on a machine (or VM, container) whose clock is a little behind. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;

export interface Ca {
  /** The CA certificate file: what NODE_EXTRA_CA_CERTS, a browser or an OS trust store is pointed at. */
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly certificate: X509Certificate;
  /** Signs server certificates; never leaves this process except as ca-key.pem (mode 0600). */
  readonly privateKey: CryptoKey;
}

/**
 * The CA under `<home>/ca/`, created on first use and the same one ever after, since users
 * trust it once (NODE_EXTRA_CA_CERTS, a browser's store). A damaged CA is reported, never replaced:
 * replacing it would silently break every place the old one is trusted.
 */
export async function ensureCa(home: string): Promise<Ca> {
  const dir = join(home, 'ca');
  try {
    if (!(await exists(dir))) await createCa(home, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TlsError('ERR_TLS_HOME_UNUSABLE', `the mock-idp CA cannot be created in ${dir} (${code}): set MOCK_IDP_HOME to a directory you can write`, { cause: error });
  }
  return loadCa(dir);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Both files are written into a temporary directory that is then renamed to `ca/`:
 * the rename publishes the pair at once, and fails if another process published first,
 * whose CA the caller then loads.
 */
async function createCa(home: string, dir: string): Promise<void> {
  await mkdir(home, { recursive: true });
  const temp = join(home, `.ca-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(temp);
    const keys = await generateKeyPair();
    const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
    const notAfter = new Date(notBefore);
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_YEARS);
    const cert = await X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: randomSerial(),
        name: CA_SUBJECT,
        notBefore,
        notAfter,
        keys,
        signingAlgorithm: ECDSA_P256,
        extensions: [
          new BasicConstraintsExtension(true, 0, true),
          new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
          await SubjectKeyIdentifierExtension.create(keys.publicKey, false, webCrypto),
        ],
      },
      webCrypto,
    );
    await writeFile(join(temp, 'ca-key.pem'), privateKeyPem(keys.privateKey), { mode: 0o600 });
    await writeFile(join(temp, 'ca.pem'), `${cert.toString('pem')}\n`, { mode: 0o644 });
    try {
      await rename(temp, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTEMPTY/EEXIST on POSIX, EPERM on Windows: the other process's CA stands.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function loadCa(dir: string): Promise<Ca> {
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca-key.pem');
  const corrupt = (what: string, cause?: unknown): TlsError =>
    new TlsError(
      'ERR_TLS_CA_CORRUPT',
      `the mock-idp CA in ${dir} is unusable: ${what}. It is not replaced automatically, as it may be trusted somewhere; ` +
        `remove ${dir} to create a new CA, then trust the new ca.pem wherever the old one was trusted.`,
      cause === undefined ? undefined : { cause },
    );
  const read = async (path: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw corrupt(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
    }
  };
  const [certPem, keyPem] = [await read(certPath), await read(keyPath)];

  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (error) {
    throw corrupt(`${certPath} is not a PEM certificate (${(error as Error).message})`, error);
  }
  if (!certificate.getExtension(BasicConstraintsExtension)?.ca) throw corrupt(`${certPath} is not a CA certificate`);

  let privateKey: CryptoKey;
  try {
    const key = createPrivateKey(keyPem);
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    if (!spki.equals(Buffer.from(certificate.publicKey.rawData))) throw new Error('it does not match the certificate in ca.pem');
    privateKey = await webCrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), ECDSA_P256, false, ['sign']);
  } catch (error) {
    throw corrupt(`${keyPath} is not the CA's P-256 private key (${(error as Error).message})`, error);
  }

  if (certificate.notAfter.getTime() <= Date.now()) {
    throw new TlsError(
      'ERR_TLS_CA_EXPIRED',
      `the mock-idp CA in ${dir} expired on ${certificate.notAfter.toISOString()}: remove ${dir} to create a new CA, ` +
        'then trust the new ca.pem wherever the old one was trusted.',
    );
  }
  return { certPath, keyPath, certPem, certificate, privateKey };
}
