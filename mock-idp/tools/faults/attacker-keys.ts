/**
 * The attacker's own keys: one RSA 2048 and one EC P-256 key pair, generated
 * on first use and shared by every forge of the process (RSA keygen is slow).
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface AttackerKey {
  readonly privateKey: CryptoKey;
  /** Public JWK with `kid`, `alg` and `use`, as an attacker would publish or embed it. */
  readonly publicJwk: JWK;
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
}

/** kids no honest IdP publishes. */
export const ATTACKER_RSA_KID = 'attacker-rs256';
export const ATTACKER_EC_KID = 'attacker-es256';

async function generate(alg: 'RS256' | 'ES256', kid: string): Promise<AttackerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateKey, publicJwk, kid, alg };
}

function memoise(make: () => Promise<AttackerKey>): () => Promise<AttackerKey> {
  let pending: Promise<AttackerKey> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined; // let the next call try again
      throw error;
    });
    return pending;
  };
}

/** The attacker's RSA key (RS256), generated once per process. */
export const attackerRsaKey = memoise(() => generate('RS256', ATTACKER_RSA_KID));

/** The attacker's EC P-256 key (ES256), generated once per process. */
export const attackerEcKey = memoise(() => generate('ES256', ATTACKER_EC_KID));
