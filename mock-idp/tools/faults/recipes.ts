/**
 * How each preset's token is built: one recipe per fault id, each a minimal
 * deviation from the good token. The record type makes a preset without a
 * recipe (or a recipe without a preset) a compile error.
 */
import { CompactEncrypt } from 'jose';
import { attackerEcKey, attackerRsaKey } from './attacker-keys.js';
import type { FaultId } from './catalogue.js';
import { encodeSegment, flipSignature, signHs256, signJws, splitCompact, withSignature, type Claims, type Header } from './compact.js';
import { FaultInputError } from './errors.js';
import { primaryAudience, type GoodToken } from './good-token.js';
import { asKeyObject, publicKeyObject, publicKeyPem } from './signing-key.js';
import type { GoodTokenInput, SigningKey } from './types.js';

/** The API's clock tolerance assumed when the context gives none (express-oauth2-jwt-bearer's default). */
export const DEFAULT_CLOCK_TOLERANCE = 5;
/** `aud` of the RS-37 ID token when neither the context nor the `azp` claim names a client. */
export const DEFAULT_CLIENT_ID = 'mock-idp-client';
/** An audience and an issuer that are not the API's. */
export const WRONG_AUDIENCE = 'https://another-api.example.com';
export const WRONG_ISSUER = 'https://another-tenant.example.com/';
/** RS-10: whom the tampered token claims to be, and the permission it grants itself. */
export const TAMPERED_SUBJECT = 'auth0|impersonated-admin';
export const ESCALATED_PERMISSION = 'admin:all';
/** RS-37: the ID token's nonce (the example value of OIDC Core). */
export const ID_TOKEN_NONCE = 'n-0S6_WzA2Mj';
/** RS-07: the forged token is at least this long (16 KiB, Node's default header limit, + 1 KiB). */
export const OVERSIZE_TOKEN_LENGTH = 17 * 1024;
/** RS-31: the kid values, by preset. */
export const KID_INJECTIONS = {
  'RS-31-path': '../../dev/null',
  'RS-31-sql': "' OR '1'='1",
  'RS-31-shell': '$(touch /tmp/pwned)',
} as const;

/** Everything a recipe may use. */
export interface ForgeEnv {
  readonly good: GoodToken;
  readonly input: GoodTokenInput;
  readonly key: SigningKey;
  /** T, seconds. */
  readonly clockTolerance: number;
  readonly clientId: string;
  /** The RS-30 canary URL; throws FaultInputError when the context has none. */
  canaryUrl(): string;
}

export type Recipe = (env: ForgeEnv) => string | Promise<string>;

function without(claims: Claims, name: string): Claims {
  const { [name]: _dropped, ...rest } = claims;
  return rest;
}

/** The good claims with the validity window moved so that `exp` is the given time. */
function expiringAt(good: GoodToken, exp: number): Claims {
  return { ...good.claims, iat: exp - good.lifetime, exp };
}

const signedByRealKey = (env: ForgeEnv, header: Header, claims: Claims): Promise<string> =>
  signJws(header, claims, env.key.privateKey);

const withRealKey = (change: (env: ForgeEnv) => Claims): Recipe => (env) => signedByRealKey(env, env.good.header, change(env));

async function signedByAttacker(header: Omit<Header, 'alg'>, claims: Claims): Promise<string> {
  const attacker = await attackerRsaKey();
  return signJws({ ...header, alg: attacker.alg }, claims, attacker.privateKey);
}

const unsigned = (alg: string): Recipe => ({ good }) => withSignature({ ...good.header, alg }, good.claims, '');

const otherAlgorithm = (alg: 'RS512' | 'PS256'): Recipe => ({ good, key }) =>
  signJws({ ...good.header, alg }, good.claims, asKeyObject(key.privateKey));

const kidInjection = (kid: string): Recipe => ({ good }) => signedByAttacker({ ...good.header, kid }, good.claims);

const canaryHeader = (name: 'jku' | 'x5u'): Recipe => async (env) => {
  const attacker = await attackerRsaKey();
  return signedByAttacker({ ...env.good.header, kid: attacker.kid, [name]: env.canaryUrl() }, env.good.claims);
};

export const RECIPES: Readonly<Record<FaultId, Recipe>> = {
  'RS-07': async (env) => {
    const missing = OVERSIZE_TOKEN_LENGTH - env.good.token.length;
    // each padding character costs 4/3 base64url characters
    const padding = 'A'.repeat(Math.max(0, Math.ceil((missing * 3) / 4)));
    return signedByRealKey(env, env.good.header, { ...env.good.claims, padding });
  },
  'RS-08-garbage': () => 'garbage.garbage.garbage',
  'RS-08-one-segment': ({ good }) => good.token.replaceAll('.', ''),
  'RS-08-five-segments': ({ good, key }) =>
    new CompactEncrypt(new TextEncoder().encode(good.token))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT', kid: key.kid })
      .encrypt(publicKeyObject(key)),

  'RS-09': ({ good }) => {
    const { header, payload } = splitCompact(good.token);
    return `${header}.${payload}`;
  },
  'RS-10': ({ good }) => {
    const { header, signature } = splitCompact(good.token);
    const { permissions, scope } = good.claims;
    const tampered: Claims = {
      ...good.claims,
      sub: good.claims.sub === TAMPERED_SUBJECT ? `${TAMPERED_SUBJECT}-2` : TAMPERED_SUBJECT,
      ...(Array.isArray(permissions) && { permissions: [...(permissions as unknown[]), ESCALATED_PERMISSION] }),
      ...(typeof scope === 'string' && { scope: `${scope} ${ESCALATED_PERMISSION}`.trim() }),
    };
    return `${header}.${encodeSegment(tampered)}.${signature}`;
  },
  'RS-11': ({ good }) => flipSignature(good.token),
  'RS-12': ({ good }) => signedByAttacker(good.header, good.claims),

  'RS-13': withRealKey(({ good, clockTolerance }) => expiringAt(good, good.now - clockTolerance - 3600)),
  'RS-14-inside': withRealKey(({ good, clockTolerance }) => {
    if (clockTolerance < 1) throw new FaultInputError('RS-14-inside needs a clock tolerance of at least 1 s');
    return expiringAt(good, good.now - Math.floor(clockTolerance / 2));
  }),
  'RS-14-outside': withRealKey(({ good, clockTolerance }) => expiringAt(good, good.now - clockTolerance - 2)),
  'RS-15': withRealKey(({ good }) => without(good.claims, 'exp')),
  'RS-16': withRealKey(({ good, clockTolerance }) => ({ ...good.claims, nbf: good.now + clockTolerance + 60 })),
  'RS-17': withRealKey(({ good }) => expiringAt(good, good.now + 3600 + good.lifetime)),

  'RS-18': withRealKey(({ good }) => ({ ...good.claims, aud: WRONG_AUDIENCE })),
  'RS-18-suffix': withRealKey(({ good, input }) => ({ ...good.claims, aud: `${primaryAudience(input)}.attacker.example` })),
  'RS-18-prefix': withRealKey(({ good, input }) => ({ ...good.claims, aud: `https://attacker.example/${primaryAudience(input)}` })),
  'RS-18-substring': withRealKey(({ good, input }) => ({ ...good.claims, aud: `https://attacker.example/?next=${primaryAudience(input)}&x=1` })),
  'RS-18-case': withRealKey(({ good, input }) => {
    const api = primaryAudience(input);
    const other = api.toUpperCase() === api ? api.toLowerCase() : api.toUpperCase();
    if (other === api) throw new FaultInputError('RS-18-case needs an API identifier with letters');
    return { ...good.claims, aud: other };
  }),
  'RS-18-slash': withRealKey(({ good, input }) => {
    const api = primaryAudience(input);
    return { ...good.claims, aud: api.endsWith('/') ? api.slice(0, -1) : `${api}/` };
  }),
  'RS-19': withRealKey(({ good, input }) => ({ ...good.claims, aud: [primaryAudience(input), `${input.issuer}userinfo`] })),
  'RS-20-missing': withRealKey(({ good }) => without(good.claims, 'aud')),
  'RS-20-without-api': withRealKey(({ good, input }) => ({ ...good.claims, aud: [WRONG_AUDIENCE, `${input.issuer}userinfo`] })),
  'RS-21': withRealKey(({ good }) => ({ ...good.claims, iss: WRONG_ISSUER })),
  'RS-22': withRealKey(({ good, input }) => {
    if (!input.issuer.endsWith('/')) throw new FaultInputError('RS-22 needs an issuer with a trailing slash');
    return { ...good.claims, iss: input.issuer.replace(/\/+$/, '') };
  }),

  'RS-23-lowercase': unsigned('none'),
  'RS-23-capitalized': unsigned('None'),
  'RS-23-uppercase': unsigned('NONE'),
  'RS-23-mixedcase': unsigned('nOnE'),
  'RS-24': ({ good }) => withSignature(good.header, good.claims, ''),
  'RS-25-pem': ({ good, key }) => signHs256({ ...good.header, alg: 'HS256' }, good.claims, publicKeyPem(key)),
  'RS-25-jwk': ({ good, key }) => signHs256({ ...good.header, alg: 'HS256' }, good.claims, JSON.stringify(key.publicJwk)),
  'RS-26': ({ good }) => signHs256({ ...good.header, alg: 'HS256' }, good.claims, ''),
  'RS-27-rs512': otherAlgorithm('RS512'),
  'RS-27-ps256': otherAlgorithm('PS256'),
  // r and s are 32 zero bytes each (IEEE P1363 form, as JWS uses)
  'RS-28': ({ good }) => withSignature({ ...good.header, alg: 'ES256' }, good.claims, new Uint8Array(64)),

  'RS-29-rs256': async ({ good }) => {
    const attacker = await attackerRsaKey();
    return signedByAttacker({ ...good.header, kid: attacker.kid, jwk: attacker.publicJwk }, good.claims);
  },
  'RS-29-es256': async ({ good }) => {
    const attacker = await attackerEcKey();
    const header: Header = { ...good.header, alg: attacker.alg, kid: attacker.kid, jwk: attacker.publicJwk };
    return signJws(header, good.claims, attacker.privateKey);
  },
  'RS-30-jku': canaryHeader('jku'),
  'RS-30-x5u': canaryHeader('x5u'),
  'RS-31-path': kidInjection(KID_INJECTIONS['RS-31-path']),
  'RS-31-sql': kidInjection(KID_INJECTIONS['RS-31-sql']),
  'RS-31-shell': kidInjection(KID_INJECTIONS['RS-31-shell']),
  'RS-32': async ({ good }) => {
    const attacker = await attackerRsaKey();
    return signedByAttacker({ ...good.header, kid: attacker.kid }, good.claims);
  },

  'RS-36': (env) => signedByRealKey(env, without(env.good.header, 'kid') as Header, env.good.claims),
  'RS-37': (env) => {
    const { iss, sub, iat, exp } = env.good.claims;
    const idToken: Claims = { iss, sub, aud: env.clientId, iat, exp, nonce: ID_TOKEN_NONCE };
    return signedByRealKey(env, { ...env.good.header, typ: 'JWT' }, idToken);
  },
  'RS-38': withRealKey(({ good }) => without(good.claims, 'sub')),
};
