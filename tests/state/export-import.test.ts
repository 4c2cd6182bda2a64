/**
 * `mock-idp state export|import` and GET / POST /_mock/state (issue 18, item 1): a whole state moves
 * into a fresh mock, which then answers the same logins and tokens.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockIdp } from '../../mock-idp/index.js';
import { cli } from '../helpers/cli.js';
import { codeFlow, refreshRequest, startAuthorize } from '../helpers/oauth.js';

const dir = mkdtempSync(join(tmpdir(), 'mock-idp-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INES = { email: 'ines@example.com', name: 'Ines', password: 'ines-pass' };

describe('state export then import into a fresh mock', () => {
  it('reproduces a run-time user, a browser session and a refresh token family (mock-idp state export/import --issuer)', async () => {
    const source = await startMockIdp({ port: 0 });
    source.createUser(INES);
    const { browser, tokens } = await codeFlow(source, { username: INES.email, password: INES.password });
    const file = join(dir, 'fixture.json');
    const exported = await cli('state', 'export', file, '--issuer', source.issuer);
    expect(exported.code).toBe(0);
    await source.close();

    // A fresh mock at the same issuer (the state's tokens and cookies name it), then the import.
    const fresh = await startMockIdp({ port: source.port });
    try {
      expect(fresh.tenant.users.some((u) => u.email === INES.email)).toBe(false);
      expect((await cli('state', 'import', file, '--issuer', fresh.issuer)).code).toBe(0);
      expect(fresh.tenant.users.some((u) => u.email === INES.email)).toBe(true);
      const again = await startAuthorize(fresh, browser);
      expect(new URL(again.page.url).searchParams.get('code')).toBeTruthy();
      const rotated = await refreshRequest(fresh, tokens.body.refresh_token!);
      expect(rotated.status).toBe(200);
      expect((await refreshRequest(fresh, tokens.body.refresh_token!)).body.error).toBe('invalid_grant');
      expect((await codeFlow(fresh, { username: INES.email, password: INES.password })).tokens.status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('moves a state offline between data directories, and refuses a corrupt file with exit 1 and no change', async () => {
    const from = join(dir, 'from');
    const to = join(dir, 'to');
    const idp = await startMockIdp({ port: 0, dataDir: from });
    idp.createUser(INES);
    await idp.close();
    const file = join(dir, 'offline.json');
    expect((await cli('state', 'export', file, '--data-dir', from)).code).toBe(0);
    expect((await cli('state', 'import', file, '--data-dir', to)).code).toBe(0);
    const moved = await startMockIdp({ port: 0, dataDir: to });
    expect(moved.tenant.users.some((u) => u.email === INES.email)).toBe(true);
    await moved.close();

    const before = readFileSync(join(to, 'state.json'), 'utf8');
    writeFileSync(join(dir, 'broken.json'), '{"format":"mock-idp-state"');
    const refused = await cli('state', 'import', join(dir, 'broken.json'), '--data-dir', to);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(join(dir, 'broken.json'));
    expect(readFileSync(join(to, 'state.json'), 'utf8')).toBe(before);
  });

  it('answers POST /_mock/state with 400 for a body that is not a state, or one of a newer format, and changes nothing', async () => {
    const idp = await startMockIdp({ port: 0 });
    try {
      const post = (body: unknown) => fetch(`${idp.issuer}_mock/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const { savedAt: _, ...before } = idp.exportState();
      const unchanged = () => {
        const { savedAt: __, ...now } = idp.exportState();
        expect(now).toEqual(before);
      };
      for (const body of [{}, [], { format: 'mock-idp-state', version: 1 }, { format: 'mock-idp-state', version: 99 }]) {
        const answer = await post(body);
        expect(answer.status).toBe(400);
        expect(((await answer.json()) as { error: string }).error).toBe('invalid_request');
        unchanged();
      }
      const snapshot = idp.exportState();
      expect((await post({ ...snapshot, tenant: { applications: 'nope' } })).status).toBe(400);
      unchanged();
      expect(idp.tenant.users.length).toBe(snapshot.tenant?.users?.length ?? idp.tenant.users.length);
      expect((await post(snapshot)).status).toBe(200);
    } finally {
      await idp.close();
    }
  });
});
