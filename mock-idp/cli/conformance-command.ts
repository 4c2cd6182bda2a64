/**
 * `mock-idp conformance api ...`: runs the RS catalogue against a JWT-protected
 * endpoint and prints the report. Exit codes: 0 no MUST case failed, 1 a MUST
 * case failed (or the baseline did), 2 bad arguments or an unreachable API / IdP.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConformanceSetupError } from '../conformance/errors.js';
import { CONFORMANCE_DEFAULTS } from '../conformance/defaults.js';
import { renderReport, summaryLine, type ReportFormat } from '../conformance/report.js';
import type { ApiConformanceOptions } from '../conformance/types.js';
import { TOKEN_DIALECTS, type TokenDialect } from '../core/tenant/schema.js';
import { parseHttpUrl, parsePort, UsageError } from './args.js';

export const CONFORMANCE_USAGE = `Usage:
  mock-idp conformance api --url URL --audience API --permission PERM [options]

Runs every resource-server case of the failure-mode catalogue (RS-01..RS-40: forged,
expired, mis-addressed tokens, odd requests, key rotation) against a JWT-protected
endpoint, and reports what it answered. Each case is explained in docs/conformance.md.

Options:
  --url URL              the protected endpoint, e.g. http://localhost:3001/orders (required)
  --method M             its HTTP method (default ${CONFORMANCE_DEFAULTS.method})
  --body JSON            a request body sent with every call (e.g. for POST)
  --audience API         the API identifier the endpoint expects in aud (required)
  --permission PERM      the permission the endpoint requires (required; repeat or comma-separate for several)
  --issuer URL           drive the mock-idp running at this issuer (its admin API, <issuer>_mock/);
                         without it a mock-idp is started on --port for the run, and the API under
                         test must trust http://localhost:<port>/
  --admin-token T        the running mock-idp's admin token (with --issuer)
  --port N               port of the mock-idp started for the run (default ${CONFORMANCE_DEFAULTS.port})
  --user ID              the tenant user tokens are minted for (default: the tenant's first user)
  --token-dialect D      the dialect of the tokens sent: access_token_authz (Auth0's default profile, typ JWT)
                         or rfc9068_profile_authz (typ at+jwt); default the mock's tenant setting for the API
  --clock-tolerance S    the API's clock tolerance, for the expiry-edge cases (default ${CONFORMANCE_DEFAULTS.clockTolerance})
  --rotation-wait S      how long key rotation may take to be honoured (RS-34, RS-35; default ${CONFORMANCE_DEFAULTS.rotationWait / 1000})
  --timeout S            per-request timeout; a hang is a failure of that case (default ${CONFORMANCE_DEFAULTS.requestTimeout / 1000})
  --format F             text (default), json or junit
  --out FILE             write the report to FILE (the summary line still goes to stdout)
  -h, --help             show this help

Exit codes: 0 no MUST case failed, 1 a MUST case failed or the target is misconfigured,
2 bad arguments or an unreachable API or IdP.
`;

const OPTIONS = {
  url: { type: 'string' },
  method: { type: 'string' },
  body: { type: 'string' },
  audience: { type: 'string' },
  permission: { type: 'string', multiple: true },
  issuer: { type: 'string' },
  'admin-token': { type: 'string' },
  port: { type: 'string' },
  user: { type: 'string' },
  'token-dialect': { type: 'string' },
  'clock-tolerance': { type: 'string' },
  'rotation-wait': { type: 'string' },
  timeout: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function tokenDialectOption(value: string): TokenDialect {
  const dialect = TOKEN_DIALECTS.find((d) => d === value);
  if (!dialect) throw new UsageError(`--token-dialect must be one of ${TOKEN_DIALECTS.join(', ')}, got "${value}"`);
  return dialect;
}

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'junit'];

/** Seconds (fractions allowed) as milliseconds. */
function seconds(flag: string, value: string | undefined, fallbackMs: number, min: number): number {
  if (value === undefined) return fallbackMs;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > 3600) throw new UsageError(`--${flag} must be a number of seconds from ${min} to 3600, got "${value}"`);
  return Math.round(n * 1000);
}

interface Parsed {
  options: ApiConformanceOptions;
  format: ReportFormat;
  out: string | undefined;
}

function parse(argv: readonly string[]): Parsed | 'help' {
  const args = argv[0] === 'conformance' ? argv.slice(1) : [...argv];
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return 'help';
  const [target, ...rest] = positionals;
  if (target !== 'api') throw new UsageError(target === undefined ? 'say what to test: mock-idp conformance api ...' : `unknown conformance target "${target}" (only "api")`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  for (const flag of ['url', 'audience'] as const) {
    if (!values[flag]?.trim()) throw new UsageError(`--${flag} is required`);
  }
  const permissions = (values.permission ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  if (permissions.length === 0) throw new UsageError('--permission is required (the permission the endpoint requires)');
  parseHttpUrl('url', values.url!);
  if (values.issuer !== undefined) parseHttpUrl('issuer', values.issuer);
  if (values.issuer !== undefined && values.port !== undefined) throw new UsageError('--port starts a mock-idp for the run; with --issuer the running one is used');
  if (values.issuer === undefined && values['admin-token'] !== undefined) throw new UsageError('--admin-token goes with --issuer');
  const format = (values.format ?? 'text') as ReportFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  if (values.method !== undefined && !/^[A-Za-z]+$/.test(values.method)) throw new UsageError(`--method must be an HTTP method, got "${values.method}"`);
  if (values.body !== undefined) {
    try {
      JSON.parse(values.body);
    } catch {
      throw new UsageError('--body must be JSON');
    }
  }
  const clockTolerance = seconds('clock-tolerance', values['clock-tolerance'], CONFORMANCE_DEFAULTS.clockTolerance * 1000, 0);
  if (clockTolerance % 1000 !== 0) throw new UsageError('--clock-tolerance must be a whole number of seconds');
  return {
    options: {
      url: values.url!,
      audience: values.audience!,
      permission: permissions,
      ...(values.method !== undefined ? { method: values.method } : {}),
      ...(values.body !== undefined ? { body: values.body } : {}),
      ...(values.issuer !== undefined ? { issuer: values.issuer } : {}),
      ...(values['admin-token'] !== undefined ? { adminToken: values['admin-token'] } : {}),
      ...(values.issuer === undefined ? { port: parsePort(values.port, CONFORMANCE_DEFAULTS.port) } : {}),
      ...(values.user !== undefined ? { user: values.user } : {}),
      ...(values['token-dialect'] !== undefined ? { tokenDialect: tokenDialectOption(values['token-dialect']) } : {}),
      clockTolerance: clockTolerance / 1000,
      rotationWait: seconds('rotation-wait', values['rotation-wait'], CONFORMANCE_DEFAULTS.rotationWait, 0),
      requestTimeout: seconds('timeout', values.timeout, CONFORMANCE_DEFAULTS.requestTimeout, 0.05),
    },
    format,
    out: values.out,
  };
}

export interface ConformanceCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROCESS_IO: ConformanceCommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * `mock-idp conformance <argv>`: argv is what follows `conformance` (a leading
 * `conformance` is tolerated), e.g. `['api', '--url', ...]`. Returns the exit code.
 */
export async function runConformanceCommand(argv: string[], io: ConformanceCommandIo = PROCESS_IO): Promise<number> {
  let parsed: Parsed | 'help';
  try {
    parsed = parse(argv);
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage) throw err;
    io.stderr(`mock-idp conformance: ${(err as Error).message}\n\n${CONFORMANCE_USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout(CONFORMANCE_USAGE);
    return 0;
  }
  const { options, format, out } = parsed;
  const { runApiConformance } = await import('../conformance/runner.js');
  try {
    const report = await runApiConformance(options);
    const text = renderReport(report, format);
    if (out !== undefined) {
      writeFileSync(out, text);
      io.stdout(`${summaryLine(report)} (report: ${out})\n`);
    } else {
      io.stdout(text);
    }
    return report.exitCode;
  } catch (err) {
    if (err instanceof ConformanceSetupError) {
      io.stderr(`mock-idp conformance: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
