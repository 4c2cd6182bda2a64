/**
 * Every preset against jose's jwtVerify with the options a careful RS256 API
 * uses. The test list is generated from FAULTS, so a new preset without an
 * expected verdict here fails (at compile time through the Record type, and at
 * run time through the coverage test).
 */
import type { JWTVerifyOptions } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, forgeToken, type FaultId, type JoseErrorCode, type SigningKey } from '../../mock-idp/tools/faults/index.js';
import { CANARY_URL, INPUT, makeSigningKey, verifyAsApi } from './helpers.js';

type Verdict = { verifies: true } | { code: JoseErrorCode; claim?: string };

interface Row {
  /** The behaviour under test; the test is named after it. */
  behaviour: string;
  verdict: Verdict;
  /** jwtVerify options on top of the reference ones. */
  options?: Partial<JWTVerifyOptions>;
}

const SIG = 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED';
const ALG = 'ERR_JOSE_ALG_NOT_ALLOWED';
const CLAIM = 'ERR_JWT_CLAIM_VALIDATION_FAILED';
const NO_KEY = 'ERR_JWKS_NO_MATCHING_KEY';
const INVALID = 'ERR_JWS_INVALID';
const TOLERANCE_5 = { clockTolerance: 5 };

const EXPECTED: Record<FaultId, Row> = {
  'RS-07': { behaviour: 'verifies a validly signed 17 KiB token: jose sets no size limit, the HTTP layer must', verdict: { verifies: true } },
  'RS-08-garbage': { behaviour: 'refuses to parse three segments of garbage', verdict: { code: INVALID } },
  'RS-08-one-segment': { behaviour: 'refuses to parse a one-segment token', verdict: { code: INVALID } },
  'RS-08-five-segments': { behaviour: 'refuses to parse a five-segment JWE as a signed token', verdict: { code: INVALID } },
  'RS-09': { behaviour: 'refuses to parse a token whose signature segment is cut off', verdict: { code: INVALID } },
  'RS-10': { behaviour: 'rejects a changed payload under the old signature', verdict: { code: SIG } },
  'RS-11': { behaviour: 'rejects a signature with one middle character flipped', verdict: { code: SIG } },
  'RS-12': { behaviour: 'rejects an attacker signature under the real kid', verdict: { code: SIG } },
  'RS-13': { behaviour: 'rejects a token expired an hour ago', verdict: { code: 'ERR_JWT_EXPIRED', claim: 'exp' } },
  'RS-14-inside': { behaviour: 'accepts exp passed by less than a 5 s clock tolerance', verdict: { verifies: true }, options: TOLERANCE_5 },
  'RS-14-outside': {
    behaviour: 'rejects exp passed by just more than a 5 s clock tolerance',
    verdict: { code: 'ERR_JWT_EXPIRED', claim: 'exp' },
    options: TOLERANCE_5,
  },
  'RS-15': { behaviour: 'rejects a token without exp', verdict: { code: CLAIM, claim: 'exp' } },
  'RS-16': { behaviour: 'rejects a token whose nbf is a minute beyond the tolerance', verdict: { code: CLAIM, claim: 'nbf' } },
  'RS-17': {
    behaviour: 'rejects iat one hour in the future (jose checks iat only with maxTokenAge)',
    verdict: { code: CLAIM, claim: 'iat' },
    options: { maxTokenAge: '1 day' },
  },
  'RS-18': { behaviour: 'rejects a token for another API', verdict: { code: CLAIM, claim: 'aud' } },
  'RS-18-suffix': { behaviour: 'rejects the API identifier with a suffix', verdict: { code: CLAIM, claim: 'aud' } },
  'RS-18-prefix': { behaviour: 'rejects the API identifier with a prefix', verdict: { code: CLAIM, claim: 'aud' } },
  'RS-18-substring': { behaviour: 'rejects the API identifier inside a longer string', verdict: { code: CLAIM, claim: 'aud' } },
  'RS-18-case': { behaviour: 'rejects the API identifier in another case', verdict: { code: CLAIM, claim: 'aud' } },
  'RS-18-slash': { behaviour: 'rejects the API identifier with a trailing slash', verdict: { code: CLAIM, claim: 'aud' } },
  'RS-19': { behaviour: 'accepts the Auth0 aud array [API, issuer userinfo]', verdict: { verifies: true } },
  'RS-20-missing': { behaviour: 'rejects a token without aud', verdict: { code: CLAIM, claim: 'aud' } },
  'RS-20-without-api': { behaviour: 'rejects an aud array that lacks the API', verdict: { code: CLAIM, claim: 'aud' } },
  'RS-21': { behaviour: 'rejects a token from another issuer', verdict: { code: CLAIM, claim: 'iss' } },
  'RS-22': { behaviour: 'rejects iss without its trailing slash', verdict: { code: CLAIM, claim: 'iss' } },
  'RS-23-lowercase': { behaviour: 'rejects alg "none" with an empty signature', verdict: { code: ALG } },
  'RS-23-capitalized': { behaviour: 'rejects alg "None" with an empty signature', verdict: { code: ALG } },
  'RS-23-uppercase': { behaviour: 'rejects alg "NONE" with an empty signature', verdict: { code: ALG } },
  'RS-23-mixedcase': { behaviour: 'rejects alg "nOnE" with an empty signature', verdict: { code: ALG } },
  'RS-24': { behaviour: 'rejects an RS256 header with an empty signature', verdict: { code: SIG } },
  'RS-25-pem': { behaviour: 'rejects HS256 keyed with the RSA public key in PEM form', verdict: { code: ALG } },
  'RS-25-jwk': { behaviour: 'rejects HS256 keyed with the RSA public key in JWK JSON form', verdict: { code: ALG } },
  'RS-26': { behaviour: 'rejects HS256 with an empty secret', verdict: { code: ALG } },
  'RS-27-rs512': { behaviour: 'rejects RS512 signed with the real key', verdict: { code: ALG } },
  'RS-27-ps256': { behaviour: 'rejects PS256 signed with the real key', verdict: { code: ALG } },
  'RS-28': { behaviour: 'rejects ES256 with r = s = 0', verdict: { code: ALG } },
  'RS-29-rs256': { behaviour: 'rejects an RS256 token signed by the RSA key embedded in its jwk header', verdict: { code: NO_KEY } },
  'RS-29-es256': { behaviour: 'rejects an ES256 token signed by the EC key embedded in its jwk header', verdict: { code: ALG } },
  'RS-30-jku': { behaviour: 'rejects a token whose jku points at a canary', verdict: { code: NO_KEY } },
  'RS-30-x5u': { behaviour: 'rejects a token whose x5u points at a canary', verdict: { code: NO_KEY } },
  'RS-31-path': { behaviour: 'rejects kid "../../dev/null"', verdict: { code: NO_KEY } },
  'RS-31-sql': { behaviour: `rejects kid "' OR '1'='1"`, verdict: { code: NO_KEY } },
  'RS-31-shell': { behaviour: 'rejects kid "$(touch /tmp/pwned)"', verdict: { code: NO_KEY } },
  'RS-32': { behaviour: 'rejects an unknown kid signed by an attacker key', verdict: { code: NO_KEY } },
  'RS-36': { behaviour: 'verifies a kid-less token against a one-key JWKS', verdict: { verifies: true } },
  'RS-37': { behaviour: 'rejects an ID token sent as the access token', verdict: { code: CLAIM, claim: 'typ' } },
  'RS-38': { behaviour: 'rejects a token without sub', verdict: { code: CLAIM, claim: 'sub' } },
};

let key: SigningKey;
beforeAll(async () => {
  key = await makeSigningKey();
});

describe('the good token', () => {
  it('verifies with the reference jose options', async () => {
    const token = await forgeToken(undefined, INPUT, { key });
    const { payload, protectedHeader } = await verifyAsApi(token, key);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: key.kid });
    expect(payload).toMatchObject({ iss: INPUT.issuer, aud: INPUT.audience, sub: INPUT.subject });
  });
});

describe('jose verdict on every preset', () => {
  it('has an expected verdict for every preset and no other', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(FAULTS.map((preset) => preset.id).sort());
  });

  it('names every test after a distinct behaviour', () => {
    const names = Object.values(EXPECTED).map((row) => row.behaviour);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const preset of FAULTS) {
    const row = EXPECTED[preset.id];
    it(`${row.behaviour} (${preset.caseId})`, async () => {
      const token = await forgeToken(preset.id, INPUT, { key, canaryUrl: CANARY_URL });
      const verifying = verifyAsApi(token, key, row.options);
      if ('verifies' in row.verdict) {
        await expect(verifying).resolves.toHaveProperty('payload');
      } else {
        await expect(verifying).rejects.toMatchObject({
          code: row.verdict.code,
          ...(row.verdict.claim !== undefined && { claim: row.verdict.claim }),
        });
      }
    });
  }
});

describe('the presets document the jose check that catches them', () => {
  for (const preset of FAULTS) {
    const row = EXPECTED[preset.id];
    it(`documents jose's verdict on ${preset.id}`, () => {
      if ('verifies' in row.verdict) {
        expect(preset.joseError).toBeNull();
        return;
      }
      expect(preset.joseError).toMatchObject({ code: row.verdict.code });
      expect(preset.joseError?.claim).toBe(row.verdict.claim);
      // a check that needs an option beyond the reference ones says which (RS-17: maxTokenAge)
      const extra = Object.keys(row.options ?? {}).filter((option) => option !== 'clockTolerance');
      expect(preset.joseError?.option === undefined ? [] : [preset.joseError.option]).toEqual(extra);
    });
  }
});
