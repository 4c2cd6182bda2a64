/**
 * The harness's self-test: each deliberately flawed API (one realistic flaw on a
 * correct jose base) is flagged with the right case ids, and with nothing else.
 * All runs go concurrently, each against its own mock-idp (a longer request timeout: fifteen
 * runs at once on a shared machine answer slowly, and no API here hangs).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../mock-idp/conformance/index.js';
import { FLAWS, startProtectedApi, type FlawName } from '../fixtures/flawed-apis/index.js';
import { API, PERMISSION, RFC9068, caseIds, conformanceOf, result } from './helpers.js';

/** What each flaw must be flagged with: the case ids that FAIL and those that WARN. */
const EXPECTED: Record<FlawName | 'none', { fail: string[]; warn: string[] }> = {
  none: { fail: [], warn: [] },
  'decodes without verifying': {
    // every signature case; the unknown-kid flood is accepted too
    fail: ['RS-10', 'RS-11', 'RS-12', 'RS-23', 'RS-24', 'RS-25', 'RS-26', 'RS-27', 'RS-28', 'RS-29', 'RS-30', 'RS-31', 'RS-32'],
    warn: ['RS-33'],
  },
  'no audience check': { fail: ['RS-18', 'RS-20'], warn: [] },
  // every near miss of the identifier (suffix, prefix, substring, case, slash), not another API's
  'sloppy audience comparison': { fail: ['RS-18'], warn: [] },
  'no issuer check': { fail: ['RS-21', 'RS-22'], warn: [] },
  'accepts a token without exp': { fail: ['RS-15'], warn: [] },
  'HS/RS key confusion': { fail: ['RS-25'], warn: [] },
  'alg none accepted': { fail: ['RS-23'], warn: [] },
  '401 where 403 is due': { fail: ['RS-39'], warn: [] },
  '500 on garbage': { fail: ['RS-08', 'RS-09'], warn: [] },
  'accepts query-string tokens': { fail: [], warn: ['RS-04', 'RS-05'] },
  // it loaded the keys at boot: the rotated-in key is unknown
  'never refetches the JWKS': { fail: ['RS-34'], warn: [] },
  // it holds every key published before its first request: only a key published after it shows the flaw
  'fetches the JWKS once, at its first request': { fail: ['RS-34'], warn: [] },
  'fetches jku': { fail: ['RS-30'], warn: [] },
  // an invalid token first and the good one second is accepted: it acted on the second copy
  'uses the last Authorization header': { fail: ['RS-06'], warn: [] },
  // it used the first of two headers (WARN), which only the tokens' validity shows: both grant it access
  'checks no permission': { fail: ['RS-39'], warn: ['RS-06'] },
};

const reports = new Map<string, ConformanceReport>();

beforeAll(async () => {
  const names = ['none', ...Object.keys(FLAWS)] as Array<FlawName | 'none'>;
  await Promise.all(
    names.map((name) =>
      conformanceOf((idp) => startProtectedApi({ issuer: idp.issuer, audience: API, permission: PERMISSION }, name === 'none' ? undefined : FLAWS[name]), { ...RFC9068, requestTimeout: 5_000 }).then(
        (report) => void reports.set(name, report),
      ),
    ),
  );
}, 90_000);

describe('the correct jose base the flawed APIs derive from', () => {
  it('passes every case, without a warning', () => {
    const report = reports.get('none')!;
    expect(caseIds(report, 'FAIL')).toEqual([]);
    expect(caseIds(report, 'WARN')).toEqual([]);
    expect(report.exitCode).toBe(0);
  });
});

describe('a flawed API is flagged with the case ids of its flaw and no other', () => {
  for (const name of Object.keys(FLAWS) as FlawName[]) {
    it(`${name}: fails ${EXPECTED[name].fail.join(', ') || 'nothing'}${EXPECTED[name].warn.length ? `, warns ${EXPECTED[name].warn.join(', ')}` : ''}`, () => {
      const report = reports.get(name)!;
      expect(caseIds(report, 'FAIL')).toEqual(EXPECTED[name].fail);
      expect(caseIds(report, 'WARN')).toEqual(EXPECTED[name].warn);
      expect(report.exitCode).toBe(EXPECTED[name].fail.length > 0 ? 1 : 0);
    });
  }

  it('flags every near miss of the API identifier that a loose aud comparison accepts, and not another API\'s', () => {
    const report = reports.get('sloppy audience comparison')!;
    const failed = report.results.filter((r) => r.caseId === 'RS-18' && r.verdict === 'FAIL').map((r) => r.checkId).sort();
    expect(failed).toEqual(['RS-18-case', 'RS-18-prefix', 'RS-18-slash', 'RS-18-substring', 'RS-18-suffix']);
    expect(result(report, 'RS-18').verdict).toBe('PASS');
  });

  it('names the request and the answer that show the flaw', () => {
    expect(result(reports.get('alg none accepted')!, 'RS-23-mixedcase')).toMatchObject({ verdict: 'FAIL', got: '200', level: 'MUST' });
    expect(result(reports.get('401 where 403 is due')!, 'RS-39')).toMatchObject({ verdict: 'FAIL', got: '401 invalid_token' });
    expect(result(reports.get('500 on garbage')!, 'RS-08-garbage')).toMatchObject({ verdict: 'FAIL', got: '500' });
    expect(result(reports.get('accepts query-string tokens')!, 'RS-04')).toMatchObject({ verdict: 'WARN', got: '200', level: 'SHOULD' });
    expect(result(reports.get('HS/RS key confusion')!, 'RS-25-pem')).toMatchObject({ verdict: 'FAIL', got: '200' });
    expect(result(reports.get('HS/RS key confusion')!, 'RS-25-jwk').verdict).toBe('PASS');
  });

  it('catches a jku fetch on the canary even though the API refused the token', () => {
    const jku = result(reports.get('fetches jku')!, 'RS-30-jku');
    expect(jku.verdict).toBe('FAIL');
    expect(jku.got).toMatch(/canary was fetched \(GET \/[0-9a-f]+\/RS-30-jku\/jwks\.json\)/);
    expect(result(reports.get('fetches jku')!, 'RS-30-x5u').got).toBe('401 invalid_token; canary not fetched');
  });

  it('acts on which of two Authorization headers the API used, told apart by validity: an invalid token first, the good one second', () => {
    expect(result(reports.get('uses the last Authorization header')!, 'RS-06-second-valid')).toMatchObject({ verdict: 'FAIL', got: '200' });
    expect(result(reports.get('uses the last Authorization header')!, 'RS-06-first-valid')).toMatchObject({ verdict: 'PASS', got: '401 invalid_token' });
    expect(result(reports.get('none')!, 'RS-06-second-valid')).toMatchObject({ verdict: 'PASS', got: '400 invalid_request' });
    // an API that checks no permission: the invalid first copy refused, the good first copy used
    expect(result(reports.get('checks no permission')!, 'RS-06-second-valid')).toMatchObject({ verdict: 'PASS', got: '401 invalid_token' });
    expect(result(reports.get('checks no permission')!, 'RS-06-first-valid')).toMatchObject({ verdict: 'WARN', got: '200' });
  });

  it('rotates to a key published only after the API\'s first fetch, so an API that fetched the JWKS once is caught', () => {
    const rs34 = result(reports.get('fetches the JWKS once, at its first request')!, 'RS-34');
    expect(rs34.got).toMatch(/^401 invalid_token for \d+(\.\d)? s$/);
    expect(result(reports.get('none')!, 'RS-34').verdict).toBe('PASS');
    for (const report of reports.values()) expect(report.keysRestored).toBe(true);
  });

  it('gives a key-caching API the rotation window before failing RS-34', () => {
    const rs34 = result(reports.get('never refetches the JWKS')!, 'RS-34');
    expect(rs34.got).toMatch(/^401 invalid_token for \d+(\.\d)? s$/);
    expect(rs34.reason).toMatch(/does not refetch the JWKS/);
  });
});
