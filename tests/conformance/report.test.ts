/** The report renderers and the WWW-Authenticate parser, on fixed inputs. */
import { describe, expect, it } from 'vitest';
import { parseChallenges } from '../../mock-idp/conformance/challenge.js';
import { renderJson, renderJunit, renderText, summaryLine, type ConformanceReport } from '../../mock-idp/conformance/index.js';

const REPORT: ConformanceReport = {
  target: { url: 'http://127.0.0.1:3001/orders', method: 'GET', audience: 'https://api.example.com', permissions: ['read:orders'], issuer: 'http://localhost:4000/', jwksUri: 'http://localhost:4000/.well-known/jwks.json' },
  startedAt: '2025-06-15T15:06:40.000Z',
  durationMs: 1234,
  keysRestored: true,
  results: [
    { caseId: 'RS-40', checkId: 'RS-40', title: 'Good token', level: 'MUST', sent: 'good token', expected: '200', got: '200', verdict: 'PASS', reference: '—' },
    { caseId: 'RS-23', checkId: 'RS-23-mixedcase', variant: 'nOnE', title: 'alg "nOnE" <unsigned> & co', level: 'MUST', sent: 'alg "nOnE"', expected: '401 invalid_token', got: '200', verdict: 'FAIL', reason: 'the API accepted a token it must refuse', reference: 'RFC 8725 §3.1', answer: { kind: 'response', status: 200, wwwAuthenticate: [], body: '{}', ms: 12 } },
    { caseId: 'RS-04', checkId: 'RS-04', title: 'Query token', level: 'SHOULD', sent: '?access_token=', expected: '401', got: '200', verdict: 'WARN', reason: 'query tokens leak', reference: 'RFC 6750 §2.3' },
    { caseId: 'RS-14', checkId: 'RS-14-inside', title: 'Inside T', level: 'SHOULD', sent: 'exp - T/2', expected: '200', got: 'not sent', verdict: 'SKIP', reason: 'T is 0', reference: 'RFC 9068 §4' },
  ],
  summary: { passed: 1, failed: 1, warnings: 1, skipped: 1 },
  exitCode: 1,
};

describe('report formats', () => {
  it('text: a table with one row per check, the findings, and the summary as the last line', () => {
    const lines = renderText(REPORT).trimEnd().split('\n');
    expect(lines[3]).toMatch(/^id\s+sent\s+expected\s+got\s+verdict\s+reference$/);
    expect(lines[6]).toMatch(/^RS-23-mixedcase\s+alg "nOnE"\s+401 invalid_token\s+200\s+FAIL\s+RFC 8725 §3\.1$/);
    expect(lines).toContain('  FAIL RS-23-mixedcase (MUST, RFC 8725 §3.1)');
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 1 warnings, 1 skipped');
    expect(summaryLine({ ...REPORT, summary: { passed: 54, failed: 0, warnings: 1, skipped: 0 } })).toBe('54 passed, 0 failed, 1 warnings, 0 skipped');
  });

  it('text: shows a long expected column whole, e.g. RS-01\'s "401 with a bare WWW-Authenticate: Bearer challenge (no error code)"', () => {
    const expected = '401 with a bare WWW-Authenticate: Bearer challenge (no error code)';
    const row = { caseId: 'RS-01', checkId: 'RS-01', title: 'No header', level: 'MUST' as const, sent: 'no Authorization header', expected, got: '401 (bare Bearer challenge)', verdict: 'PASS' as const, reference: 'RFC 6750 §3.1' };
    const lines = renderText({ ...REPORT, results: [row, ...REPORT.results] }).split('\n');
    expect(lines.find((l) => l.startsWith('RS-01 '))).toContain(`${expected}  401 (bare Bearer challenge)`);
  });

  it('json: the whole report', () => {
    expect(JSON.parse(renderJson(REPORT))).toEqual(REPORT);
  });

  it('junit: FAIL as a failure, SKIP as skipped, WARN as a passing case with the warning in system-out, text escaped', () => {
    const xml = renderJunit(REPORT);
    expect(xml).toContain('<testsuites name="mock-idp conformance" tests="4" failures="1" errors="0" skipped="1" time="1.234">');
    expect(xml).toContain('<testcase classname="mock-idp.conformance.RS-23" name="RS-23-mixedcase alg &quot;nOnE&quot; &lt;unsigned&gt; &amp; co" time="0.012">');
    expect(xml).toContain('<failure type="MUST" message="the API accepted a token it must refuse">');
    expect(xml).toContain('<skipped message="T is 0"/>');
    expect(xml).toMatch(/<system-out>WARN \(SHOULD\): sent: \?access_token=/);
  });
});

describe('WWW-Authenticate parsing', () => {
  it('reads several challenges in one field, quoted commas included', () => {
    expect(parseChallenges(['Bearer realm="api", error="invalid_token", error_description="a, b", DPoP algs="ES256 PS256"'])).toEqual([
      { scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token', error_description: 'a, b' } },
      { scheme: 'DPoP', params: { algs: 'ES256 PS256' } },
    ]);
  });

  it('reads bare schemes, unquoted values, escapes, token68 credentials and several fields', () => {
    expect(parseChallenges(['Basic', 'Bearer error=invalid_token, scope="read:orders \\"x\\""', 'Negotiate abc=='])).toEqual([
      { scheme: 'Basic', params: {} },
      { scheme: 'Bearer', params: { error: 'invalid_token', scope: 'read:orders "x"' } },
      { scheme: 'Negotiate', params: {} },
    ]);
  });
});
