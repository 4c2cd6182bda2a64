/**
 * The harness against an API built on Auth0's express-oauth2-jwt-bearer exactly as
 * its docs show. Every finding is a deviation from what the case cites; each is
 * asserted with the request sent and the answer received.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../mock-idp/conformance/index.js';
import { startAuth0SdkApi } from './apis/auth0-sdk-api.js';
import { API, PERMISSION, caseIds, conformanceOf, result } from './helpers.js';

type Variant = 'requiredScopes' | 'claimIncludes' | 'hardened';
const reports = new Map<Variant, ConformanceReport>();

beforeAll(async () => {
  await Promise.all(
    (['requiredScopes', 'claimIncludes', 'hardened'] as const).map((variant) =>
      conformanceOf((idp) =>
        startAuth0SdkApi({ issuerBaseURL: idp.issuer, audience: API, permission: PERMISSION, check: variant === 'claimIncludes' ? 'claimIncludes' : 'requiredScopes', hardened: variant === 'hardened' }),
      ).then((report) => void reports.set(variant, report)),
    ),
  );
}, 60_000);

describe('an API on express-oauth2-jwt-bearer with auth({ issuerBaseURL, audience }) + requiredScopes()', () => {
  it('fails no case; another scheme (RS-02) gets 400 without an error code instead of 401, a SHOULD: WARN', () => {
    const report = reports.get('requiredScopes')!;
    expect(caseIds(report, 'FAIL')).toEqual([]);
    const rs02 = result(report, 'RS-02');
    expect(rs02).toMatchObject({ level: 'SHOULD', verdict: 'WARN' });
    expect(rs02.request?.headers).toEqual([['authorization', 'Basic dXNlcjpwYXNz']]);
    expect(rs02.answer).toMatchObject({ kind: 'response', status: 400 });
    expect(rs02.answer?.kind === 'response' && rs02.answer.wwwAuthenticate.join(', ')).toMatch(/^Bearer realm="api"/);
    expect(rs02.got).toBe('400 (bare Bearer challenge)');
  });

  it('warns where a SHOULD is not met (query tokens, duplicate headers, future iat, missing sub) and sees the retired key refused once the SDK refetched the JWKS for the new one', () => {
    const report = reports.get('requiredScopes')!;
    expect(caseIds(report, 'WARN')).toEqual(['RS-02', 'RS-04', 'RS-06', 'RS-17', 'RS-38']);
    expect(result(report, 'RS-04')).toMatchObject({ got: '200', sent: 'no header; ?access_token=<good token>' });
    // Node keeps the first copy: the invalid token first is refused, the good token first is used.
    expect(result(report, 'RS-06-second-valid').got).toBe('401 invalid_token');
    expect(result(report, 'RS-06-first-valid')).toMatchObject({ verdict: 'WARN', got: '200' });
    expect(result(report, 'RS-17').got).toBe('200');
    // RS-34's key is new to the SDK, so it refetched the JWKS, and that copy no longer holds the retired key.
    expect(result(report, 'RS-35')).toMatchObject({ verdict: 'PASS' });
    expect(result(report, 'RS-38').got).toBe('200');
  });

  it('passes every signature, algorithm, claim and key-rotation MUST case', () => {
    const report = reports.get('requiredScopes')!;
    for (const id of ['RS-40', 'RS-08-five-segments', 'RS-15', 'RS-19', 'RS-23-mixedcase', 'RS-25-pem', 'RS-27-ps256', 'RS-29-es256', 'RS-30-jku', 'RS-34', 'RS-37', 'RS-39']) {
      expect(result(report, id).verdict, id).toBe('PASS');
    }
  });
});

describe('the same API with claimIncludes("permissions", ...) for the RBAC permissions claim', () => {
  it('also fails RS-39: a missing permission answers 401 invalid_token, not 403 insufficient_scope', () => {
    const report = reports.get('claimIncludes')!;
    expect(caseIds(report, 'FAIL')).toEqual(['RS-39']);
    expect(result(report, 'RS-39')).toMatchObject({ got: '401 invalid_token', answer: { kind: 'response', status: 401 } });
    expect(caseIds(report, 'WARN')).toEqual(['RS-02', 'RS-04', 'RS-06', 'RS-17', 'RS-38']);
  });
});

describe('the same API with the additions docs/conformance.md gives for the SDK', () => {
  it('passes every case without a warning', () => {
    const report = reports.get('hardened')!;
    expect(caseIds(report, 'FAIL')).toEqual([]);
    expect(caseIds(report, 'WARN')).toEqual([]);
  });
});
