/**
 * `mock-idp conformance api` has no rules of its own for the options of a run: it builds
 * runApiConformance's options from its flags and checks them with the harness's schema,
 * so the command and the function refuse the same things for the same reason.
 */
import { describe, expect, it } from 'vitest';
import { runConformanceCommand } from '../../mock-idp/cli/conformance-command.js';
import { runApiConformance, type ApiConformanceOptions } from '../../mock-idp/conformance/index.js';

const API = 'https://api.example.com';
const GOOD = { url: 'http://127.0.0.1:1/orders', audience: API, permission: 'read:orders' };
const GOOD_FLAGS = ['--url', GOOD.url, '--audience', API, '--permission', 'read:orders'];

async function command(flags: string[]) {
  let stderr = '';
  const code = await runConformanceCommand(['api', ...flags], { stdout: () => undefined, stderr: (t) => void (stderr += t) });
  return { code, stderr };
}

async function refusal(options: Partial<ApiConformanceOptions>): Promise<{ code: string; message: string }> {
  try {
    await runApiConformance({ ...GOOD, ...options } as ApiConformanceOptions);
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('runApiConformance accepted the options');
}

/** One wrong option each: the flags, the same option for runApiConformance, and what both must say. */
const CASES: ReadonlyArray<{ flags: [string, string]; options: Partial<ApiConformanceOptions>; cli: string; api: string }> = [
  { flags: ['--url', 'ftp://x/orders'], options: { url: 'ftp://x/orders' }, cli: '--url must be an absolute http(s) URL, got "ftp://x/orders"', api: 'url must be an absolute http(s) URL, got "ftp://x/orders"' },
  { flags: ['--audience', '  '], options: { audience: '  ' }, cli: '--audience is required', api: 'audience is required' },
  { flags: ['--permission', ','], options: { permission: ',' }, cli: '--permission is required', api: 'permission is required' },
  { flags: ['--method', 'GE T'], options: { method: 'GE T' }, cli: '--method must be an HTTP method, got "GE T"', api: 'method must be an HTTP method, got "GE T"' },
  { flags: ['--body', '{oops'], options: { body: '{oops' }, cli: '--body must be JSON', api: 'body must be JSON' },
  { flags: ['--issuer', 'localhost:4000'], options: { issuer: 'localhost:4000' }, cli: '--issuer must be an absolute http(s) URL', api: 'issuer must be an absolute http(s) URL' },
  { flags: ['--port', '70000'], options: { port: 70000 }, cli: '--port must be a whole number from 0 to 65535, got "70000"', api: 'port must be a whole number from 0 to 65535, got 70000' },
  { flags: ['--clock-tolerance', '3601'], options: { clockTolerance: 3601 }, cli: '--clock-tolerance must be a whole number of seconds from 0 to 3600, got "3601"', api: 'clockTolerance must be a whole number of seconds from 0 to 3600, got 3601' },
  // The flags are in seconds, the options in milliseconds: the bounds are the schema's, worded in the flag's unit.
  { flags: ['--rotation-wait', '-1'], options: { rotationWait: -1000 }, cli: '--rotation-wait must be a number of seconds from 0 to 3600, got "-1"', api: 'rotationWait must be a whole number of milliseconds from 0 to 3600000, got -1000' },
  { flags: ['--timeout', '0'], options: { requestTimeout: 0 }, cli: '--timeout must be a number of seconds from 0.001 to 3600, got "0"', api: 'requestTimeout must be a whole number of milliseconds from 1 to 3600000, got 0' },
];

describe('the conformance options: one schema for the command and runApiConformance', () => {
  it.each(CASES)('$cli', async ({ flags, options, cli, api }) => {
    // The flag replaces the good one of that name; written --flag=value so that "-1" stays a value.
    const [flag, value] = flags as [string, string];
    const base = [0, 2, 4].map((i) => GOOD_FLAGS.slice(i, i + 2)).filter(([name]) => name !== flag).flat();
    const run = await command([...base, `${flag}=${value}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(cli);
    expect(run.stderr.split('\n')).toHaveLength(2);
    const refused = await refusal(options);
    expect(refused).toMatchObject({ name: 'ConformanceSetupError', code: 'ERR_OPTIONS' });
    expect(refused.message).toContain(api);
  });

  it('takes --permission repeated or comma-separated, as the schema splits a string', async () => {
    const refused = await refusal({ permission: ' , ,' });
    expect(refused.message).toBe('permission is required (what the endpoint requires), got " , ,"');
    const run = await command(['--url', 'http://127.0.0.1:1/orders', '--audience', API, '--permission', ' ', '--permission', ',']);
    expect(run.stderr).toBe('mock-idp conformance: --permission is required (what the endpoint requires), got " ,," (mock-idp conformance --help)\n');
  });
});
