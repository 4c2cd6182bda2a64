
import type { AppConformanceOptions } from '../conformance/app/types.js';
import { APP_CONFORMANCE_DEFAULTS, CONFORMANCE_DEFAULTS } from '../conformance/defaults.js';
import type { ReportFormat } from '../conformance/report.js';
import { didYouMean, numberFlag, parseCommandLine, UsageError } from './args.js';
import { type CommandIo, printConformanceRun } from './command-io.js';

export const CONFORMANCE_APP_USAGE = `Usage:
  mock-idp conformance app --login-url URL --protected-url URL --client-id ID [options]

Logs the test user into a login app through the mock once per case of the relying-party
catalogue (RP-01..RP-25: forged ID tokens, broken callbacks, key rotation, refreshes, session limits), the mock planting
one fault into that one login, and reports which the app accepted. docs/conformance.md explains each.

Options:
  --login-url URL        where the app starts a login, e.g. http://localhost:3000/login (required)
  --protected-url URL    a page only a logged-in user gets, e.g. http://localhost:3000/profile (required)
  --client-id ID         the app's client id at the mock (required)
  --user EMAIL           the tenant user to log in (default: the tenant's first user)
  --issuer URL           drive the mock-idp running at this issuer (its admin API, <issuer>_mock/);
                         without it a mock-idp is started on --port, and the app must use http://localhost:<port>/
  --admin-token T        the running mock-idp's admin token (with --issuer)
  --port N               port of the mock-idp started for the run (default ${CONFORMANCE_DEFAULTS.port})
  --rotation-wait S      how long the app may take to refetch the JWKS for a new key (RP-13, RP-14; default ${APP_CONFORMANCE_DEFAULTS.rotationWait / 1000})
  --refresh-url URL      a page where the app refreshes its tokens once they expired, e.g. http://localhost:3000/orders
                         (RP-21: the refresh answers an ID token for another user; without it RP-21 is skipped)
  --session-idle S       the app's own idle session limit (RP-25; the run waits it out)
  --session-absolute S   the app's own absolute session limit (RP-25; the run waits it out)
  --session-margin S     how long past a limit the session is checked (RP-25; default ${APP_CONFORMANCE_DEFAULTS.sessionMargin / 1000})
  --timeout S            per-request timeout (default ${APP_CONFORMANCE_DEFAULTS.requestTimeout / 1000})
  --format F             text (default), json or junit
  --out FILE             write the report to FILE (the summary line still goes to stdout)
  -h, --help             show this help

Exit codes: 0 no MUST case failed, 1 a MUST case failed or the app is misconfigured,
2 bad arguments or an unreachable app or IdP.
`;

const OPTIONS = {
  'login-url': { type: 'string' },
  'protected-url': { type: 'string' },
  'client-id': { type: 'string' },
  user: { type: 'string' },
  issuer: { type: 'string' },
  'admin-token': { type: 'string' },
  port: { type: 'string' },
  'rotation-wait': { type: 'string' },
  'refresh-url': { type: 'string' },
  'session-idle': { type: 'string' },
  'session-absolute': { type: 'string' },
  'session-margin': { type: 'string' },
  timeout: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'junit'];
const isHttpUrl = (value: string | undefined) => value !== undefined && URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = numberFlag(value);
  if (n === undefined || !Number.isFinite(n) || n < 0 || n > 3600) throw new UsageError(`--${flag} must be a number of seconds from 0 to 3600, got "${value}"`);
  return Math.round(n * 1000);
}

function parse(args: string[]): { options: AppConformanceOptions; format: ReportFormat; out: string | undefined } | 'help' {
  const unknown = (raw: string) => `unknown option ${raw} for "conformance app"${didYouMean(raw.replace(/^-+/, ''), Object.keys(OPTIONS), (c) => `--${c}`)}`;
  const { values, positionals } = parseCommandLine(args, OPTIONS, unknown);
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  for (const flag of ['login-url', 'protected-url'] as const) {
    if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
    if (!isHttpUrl(values[flag])) throw new UsageError(`--${flag} must be an absolute http(s) URL, got "${values[flag]}"`);
  }
  if (values['refresh-url'] !== undefined && !isHttpUrl(values['refresh-url'])) throw new UsageError(`--refresh-url must be an absolute http(s) URL, got "${values['refresh-url']}"`);
  const [sessionIdle, sessionAbsolute, sessionMargin] = (['session-idle', 'session-absolute', 'session-margin'] as const).map((flag) => seconds(flag, values[flag]));
  for (const [flag, ms] of [['session-idle', sessionIdle], ['session-absolute', sessionAbsolute]] as const) {
    if (ms === 0) throw new UsageError(`--${flag} must be more than 0 seconds`);
  }
  if (!values['client-id']) throw new UsageError('--client-id is required (the app\'s client id at the mock)');
  if (values.issuer !== undefined && !isHttpUrl(values.issuer)) throw new UsageError(`--issuer must be an absolute http(s) URL, got "${values.issuer}"`);
  if (values.issuer !== undefined && values.port !== undefined) throw new UsageError('--port starts a mock-idp for the run; with --issuer the running one is used');
  if (values.issuer === undefined && values['admin-token'] !== undefined) throw new UsageError('--admin-token goes with --issuer');
  const port = numberFlag(values.port);
  if (values.port !== undefined && (port === undefined || !Number.isInteger(port) || port < 0 || port > 65_535)) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
  const format = (values.format ?? 'text') as ReportFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  const rotationWait = seconds('rotation-wait', values['rotation-wait']);
  const requestTimeout = seconds('timeout', values.timeout);
  const options: AppConformanceOptions = {
    loginUrl: values['login-url']!,
    protectedUrl: values['protected-url']!,
    clientId: values['client-id'],
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values.issuer !== undefined ? { issuer: values.issuer } : {}),
    ...(values['admin-token'] !== undefined ? { adminToken: values['admin-token'] } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(rotationWait !== undefined ? { rotationWait } : {}),
    ...(requestTimeout !== undefined ? { requestTimeout } : {}),
    ...(values['refresh-url'] !== undefined ? { refreshUrl: values['refresh-url'] } : {}),
    ...(sessionIdle !== undefined ? { sessionIdle: sessionIdle / 1000 } : {}),
    ...(sessionAbsolute !== undefined ? { sessionAbsolute: sessionAbsolute / 1000 } : {}),
    ...(sessionMargin !== undefined ? { sessionMargin: sessionMargin / 1000 } : {}),
  };
  return { options, format, out: values.out };
}

/** `mock-idp conformance app <argv>` (argv after `app`). Returns the exit code. */
export async function runConformanceAppCommand(argv: string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`mock-idp conformance: ${err.message} (mock-idp conformance app --help)\n`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout(CONFORMANCE_APP_USAGE);
    return 0;
  }
  const { options, format, out } = parsed;
  const { runAppConformance } = await import('../conformance/app/runner.js');
  try {
    return await printConformanceRun(() => runAppConformance(options), format, out, io);
  } catch (err) {
    if (err instanceof TypeError && /fetch failed/.test(err.message)) {
      io.stderr(`mock-idp conformance: the app at ${options.loginUrl} is unreachable (${String((err.cause as { code?: string } | undefined)?.code ?? err.message)})\n`);
      return 2;
    }
    throw err;
  }
}
