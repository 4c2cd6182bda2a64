import { execFile } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, get, type RequestOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import { KeyUsageFlags, KeyUsagesExtension } from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  caBundle,
  ensureCa,
  issueServerCertificate,
  mockIdpHome,
  TlsError,
  type Ca,
  type ServerCertificate,
} from '../../mock-idp/core/tls/index.js';

const root = mkdtempSync(join(tmpdir(), 'mock-idp-tls-'));
let n = 0;
const freshHome = (): string => join(root, `home-${++n}`);
afterAll(() => rm(root, { recursive: true, force: true }));

const DAY = 86_400_000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

async function expectTlsError(promise: Promise<unknown>, code: TlsError['code']): Promise<TlsError> {
  const error = await promise.then(
    () => expect.unreachable('expected a TlsError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TlsError);
  expect((error as TlsError).code).toBe(code);
  return error as TlsError;
}

interface Served {
  port: number;
  close(): Promise<void>;
}

function serve({ cert, key }: ServerCertificate, host: string): Promise<Served> {
  const server = createServer({ cert, key }, (_req, res) => res.end('ok'));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}

/** Resolves with the status code; rejects with the TLS error (its `code` says why). */
function request(options: RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ agent: false, path: '/', ...options }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject);
  });
}

describe('mockIdpHome', () => {
  it('is MOCK_IDP_HOME when set, else ~/.mock-idp', () => {
    expect(mockIdpHome({ MOCK_IDP_HOME: '/srv/idp' })).toBe('/srv/idp');
    expect(mockIdpHome({})).toBe(join(homedir(), '.mock-idp'));
  });
});

describe('ensureCa', () => {
  it('creates a TEST CA once, in a directory it creates, with the key readable by its owner only', async () => {
    const home = join(freshHome(), 'nested');
    const ca = await ensureCa(home);
    expect(ca.certPath).toBe(join(home, 'ca', 'ca.pem'));
    expect((await stat(ca.keyPath)).mode & 0o777).toBe(0o600);

    const cert = new X509Certificate(await readFile(ca.certPath));
    expect(cert.subject).toContain('CN=mock-idp TEST CA (local development only)');
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(ca.certificate.getExtension(KeyUsagesExtension)!.usages).toBe(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign);
    const years = (Date.parse(cert.validTo) - Date.now()) / (365 * DAY);
    expect(years).toBeGreaterThan(4);
    expect(years).toBeLessThan(6);

    const again = await ensureCa(home);
    expect(again.certPem).toBe(ca.certPem);
    expect(await readFile(again.keyPath, 'utf8')).toBe(await readFile(ca.keyPath, 'utf8'));
  });

  it('creates one CA when several callers race to create it, and leaves no temporary files', async () => {
    const home = freshHome();
    const cas = await Promise.all([1, 2, 3, 4].map(() => ensureCa(home)));
    expect(new Set(cas.map((ca) => ca.certPem)).size).toBe(1);
    expect(cas[0]!.certPem).toBe(await readFile(join(home, 'ca', 'ca.pem'), 'utf8'));
    expect((await readdir(home)).sort()).toEqual(['ca']);
    expect((await readdir(join(home, 'ca'))).sort()).toEqual(['ca-key.pem', 'ca.pem']);
  });

  it('reports a corrupt ca.pem with ERR_TLS_CA_CORRUPT and leaves the file as it was', async () => {
    const home = freshHome();
    const { certPath } = await ensureCa(home);
    await writeFile(certPath, '-----BEGIN CERTIFICATE-----\nnot base64 DER\n-----END CERTIFICATE-----\n');
    const error = await expectTlsError(ensureCa(home), 'ERR_TLS_CA_CORRUPT');
    expect(error.message).toContain(certPath);
    expect(await readFile(certPath, 'utf8')).toContain('not base64 DER');
  });

  it('reports a half-written ca.pem, a missing key and a key of another CA as ERR_TLS_CA_CORRUPT', async () => {
    const home = freshHome();
    const { certPath, certPem, keyPath } = await ensureCa(home);
    await writeFile(certPath, certPem.slice(0, certPem.length / 2));
    await expectTlsError(ensureCa(home), 'ERR_TLS_CA_CORRUPT');

    await writeFile(certPath, certPem);
    const key = await readFile(keyPath);
    await rm(keyPath);
    await expectTlsError(ensureCa(home), 'ERR_TLS_CA_CORRUPT');

    const other = await ensureCa(freshHome());
    await writeFile(keyPath, await readFile(other.keyPath));
    const error = await expectTlsError(ensureCa(home), 'ERR_TLS_CA_CORRUPT');
    expect(error.message).toMatch(/does not match/);

    await writeFile(keyPath, key);
    expect((await ensureCa(home)).certPem).toBe(certPem);
  });

  it('issues no certificate outliving the CA, and reports an expired CA with ERR_TLS_CA_EXPIRED', async () => {
    const home = freshHome();
    const ca = await ensureCa(home);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(ca.certificate.notAfter.getTime() - 10 * DAY);
      const leaf = new X509Certificate((await issueServerCertificate(ca)).cert);
      expect(Date.parse(leaf.validTo)).toBe(Math.floor(ca.certificate.notAfter.getTime() / 1000) * 1000);
      vi.setSystemTime(ca.certificate.notAfter.getTime() + DAY);
      await expectTlsError(ensureCa(home), 'ERR_TLS_CA_EXPIRED');
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports an existing but empty ca directory as ERR_TLS_CA_CORRUPT rather than filling it', async () => {
    const home = freshHome();
    await mkdir(join(home, 'ca'), { recursive: true });
    await expectTlsError(ensureCa(home), 'ERR_TLS_CA_CORRUPT');
  });
});

describe('issueServerCertificate', () => {
  let ca: Ca;
  let caCert: X509Certificate;
  beforeAll(async () => {
    ca = await ensureCa(freshHome());
    caCert = new X509Certificate(ca.certPem);
  });

  it('covers the loopback names and the extra names as DNS and IP entries, for serverAuth, for at most 397 days', async () => {
    const { cert } = await issueServerCertificate(ca, ['idp.mock.test', '10.1.2.3', '[fd00::7]', 'Localhost', '0:0::1']);
    const leaf = new X509Certificate(cert);
    expect(leaf.subjectAltName!.split(', ')).toEqual([
      'DNS:localhost',
      'IP Address:127.0.0.1',
      'IP Address:0:0:0:0:0:0:0:1',
      'DNS:idp.mock.test',
      'IP Address:10.1.2.3',
      'IP Address:FD00:0:0:0:0:0:0:7',
    ]);
    expect(leaf.checkHost('idp.mock.test')).toBe('idp.mock.test');
    expect(leaf.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.keyUsage).toEqual([SERVER_AUTH]);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)).toBeLessThanOrEqual(397 * DAY);
    expect(Date.parse(leaf.validFrom)).toBeLessThan(Date.now());
  });

  it('gives every certificate its own key', async () => {
    const [a, b] = await Promise.all([issueServerCertificate(ca, []), issueServerCertificate(ca, [])]);
    expect(a.key).not.toBe(b.key);
    expect(new X509Certificate(a.cert).serialNumber).not.toBe(new X509Certificate(b.cert).serialNumber);
  });

  it.each(['', 'has space.test', 'a..b', '-bad.test', '127.1', 'fe80::1%eth0', `${'x'.repeat(64)}.test`])(
    'refuses %j with ERR_TLS_INVALID_NAME',
    async (name) => {
      await expectTlsError(issueServerCertificate(ca, [name]), 'ERR_TLS_INVALID_NAME');
    },
  );

  it('accepts wildcard and international names, the latter as punycode', async () => {
    const leaf = new X509Certificate((await issueServerCertificate(ca, ['*.apps.test', 'bücher.test'])).cert);
    expect(leaf.subjectAltName).toContain('DNS:*.apps.test');
    expect(leaf.subjectAltName).toContain('DNS:xn--bcher-kva.test');
  });
});

describe('a node:https server with an issued certificate', () => {
  let ca: Ca;
  let v4: Served;
  let v6: Served | undefined;
  beforeAll(async () => {
    ca = await ensureCa(freshHome());
    const tls = await issueServerCertificate(ca, ['idp.mock.test']);
    v4 = await serve(tls, '127.0.0.1');
    v6 = await serve(tls, '::1').catch(() => undefined);
  });
  afterAll(async () => {
    await v4?.close();
    await v6?.close();
  });

  it('is trusted with only the mock CA for localhost', async () => {
    expect(await request({ host: 'localhost', family: 4, port: v4.port, ca: ca.certPem })).toBe(200);
  });

  it('is trusted with only the mock CA for 127.0.0.1', async () => {
    expect(await request({ host: '127.0.0.1', port: v4.port, ca: ca.certPem })).toBe(200);
  });

  it('is trusted with only the mock CA for [::1]', async (context) => {
    if (!v6) context.skip('no IPv6 loopback on this machine');
    expect(await request({ host: '::1', port: v6!.port, ca: ca.certPem })).toBe(200);
  });

  it('is trusted with only the mock CA for an extra DNS name', async () => {
    expect(await request({ host: '127.0.0.1', servername: 'idp.mock.test', port: v4.port, ca: ca.certPem })).toBe(200);
  });

  it('is refused for a name it was not issued for', async () => {
    await expect(request({ host: '127.0.0.1', servername: 'other.test', port: v4.port, ca: ca.certPem })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('is refused without the mock CA', async () => {
    await expect(request({ host: '127.0.0.1', port: v4.port })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('is refused with another mock-idp CA', async () => {
    const other = await ensureCa(freshHome());
    await expect(request({ host: '127.0.0.1', port: v4.port, ca: other.certPem })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('is trusted by a child `node` process given NODE_EXTRA_CA_CERTS=<ca.pem>, as users run it', async () => {
    const script = `require('node:https')
      .get({ host: 'localhost', family: 4, port: ${v4.port}, path: '/', agent: false }, (res) => console.log(res.statusCode))
      .on('error', (e) => console.log(e.code))`;
    const run = async (extra: Record<string, string>): Promise<string> => {
      const { NODE_EXTRA_CA_CERTS: _, NODE_TLS_REJECT_UNAUTHORIZED: __, ...env } = process.env;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: { ...env, ...extra } });
      return stdout.trim();
    };
    expect(await run({ NODE_EXTRA_CA_CERTS: ca.certPath })).toBe('200');
    expect(await run({})).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});

describe('caBundle', () => {
  const certificates = (pem: string): string[] => pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  const fingerprint = (pem: string): string => createHash('sha256').update(pem.replace(/\s+/g, '')).digest('hex');

  it("writes Node's bundled roots and the mock CA to one file, and returns its path", async () => {
    const home = freshHome();
    const ca = await ensureCa(home);
    const path = await caBundle(home, ca, {});
    const bundle = certificates(await readFile(path, 'utf8')).map(fingerprint);
    expect(bundle).toContain(fingerprint(ca.certPem));
    expect(bundle).toContain(fingerprint(rootCertificates[0]!));
    expect(bundle).toHaveLength(rootCertificates.length + 1);
  });

  it('keeps the file NODE_EXTRA_CA_CERTS names already, and says so when it cannot', async () => {
    const home = freshHome();
    const ca = await ensureCa(home);
    const theirs = await ensureCa(freshHome());
    const path = await caBundle(home, ca, { NODE_EXTRA_CA_CERTS: theirs.certPath });
    const bundle = certificates(await readFile(path, 'utf8')).map(fingerprint);
    expect(bundle).toContain(fingerprint(theirs.certPem));
    expect(bundle).toContain(fingerprint(ca.certPem));

    // Pointing NODE_EXTRA_CA_CERTS at the bundle itself must not make it grow on every start.
    await caBundle(home, ca, { NODE_EXTRA_CA_CERTS: path });
    expect(certificates(await readFile(path, 'utf8'))).toHaveLength(rootCertificates.length + 1);

    await expectTlsError(caBundle(home, ca, { NODE_EXTRA_CA_CERTS: join(root, 'missing.pem') }), 'ERR_TLS_EXTRA_CA_UNREADABLE');
  });
});
