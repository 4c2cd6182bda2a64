/**
 * `--data-dir` (issue 18, item 1): the run-time state survives a restart, a kill -9 mid-write leaves a
 * loadable file, and a corrupt or newer-format file is refused rather than reset.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { cli, startCli } from '../helpers/cli.js';
import { APP, codeFlow, refreshRequest, startAuthorize, tokenRequest } from '../helpers/oauth.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mock-idp-state-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});


/** How many burst users a state file holds (0 while it does not exist). */
function burstUsersIn(file: string): number {
  try {
    const { tenant } = JSON.parse(readFileSync(file, 'utf8')) as { tenant?: { users: { email: string }[] } };
    return tenant?.users.filter((u) => u.email.startsWith('burst')).length ?? 0;
  } catch {
    return 0;
  }
}

/** Polls a condition (a file being written by another process) for up to 10 s. */
async function until(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !condition(); ) {
    if (Date.now() > deadline) throw new Error('condition not met in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Large users make each write of the state long (megabytes), so the kill lands inside one. */
const BIO = 'x'.repeat(10_000);

const HANK = { username: 'hank@example.com', password: 'hank-Pass-1' };

async function signUp(idp: MockIdp, user: { username: string; password: string }) {
  const response = await fetch(`${idp.issuer}dbconnections/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: APP.clientId, connection: 'Username-Password-Authentication', email: user.username, password: user.password }),
  });
  return response.status;
}

describe('startMockIdp({ dataDir }) across a restart', () => {
  it('keeps a signed-up user, a logged-in session, and a refresh token that still rotates and whose reuse is still detected', async () => {
    const dataDir = tempDir();
    const first = await startMockIdp({ port: 0, dataDir });
    expect(await signUp(first, HANK)).toBe(200);
    const { browser, tokens } = await codeFlow(first, HANK);
    expect(tokens.status).toBe(200);
    const rotated = await refreshRequest(first, tokens.body.refresh_token!);
    expect(rotated.status).toBe(200);
    const rotatedKeys = await first.rotateKeys();
    await first.close();

    // The same port, so the same issuer (the browser's cookies and the tokens name it).
    const second = await startMockIdp({ port: first.port, dataDir });
    try {
      expect(second.tenant.users.some((u) => u.email === HANK.username)).toBe(true);
      expect(second.keys()).toEqual(rotatedKeys);
      // The session: /authorize with the same cookie jar goes straight back to the app with a code.
      const again = await startAuthorize(second, browser);
      expect(new URL(again.page.url).origin + new URL(again.page.url).pathname).toBe(APP.callback);
      const code = new URL(again.page.url).searchParams.get('code');
      expect(code).toBeTruthy();
      const exchanged = await tokenRequest(second, { grant_type: 'authorization_code', code: code!, redirect_uri: APP.callback, code_verifier: again.verifier, client_id: APP.clientId, client_secret: APP.secret });
      expect(exchanged.status).toBe(200);
      // The refresh token rotates on; the one consumed before the restart is reuse, which revokes the family.
      const next = await refreshRequest(second, rotated.body.refresh_token!);
      expect(next.status).toBe(200);
      expect(next.body.refresh_token).not.toBe(rotated.body.refresh_token);
      expect((await refreshRequest(second, tokens.body.refresh_token!)).body.error).toBe('invalid_grant');
      expect((await refreshRequest(second, next.body.refresh_token!)).body.error).toBe('invalid_grant');
      // And the signed-up user logs in with a password afresh.
      expect((await codeFlow(second, HANK)).tokens.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses a second mock on a data directory in use with ERR_DATA_DIR, and frees it on close', async () => {
    const dataDir = tempDir();
    const first = await startMockIdp({ port: 0, dataDir });
    await expect(startMockIdp({ port: 0, dataDir })).rejects.toMatchObject({ code: 'ERR_DATA_DIR' });
    await first.close();
    await (await startMockIdp({ port: 0, dataDir })).close();
  });

  it('keeps the clock offset, so what expired before the restart stays expired', async () => {
    const dataDir = tempDir();
    const first = await startMockIdp({ port: 0, dataDir });
    first.clock.advance('1d');
    await first.close();
    const second = await startMockIdp({ port: 0, dataDir });
    expect(second.clock.offset).toBe(86_400);
    await second.close();
  });

  it('refuses a corrupt state file with ERR_STATE_CORRUPT and a newer-format one with ERR_STATE_NEWER, leaving the file as it was', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'state.json');
    writeFileSync(file, '{"format":"mock-idp-state","version":1,"sav');
    await expect(startMockIdp({ port: 0, dataDir })).rejects.toMatchObject({ code: 'ERR_STATE_CORRUPT', source: file });
    writeFileSync(file, JSON.stringify({ format: 'mock-idp-state', version: 1, savedAt: 'x' }));
    await expect(startMockIdp({ port: 0, dataDir })).rejects.toMatchObject({ code: 'ERR_STATE_CORRUPT' });
    writeFileSync(file, JSON.stringify({ format: 'mock-idp-state', version: 2 }));
    await expect(startMockIdp({ port: 0, dataDir })).rejects.toMatchObject({ code: 'ERR_STATE_NEWER' });
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ format: 'mock-idp-state', version: 2 }));
  });
});

describe('mock-idp start --data-dir', () => {
  it('exits 1 naming the file when the state file is corrupt', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'state.json'), 'not json');
    const run = await cli('start', '--port', '0', '--data-dir', dataDir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(join(dataDir, 'state.json'));
  });

  it('leaves a loadable state when killed with SIGKILL in the middle of a burst of writes', async () => {
    const dataDir = tempDir();
    const { proc: killed, issuer } = await startCli(['--port', '0', '--data-dir', dataDir]);
    const create = (i: number) => fetch(`${issuer}_mock/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `burst${i}@example.com`, name: `burst ${i}`, password: 'p', userMetadata: { bio: BIO } }) }).then(async (r) => (r.status === 201 ? 201 : `${r.status} ${await r.text()}`), () => 0);
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => create(i)));
    expect(first).toEqual(Array(20).fill(201));
    await until(() => burstUsersIn(join(dataDir, 'state.json')) >= 20);
    // Writes keep coming while the process is killed: at the 50th answer of the burst, whatever the file is doing.
    let answered = 0;
    const burst = Array.from({ length: 200 }, (_, i) => create(100 + i).finally(() => answered++));
    await until(() => answered >= 50);
    const exited = once(killed, 'exit');
    killed.kill('SIGKILL');
    // Until Node has reaped it, the killed process is a zombie that still "exists" for the lock's liveness check.
    await Promise.all([exited, ...burst]);
    const again = await startMockIdp({ port: 0, dataDir });
    try {
      const burstUsers = again.tenant.users.filter((u) => u.email.startsWith('burst'));
      expect(burstUsers.length).toBeGreaterThanOrEqual(20);
      expect(readdirSync(dataDir).filter((f) => f === 'state.json')).toHaveLength(1);
    } finally {
      await again.close();
    }
  });
});
