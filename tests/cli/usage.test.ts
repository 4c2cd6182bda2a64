/**
 * Mistakes on the command line of the built CLI (dist/bin/mock-idp.mjs): one line on
 * stderr naming the mistake and, for a typo, the flag or command meant; exit code 2;
 * the whole usage only with --help.
 */
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';


/** Runs each case (four at a time) and checks exit 2, nothing on stdout and exactly `line` on stderr. */
async function expectUsageErrors(cases: ReadonlyArray<readonly [string[], string]>) {
  for (let i = 0; i < cases.length; i += 4) {
    const batch = cases.slice(i, i + 4);
    const runs = await Promise.all(batch.map(([args]) => cli(...args)));
    runs.forEach((run, j) => {
      const [args, line] = batch[j]!;
      const label = `mock-idp ${args.join(' ')}`;
      expect(run.code, label).toBe(2);
      expect(run.stdout, label).toBe('');
      expect(run.stderr, label).toBe(`${line}\n`);
    });
  }
}

describe('an unknown or misplaced option', () => {
  it('is one line naming it and the nearest option of that command', async () => {
    await expectUsageErrors([
      [['token', '--user', 'alice@example.com', '--audiance', 'https://api.example.com'], 'mock-idp: unknown option --audiance for "token"; did you mean --audience? (mock-idp --help)'],
      [['token', '--user', 'alice@example.com', '--audience', 'https://api.example.com', '--expires', '60'], 'mock-idp: unknown option --expires for "token"; did you mean --expires-in? (mock-idp --help)'],
      [['explain', 'x.y.z', '--isuser', 'http://localhost:4000/'], 'mock-idp: unknown option --isuser for "explain"; did you mean --issuer? (mock-idp --help)'],
      [['--prot', '4000'], 'mock-idp: unknown option --prot for "start"; did you mean --port? (mock-idp --help)'],
      [['faults', '--jsno'], 'mock-idp: unknown option --jsno for "faults"; did you mean --json? (mock-idp --help)'],
      [['token', '--user', 'alice@example.com', '--colour', 'blue'], 'mock-idp: unknown option --colour for "token" (mock-idp --help)'],
      [['start', '--user', 'alice@example.com'], 'mock-idp: option --user does not apply to "start" (it is an option of token) (mock-idp --help)'],
      [['faults', '--audience', 'https://api.example.com'], 'mock-idp: option --audience does not apply to "faults" (it is an option of token, explain) (mock-idp --help)'],
    ]);
  });

  it('is one line for a missing value or a value given to a switch', async () => {
    await expectUsageErrors([
      [['token', '--user'], 'mock-idp: --user needs a value (mock-idp --help)'],
      [['faults', '--json=yes'], 'mock-idp: --json takes no value, got "yes" (mock-idp --help)'],
      [
        ['token', '--user', 'alice@example.com', '--audience', 'https://api.example.com', '--clock-tolerance', '-1'],
        'mock-idp: --clock-tolerance needs a value: "-1" reads as an option (for a value that starts with "-", write --clock-tolerance=-1) (mock-idp --help)',
      ],
    ]);
  });
});

describe('an unknown command', () => {
  it('is one line naming the command meant', async () => {
    await expectUsageErrors([
      [['strat'], 'mock-idp: unknown command "strat"; did you mean start? (mock-idp --help)'],
      [['strat', '--port', '4000'], 'mock-idp: unknown command "strat"; did you mean start? (mock-idp --help)'],
      [['tokne', '--user', 'alice@example.com'], 'mock-idp: unknown command "tokne"; did you mean token? (mock-idp --help)'],
      [['conformace', 'api', '--url', 'http://localhost:3001/orders'], 'mock-idp: unknown command "conformace"; did you mean conformance? (mock-idp --help)'],
      [['mint'], 'mock-idp: unknown command "mint" (mock-idp --help)'],
    ]);
  });
});

describe('mock-idp conformance api', () => {
  const API = ['--url', 'http://localhost:3001/orders', '--audience', 'https://api.example.com'];

  it('names an unknown option and the nearest one, and a target it does not know', async () => {
    await expectUsageErrors([
      [['conformance', 'api', ...API, '--premission', 'read:orders'], 'mock-idp conformance: unknown option --premission for "conformance api"; did you mean --permission? (mock-idp conformance --help)'],
      [['conformance', 'api', ...API, '--permission', 'read:orders', '--timout', '2'], 'mock-idp conformance: unknown option --timout for "conformance api"; did you mean --timeout? (mock-idp conformance --help)'],
      [['conformance', 'apu', ...API], 'mock-idp conformance: unknown conformance target "apu"; did you mean api? (mock-idp conformance --help)'],
    ]);
  });

  it('names every wrong option by its flag, with the value as typed, in one line', async () => {
    await expectUsageErrors([
      [
        ['conformance', 'api', '--url', 'ftp://x/orders', '--audience', ' ', '--permission', ' , ', '--rotation-wait', 'soon', '--port', '70000'],
        'mock-idp conformance: --url must be an absolute http(s) URL, got "ftp://x/orders"; --audience is required (the API identifier the endpoint expects in aud), got " "; ' +
          '--permission is required (what the endpoint requires), got " , "; --port must be a whole number from 0 to 65535, got "70000"; ' +
          '--rotation-wait must be a number of seconds from 0 to 3600, got "soon" (mock-idp conformance --help)',
      ],
      [
        ['conformance', 'api', ...API, '--permission', 'read:orders', '--clock-tolerance', '1.5', '--body', '{oops'],
        'mock-idp conformance: --body must be JSON (it is sent as application/json), got "{oops"; --clock-tolerance must be a whole number of seconds from 0 to 3600, got "1.5" (mock-idp conformance --help)',
      ],
    ]);
  });
});

describe('--help', () => {
  it('prints the whole usage to stdout and exits 0, even after a mistake', async () => {
    const [help, afterTypo, conformance] = await Promise.all([cli('--help'), cli('token', '--audiance', 'x', '--help'), cli('conformance', '--help')]);
    for (const run of [help, afterTypo]) {
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^mock-idp: a local, offline stand-in for Auth0/);
      expect(run.stdout).toContain('Options of token:');
    }
    expect(conformance.code).toBe(0);
    expect(conformance.stdout).toMatch(/^Usage:\n {2}mock-idp conformance api --url URL/);
  });
});
