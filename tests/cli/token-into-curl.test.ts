/**
 * The README's token-into-curl pattern, run as printed through a real shell:
 *
 *   TOKEN=$(npm run -s mock-idp -- token --user alice@example.com --audience https://api.example.com --issuer http://localhost:4000/)
 *   curl -s -H "Authorization: Bearer $TOKEN" http://localhost:3001/orders
 *
 * The two lines are read from README.md (only the mock's and the API's addresses are
 * replaced by those of this run), against the built CLI (`mock-idp start --port 0`) and
 * sample-api. Without npm's `-s` the capture holds npm's banner lines too: the same
 * lines with it removed must not give a bare JWT nor a 200, so the test catches a README
 * or CLI change that breaks the pattern.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../sample-api/config.js';
import { startApi, type RunningApi } from '../../sample-api/server.js';

const ROOT = process.cwd();
const CLI = join(ROOT, 'dist', 'bin', 'mock-idp.mjs');
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const ALICE_SUB = (JSON.parse(readFileSync(join(ROOT, 'fixtures', 'tenant.json'), 'utf8')) as { users: Array<{ sub: string; email: string }> }).users.find((u) => u.email === 'alice@example.com')!.sub;

/** The README's pattern: the TOKEN=$(npm run -s mock-idp -- token ...) line and the curl line that uses it. */
function readmePattern(): string[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const at = lines.findIndex((line) => line.startsWith('TOKEN=$(npm run -s mock-idp -- token '));
  expect(at, 'README.md has a TOKEN=$(npm run -s mock-idp -- token ...) line').toBeGreaterThanOrEqual(0);
  const curl = lines[at + 1] ?? '';
  expect(curl, 'the line after it calls curl with the token').toMatch(/^curl -s -H "Authorization: Bearer \$TOKEN" http:\/\/localhost:3001\/\S+$/);
  return [lines[at]!, curl];
}

let mock: ChildProcess;
let issuer: string;
let api: RunningApi;

beforeAll(async () => {
  mock = spawn(process.execPath, [CLI, 'start', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  issuer = await new Promise<string>((resolve, reject) => {
    mock.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /issuer\s+(\S+)/.exec(out);
      if (match && out.includes('Ready.')) resolve(match[1]!);
    });
    mock.once('exit', (code) => reject(new Error(`mock-idp start exited with ${code}: ${out}`)));
  });
  api = await startApi({ ...loadApiConfig({}), issuer, jwksUri: `${issuer}.well-known/jwks.json`, port: 0 });
});

afterAll(async () => {
  await api?.close();
  if (mock && mock.exitCode === null) {
    mock.kill('SIGTERM');
    await once(mock, 'exit');
  }
});

/** Runs the lines with `bash -c` in the repository, then prints the captured token after a marker. */
function shell(lines: string[]): Promise<{ code: number; body: string; token: string }> {
  const script = [...lines, 'printf "\\n--- TOKEN ---\\n%s" "$TOKEN"'].join('\n');
  // npm's banner is what -s removes: an inherited loglevel must not remove it for the test.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_(loglevel|silent|quiet)$/i.test(name)));
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { cwd: ROOT, env, timeout: 8_000 }, (error, stdout) => {
      const [body = '', token = ''] = stdout.split('\n--- TOKEN ---\n');
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, body, token });
    });
  });
}

/** The README's lines pointed at this run's mock and API. */
const here = (lines: string[]) => lines.map((line) => line.replaceAll('http://localhost:4000/', issuer).replaceAll('http://localhost:3001', api.url));

describe("the README's TOKEN=$(npm run -s mock-idp -- token ...) into curl", () => {
  it("captures a bare JWT, and the API answers 200 with alice's orders", async () => {
    const lines = here(readmePattern());
    expect(lines[0]).toContain(`--issuer ${issuer}`);
    const run = await shell(lines);
    expect(run.code).toBe(0);
    expect(run.token).toMatch(JWT);
    expect(JSON.parse(run.body)).toMatchObject({ user: ALICE_SUB, orders: expect.any(Array) });
  });

  it('without -s captures npm\'s banner with the token, and the API refuses it', async () => {
    const lines = here(readmePattern());
    lines[0] = lines[0]!.replace('npm run -s mock-idp', 'npm run mock-idp');
    const run = await shell(lines);
    expect(run.token).not.toMatch(JWT);
    expect(run.token).toContain('> mock-idp@');
    expect(run.token.trim().split('\n').at(-1)).toMatch(JWT); // the token is there, after npm's lines
    expect(run.body).not.toContain(ALICE_SUB);
  });
});
