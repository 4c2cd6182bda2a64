/**
 * When the good-token baseline (RS-40) is refused the harness stops and names
 * the likely misconfiguration instead of listing results.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../mock-idp/conformance/index.js';
import { startProtectedApi, type ProtectedApiConfig } from '../fixtures/flawed-apis/index.js';
import { API, PERMISSION, conformanceOf } from './helpers.js';

type Misconfiguration = (issuer: string) => Partial<ProtectedApiConfig>;

const CASES: Record<string, Misconfiguration> = {
  'issuer without its trailing slash': (issuer) => ({ issuer: issuer.slice(0, -1), jwksUri: `${issuer}.well-known/jwks.json` }),
  'a JWKS URL that is not the IdP\'s': (issuer) => ({ jwksUri: `${issuer}jwks` }),
  'another audience': () => ({ audience: `${API}/` }),
  'a clock two hours ahead': () => ({ now: () => new Date(Date.now() + 2 * 3600 * 1000) }),
  'another permission': () => ({ permission: 'admin:orders' }),
};

const reports = new Map<string, ConformanceReport>();

beforeAll(async () => {
  await Promise.all(
    Object.entries(CASES).map(([name, change]) =>
      conformanceOf((idp) => startProtectedApi({ issuer: idp.issuer, audience: API, permission: PERMISSION, ...change(idp.issuer) })).then(
        (report) => void reports.set(name, report),
      ),
    ),
  );
}, 30_000);

describe('a target that refuses the good token is reported as misconfigured, with the likely cause', () => {
  it.each([
    ['issuer without its trailing slash', /^issuer: the API expects "http:\/\/localhost:\d+" but the IdP's issuer is "http:\/\/localhost:\d+\/"/],
    ['a JWKS URL that is not the IdP\'s', /^JWKS: the API never fetched the IdP's keys \(http:\/\/localhost:\d+\/\.well-known\/jwks\.json\)/],
    ['another audience', /^audience: the API expects "https:\/\/api\.example\.com\/", not "https:\/\/api\.example\.com"/],
    ['a clock two hours ahead', /^clock: /],
    ['another permission', /^the API refused the permission the token carries \(read:orders\): it asks for "admin:orders"/],
  ])('%s', (name, cause) => {
    const report = reports.get(name)!;
    expect(report.misconfigured?.causes[0]).toMatch(cause);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ caseId: 'RS-40', verdict: 'FAIL' });
    expect(report.results[0]!.reason).toMatch(/^misconfigured target: /);
    expect(report.exitCode).toBe(1);
  });

  it('lists the variant tokens it tried and what each got', () => {
    const tried = reports.get('issuer without its trailing slash')!.misconfigured!.tried;
    expect(tried.map((t) => t.got)).toEqual(['200', '401 invalid_token', '401 invalid_token', '401 invalid_token', '401 invalid_token']);
    expect(tried.map((t) => t.variant)).toContain('typ JWT, azp (Auth0 token profile)');
    expect(tried[0]!.variant).toMatch(/^iss "http:\/\/localhost:\d+" \(no trailing slash\)$/);
  });
});
