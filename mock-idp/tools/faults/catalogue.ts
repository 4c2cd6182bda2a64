/**
 * The bad-token catalogue: one preset per forgeable RS case (RS-07 to RS-32,
 * RS-36 to RS-38). Pure data; how each token is built lives in `recipes.ts`.
 * The cases about the request rather than the token (RS-01..06, RS-33..35,
 * RS-39, RS-40) are not here. A preset's level and reference are its case's
 * (cases.ts), not restated here.
 */
import { catalogueCase, type CatalogueCaseId } from './cases.js';
import type { FaultPreset } from './types.js';

/** A preset as written below: its level and reference come from its case. */
type PresetDefinition = Omit<FaultPreset, 'caseId' | 'level' | 'reference'> & { readonly caseId: CatalogueCaseId };

const SIG = 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED';
const ALG = 'ERR_JOSE_ALG_NOT_ALLOWED';
const CLAIM = 'ERR_JWT_CLAIM_VALIDATION_FAILED';
const NO_KEY = 'ERR_JWKS_NO_MATCHING_KEY';
const INVALID = 'ERR_JWS_INVALID';

const PRESETS = [
  {
    id: 'RS-07',
    caseId: 'RS-07',
    title: 'Token padded past 16 KiB',
    explanation: 'A validly signed token inflated beyond 16 KiB: the server must refuse the header (431) or the token (401), never crash or buffer without bound.',
    expect: 'reject',
    joseError: null,
  },
  {
    id: 'RS-08-garbage',
    caseId: 'RS-08',
    variant: 'garbage',
    title: 'Garbage in three segments',
    explanation: 'Three dot-separated segments that decode to no JSON: the parser must fail closed with a 401, not throw a 500.',
    expect: 'reject',
    joseError: { code: INVALID },
  },
  {
    id: 'RS-08-one-segment',
    caseId: 'RS-08',
    variant: 'one segment',
    title: 'One segment (an opaque string)',
    explanation: 'A single segment is no JWS at all: an API that expects JWT access tokens must answer 401, not crash while splitting it.',
    expect: 'reject',
    joseError: { code: INVALID },
  },
  {
    id: 'RS-08-five-segments',
    caseId: 'RS-08',
    variant: 'five segments (JWE)',
    title: 'Five segments: a JWE wrapping the good token',
    explanation: 'An encrypted token (JWE) is not the signed token the API verifies: it must answer 401, neither 500 nor 200 on an unverified shape.',
    expect: 'reject',
    joseError: { code: INVALID },
  },
  {
    id: 'RS-09',
    caseId: 'RS-09',
    title: 'Signature cut off (two segments)',
    explanation: 'Without a signature nothing proves who issued the claims; a missing third segment must not be read as "nothing to check".',
    expect: 'reject',
    joseError: { code: INVALID },
  },
  {
    id: 'RS-10',
    caseId: 'RS-10',
    title: 'Payload changed (sub, permissions), old signature kept',
    explanation: 'The signature covers the payload: editing sub or permissions must break it, or every user can promote themselves.',
    expect: 'reject',
    joseError: { code: SIG },
  },
  {
    id: 'RS-11',
    caseId: 'RS-11',
    title: 'One signature character flipped',
    explanation: 'A signature that differs in one byte must fail; accepting it means the signature is decoded but never verified.',
    expect: 'reject',
    joseError: { code: SIG },
  },
  {
    id: 'RS-12',
    caseId: 'RS-12',
    title: 'Signed by an attacker key under the real kid',
    explanation: 'A kid only names a key: the signature must verify with the key the IdP publishes under it, not with whatever key signed the token.',
    expect: 'reject',
    joseError: { code: SIG },
  },
  {
    id: 'RS-13',
    caseId: 'RS-13',
    title: 'Expired an hour past the tolerance',
    explanation: 'exp is the end of the token\'s life: once past it (and the small clock tolerance) the token must be refused, however good the rest is.',
    expect: 'reject',
    joseError: { code: 'ERR_JWT_EXPIRED', claim: 'exp' },
    uses: ['clockTolerance'],
  },
  {
    id: 'RS-14-inside',
    caseId: 'RS-14',
    variant: 'inside the tolerance',
    title: 'exp passed by half the clock tolerance',
    explanation: 'Expired by less than the clock tolerance T: the leeway for clock skew between IdP and API accepts it (a T of 0 makes this a 401).',
    expect: 'accept',
    joseError: null,
    uses: ['clockTolerance'],
  },
  {
    id: 'RS-14-outside',
    caseId: 'RS-14',
    variant: 'just outside the tolerance',
    title: 'exp passed by the clock tolerance plus 2 s',
    explanation: 'Expired 2 s beyond the clock tolerance: the leeway must be bounded, so the token must be refused.',
    expect: 'reject',
    joseError: { code: 'ERR_JWT_EXPIRED', claim: 'exp' },
    uses: ['clockTolerance'],
  },
  {
    id: 'RS-15',
    caseId: 'RS-15',
    title: 'No exp claim',
    explanation: 'RFC 9068 requires exp; a token without one never expires, and jsonwebtoken accepts it unless told otherwise.',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'exp' },
  },
  {
    id: 'RS-16',
    caseId: 'RS-16',
    title: 'nbf a minute beyond the tolerance',
    explanation: 'The token is not valid yet: honouring nbf keeps tokens minted for later from working now.',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'nbf' },
    uses: ['clockTolerance'],
  },
  {
    id: 'RS-17',
    caseId: 'RS-17',
    title: 'iat one hour in the future',
    explanation: 'No honest issuer mints tokens in the future: a future iat betrays a forged token or a broken issuer clock.',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'iat', option: 'maxTokenAge' },
  },
  {
    id: 'RS-18',
    caseId: 'RS-18',
    title: 'aud names another API',
    explanation: 'A token minted for another API must not open this one, or any token of the tenant opens every API.',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'aud' },
  },
  ...(
    [
      ['suffix', 'the API identifier with a suffix (`<API>.attacker.example`)', 'A `startsWith` comparison accepts it.'],
      ['prefix', 'the API identifier with a prefix (`https://attacker.example/<API>`)', 'An `endsWith` comparison accepts it.'],
      ['substring', 'the API identifier inside a longer string', 'An `includes` (substring) comparison accepts it.'],
      ['case', 'the API identifier in another case', 'A case-insensitive comparison accepts it; identifiers are compared exactly.'],
      ['slash', 'the API identifier with (or without) a trailing slash', 'A comparison that trims slashes accepts it; identifiers are compared exactly.'],
    ] as const
  ).map(([variant, what, sloppy]) => ({
    id: `RS-18-${variant}` as const,
    caseId: 'RS-18' as const,
    variant,
    title: `aud is ${what}`,
    explanation: `A near miss of the API identifier is another audience. ${sloppy}`,
    expect: 'reject' as const,
    joseError: { code: CLAIM, claim: 'aud' } as const,
  })),
  {
    id: 'RS-19',
    caseId: 'RS-19',
    title: 'aud = [API, issuer + "userinfo"] (Auth0 shape)',
    explanation: 'Auth0 adds its /userinfo to aud when openid is requested: an API must accept an array that contains its identifier.',
    expect: 'accept',
    joseError: null,
  },
  {
    id: 'RS-20-missing',
    caseId: 'RS-20',
    variant: 'missing',
    title: 'No aud claim',
    explanation: 'RFC 9068 requires aud: a token that names no API cannot show it was meant for this one.',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'aud' },
  },
  {
    id: 'RS-20-without-api',
    caseId: 'RS-20',
    variant: 'array without the API',
    title: 'aud array that lacks the API',
    explanation: 'An array audience must contain this API\'s identifier; other members (another API, /userinfo) do not make the token ours.',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'aud' },
  },
  {
    id: 'RS-21',
    caseId: 'RS-21',
    title: 'iss names another issuer',
    explanation: 'Only the configured issuer is trusted: a token from another tenant or IdP must be refused even if its other claims fit.',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'iss' },
  },
  {
    id: 'RS-22',
    caseId: 'RS-22',
    title: 'iss without its trailing slash',
    explanation: 'Issuers compare as exact strings: Auth0\'s ends with "/", and a near-miss is a different issuer.',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'iss' },
  },
  {
    id: 'RS-23-lowercase',
    caseId: 'RS-23',
    variant: 'none',
    title: 'alg "none" with an empty signature',
    explanation: 'An unsigned token proves nothing: the algorithm comes from the API\'s allow-list, never from the token.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-23-capitalized',
    caseId: 'RS-23',
    variant: 'None',
    title: 'alg "None" with an empty signature',
    explanation: 'A capitalised "None" slips past deny-lists that compare case-sensitively: only an exact allow-list stops unsigned tokens.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-23-uppercase',
    caseId: 'RS-23',
    variant: 'NONE',
    title: 'alg "NONE" with an empty signature',
    explanation: 'An upper-case "NONE" slips past deny-lists that compare case-sensitively: only an exact allow-list stops unsigned tokens.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-23-mixedcase',
    caseId: 'RS-23',
    variant: 'nOnE',
    title: 'alg "nOnE" with an empty signature',
    explanation: 'A mixed-case "nOnE" slips past deny-lists that compare case-sensitively: only an exact allow-list stops unsigned tokens.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-24',
    caseId: 'RS-24',
    title: 'RS256 header with an empty signature',
    explanation: 'An empty signature must fail verification, not be treated as "no signature to check" (CVE-2020-28042).',
    expect: 'reject',
    joseError: { code: SIG },
  },
  {
    id: 'RS-25-pem',
    caseId: 'RS-25',
    variant: 'PEM',
    title: 'HS256 keyed with the RSA public key as PEM',
    explanation: 'The public key is public: an API that lets the token choose HMAC verifies a MAC anyone can compute from the PEM.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-25-jwk',
    caseId: 'RS-25',
    variant: 'JWK JSON',
    title: 'HS256 keyed with the RSA public key as JWK JSON',
    explanation: 'The JWKS is public: an API that lets the token choose HMAC verifies a MAC anyone can compute from the published JWK.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-26',
    caseId: 'RS-26',
    title: 'HS256 with an empty secret',
    explanation: 'An empty HMAC secret is no secret, and HS256 has no place on an RS256 API\'s allow-list.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-27-rs512',
    caseId: 'RS-27',
    variant: 'RS512',
    title: 'RS512 signed with the real key',
    explanation: 'The signature is genuine but the algorithm is not on the allow-list: the API, not the token, decides which algorithms count.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-27-ps256',
    caseId: 'RS-27',
    variant: 'PS256',
    title: 'PS256 signed with the real key',
    explanation: 'The signature is genuine but the algorithm is not on the allow-list: the API, not the token, decides which algorithms count.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-28',
    caseId: 'RS-28',
    title: 'ES256 with r = s = 0 (psychic signature)',
    explanation: 'An all-zero ECDSA signature "verifies" against any key in broken code (CVE-2022-21449), and ES256 is not allowed here anyway.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-29-rs256',
    caseId: 'RS-29',
    variant: 'RSA key, RS256',
    title: 'Embedded jwk header carrying the attacker RSA key',
    explanation: 'A key shipped inside the token belongs to whoever made the token: verification keys must come only from the IdP\'s JWKS.',
    expect: 'reject',
    joseError: { code: NO_KEY },
  },
  {
    id: 'RS-29-es256',
    caseId: 'RS-29',
    variant: 'EC key, ES256',
    title: 'Embedded jwk header carrying the attacker EC P-256 key',
    explanation: 'A key shipped inside the token belongs to whoever made the token: verification keys must come only from the IdP\'s JWKS.',
    expect: 'reject',
    joseError: { code: ALG },
  },
  {
    id: 'RS-30-jku',
    caseId: 'RS-30',
    variant: 'jku',
    title: 'jku header pointing at a canary URL',
    explanation: 'Fetching keys from a URL the token names lets the attacker choose the key (and is SSRF): the API must refuse and never request the canary.',
    expect: 'reject',
    joseError: { code: NO_KEY },
    uses: ['canaryUrl'],
  },
  {
    id: 'RS-30-x5u',
    caseId: 'RS-30',
    variant: 'x5u',
    title: 'x5u header pointing at a canary URL',
    explanation: 'Fetching a certificate from a URL the token names lets the attacker choose the key (and is SSRF): the API must refuse and never request the canary.',
    expect: 'reject',
    joseError: { code: NO_KEY },
    uses: ['canaryUrl'],
  },
  {
    id: 'RS-31-path',
    caseId: 'RS-31',
    variant: '../../dev/null',
    title: 'kid "../../dev/null" (path traversal)',
    explanation: 'kid is attacker-chosen text: used as a file path it loads an empty "key"; it must only be looked up in the JWKS, and an odd kid is a 401, not a 500.',
    expect: 'reject',
    joseError: { code: NO_KEY },
  },
  {
    id: 'RS-31-sql',
    caseId: 'RS-31',
    variant: "' OR '1'='1",
    title: 'kid "\' OR \'1\'=\'1" (SQL injection)',
    explanation: 'kid is attacker-chosen text: pasted into SQL it selects any key; it must only be looked up in the JWKS, and an odd kid is a 401, not a 500.',
    expect: 'reject',
    joseError: { code: NO_KEY },
  },
  {
    id: 'RS-31-shell',
    caseId: 'RS-31',
    variant: '$(touch /tmp/pwned)',
    title: 'kid "$(touch /tmp/pwned)" (shell injection)',
    explanation: 'kid is attacker-chosen text: passed to a shell it runs commands; it must only be looked up in the JWKS, and an odd kid is a 401, not a 500.',
    expect: 'reject',
    joseError: { code: NO_KEY },
  },
  {
    id: 'RS-32',
    caseId: 'RS-32',
    title: 'Unknown kid, signed by an attacker key',
    explanation: 'No published key has this kid: the API may refetch the JWKS once (keys rotate), then must refuse.',
    expect: 'reject',
    joseError: { code: NO_KEY },
  },
  {
    id: 'RS-36',
    caseId: 'RS-36',
    title: 'No kid, signed by the real key',
    explanation: 'Without a kid the API must choose safely: try each published key or refuse (jose throws ERR_JWKS_MULTIPLE_MATCHING_KEYS with several), never crash.',
    expect: 'either',
    joseError: null,
  },
  {
    id: 'RS-37',
    caseId: 'RS-37',
    title: 'ID token sent as the access token',
    explanation: 'An ID token (typ JWT, aud = a client id, nonce) tells the login app who signed in; it grants no API access (typ and aud both say so).',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'typ' },
    uses: ['clientId'],
  },
  {
    id: 'RS-38',
    caseId: 'RS-38',
    title: 'No sub claim',
    explanation: 'RFC 9068 requires sub: without it the API cannot tell whom (which user or client) the token speaks for.',
    expect: 'reject',
    joseError: { code: CLAIM, claim: 'sub' },
  },
] as const satisfies readonly PresetDefinition[];

/** The id of a preset, e.g. `'RS-23-mixedcase'`. */
export type FaultId = (typeof PRESETS)[number]['id'];

/** Every preset, in catalogue order. */
export const FAULTS: readonly FaultPreset<FaultId>[] = deepFreeze(
  PRESETS.map((preset): FaultPreset<FaultId> => {
    const { level, reference } = catalogueCase(preset.caseId);
    return { ...preset, level, reference };
  }),
);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

const BY_ID = new Map<string, FaultPreset<FaultId>>(FAULTS.map((preset) => [preset.id.toLowerCase(), preset]));

/** The preset with this id, compared case-insensitively. */
export function findFault(id: string): FaultPreset<FaultId> | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

/** Every preset of a catalogue case, e.g. the four variants of `RS-23`; case-insensitive. */
export function faultsForCase(caseId: string): readonly FaultPreset<FaultId>[] {
  const wanted = caseId.trim().toLowerCase();
  return FAULTS.filter((preset) => preset.caseId.toLowerCase() === wanted);
}
