/** A target that hangs or drops the connection fails that case; the run itself stays bounded. */
import { describe, expect, it } from 'vitest';
import { runApiConformance } from '../../mock-idp/conformance/index.js';
import { InvalidRequest, startProtectedApi, type Flaw } from '../fixtures/flawed-apis/base.js';
import { API, PERMISSION, result, withIdp, RFC9068 } from './helpers.js';

/** Drops the connection on `garbage.garbage.garbage`, never answers a two-segment token. */
const hangsAndDrops: Flaw = ({ steps }) => ({
  readToken(req, url) {
    const token = steps.readToken(req, url);
    if (token === 'garbage.garbage.garbage') {
      req.socket.destroy();
      throw new InvalidRequest('gone');
    }
    return token;
  },
  verify: (token) => (token.split('.').length === 2 ? new Promise(() => undefined) : steps.verify(token)),
});

describe('targets that hang or drop the connection', () => {
  it('fails the cases that hang or drop, with what happened, and finishes the run', async () => {
    await withIdp(async (idp) => {
      const api = await startProtectedApi({ issuer: idp.issuer, audience: API, permission: PERMISSION }, hangsAndDrops);
      try {
        const started = performance.now();
        const report = await runApiConformance({ idp, url: `${api.url}/orders`, audience: API, permission: PERMISSION, rotationWait: 2_000, requestTimeout: 300, ...RFC9068 });
        expect(performance.now() - started).toBeLessThan(10_000);
        expect(result(report, 'RS-08-garbage')).toMatchObject({ verdict: 'FAIL', got: 'connection dropped (ECONNRESET)', reason: 'the API dropped the connection instead of answering' });
        expect(result(report, 'RS-09')).toMatchObject({ verdict: 'FAIL', got: 'no answer within 0.3 s' });
        expect(report.results.filter((r) => r.verdict === 'FAIL').map((r) => r.checkId)).toEqual(['RS-08-garbage', 'RS-09']);
        expect(report.exitCode).toBe(1);
      } finally {
        await api.close();
      }
    });
  }, 30_000);
});

describe('options the harness cannot honour', () => {
  it('skips the check a clock tolerance of 0 makes impossible (RS-14 inside the tolerance) instead of failing it', async () => {
    await withIdp(async (idp) => {
      const api = await startProtectedApi({ issuer: idp.issuer, audience: API, permission: PERMISSION, clockTolerance: 0 });
      try {
        const report = await runApiConformance({ idp, url: `${api.url}/orders`, audience: API, permission: PERMISSION, clockTolerance: 0, rotationWait: 2_500, ...RFC9068 });
        expect(result(report, 'RS-14-inside')).toMatchObject({ verdict: 'SKIP', got: 'not sent', reason: expect.stringMatching(/clock tolerance of at least 1 s/) });
        expect(result(report, 'RS-14-outside').verdict).toBe('PASS');
        expect(report.summary).toMatchObject({ failed: 0, warnings: 0, skipped: 1 });
      } finally {
        await api.close();
      }
    });
  }, 30_000);

  it('refuses to start for a user the tenant does not have', async () => {
    await withIdp(async (idp) => {
      const api = await startProtectedApi({ issuer: idp.issuer, audience: API, permission: PERMISSION });
      try {
        await expect(runApiConformance({ idp, url: `${api.url}/orders`, audience: API, permission: PERMISSION, user: 'nobody@example.com' })).rejects.toMatchObject({
          name: 'ConformanceSetupError',
          code: 'ERR_OPTIONS',
          message: expect.stringMatching(/^cannot mint the good token: no user "nobody@example.com"/),
        });
      } finally {
        await api.close();
      }
    });
  });
});
