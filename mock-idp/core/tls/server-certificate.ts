import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { CLOCK_SKEW_MS, type Ca } from './ca.js';
import { ECDSA_P256, generateKeyPair, privateKeyPem, randomSerial, webCrypto } from './keys.js';
import { subjectAltNames } from './subject-alt-names.js';

/** Well under the 398 days browsers accept; the certificate is issued anew at every start, so it never needs renewing. */
export const SERVER_CERT_DAYS = 90;

export interface ServerCertificate {
  /** The leaf alone, PEM: clients hold the CA already, and sending it too would change nothing for them. */
  cert: string;
  /** PKCS#8 PEM; kept in memory only. */
  key: string;
}

/**
 * A server certificate for localhost, 127.0.0.1, ::1 and `names`, signed by `ca`. Takes a few
 * milliseconds, so mock-idp issues one per start rather than keeping leaf keys on disk.
 */
export async function issueServerCertificate(ca: Ca, names: readonly string[] = []): Promise<ServerCertificate> {
  const sans = subjectAltNames(names);
  const keys = await generateKeyPair();
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  const notAfter = new Date(Math.min(notBefore.getTime() + SERVER_CERT_DAYS * 86_400_000, ca.certificate.notAfter.getTime()));
  const caKeyId = ca.certificate.getExtension(SubjectKeyIdentifierExtension)?.keyId;
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      // Clients match only subjectAltName; the CN is for people reading the certificate.
      subject: `CN=${sans[0]!.value}, O=mock-idp TEST certificate`,
      issuer: ca.certificate.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: ca.privateKey,
      signingAlgorithm: ECDSA_P256,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
        new SubjectAlternativeNameExtension(sans),
        await SubjectKeyIdentifierExtension.create(keys.publicKey, false, webCrypto),
        caKeyId ? new AuthorityKeyIdentifierExtension(caKeyId) : await AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey, false, webCrypto),
      ],
    },
    webCrypto,
  );
  return { cert: `${cert.toString('pem')}\n`, key: privateKeyPem(keys.privateKey) };
}
