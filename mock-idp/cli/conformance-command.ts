
import type { z } from 'zod';
import { CONFORMANCE_DEFAULTS } from '../conformance/defaults.js';
import type { ReportFormat } from '../conformance/report.js';
import { apiConformanceOptionsSchema, numericBounds } from '../conformance/options.js';
import type { ApiConformanceOptions } from '../conformance/types.js';
import { type CommandIo, PROCESS_IO, printConformanceRun } from './command-io.js';
import { didYouMean, flagIssues, numberFlag, parseCommandLine, type ParsedCommandLine, UsageError } from './args.js';

export const CONFORMANCE_USAGE = `Usage:
  mock-idp conformance api --url URL --audience API --permission PERM [options]
  mock-idp conformance app --login-url URL --protected-url URL --client-id ID [options]   (see mock-idp conformance app --help)

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
  --jwks-cooldown S      the API's minimum time between JWKS refetches: RS-34 waits this long after its last
                         fetch for it to pick up a new key (default ${CONFORMANCE_DEFAULTS.jwksCooldown / 1000}, jose's; 0: --rotation-wait only)
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
  'jwks-cooldown': { type: 'string' },
  timeout: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'junit'];

/** The flag behind each option of runApiConformance, to name it in a usage error. */
const FLAG_OF = {
  url: 'url', method: 'method', body: 'body', audience: 'audience', permission: 'permission', issuer: 'issuer', adminToken: 'admin-token',
  port: 'port', user: 'user', tokenDialect: 'token-dialect', clockTolerance: 'clock-tolerance', rotationWait: 'rotation-wait', jwksCooldown: 'jwks-cooldown', requestTimeout: 'timeout',
} as const satisfies Partial<Record<keyof ApiConformanceOptions, keyof typeof OPTIONS>>;

/** The options the flags give in seconds but runApiConformance takes in milliseconds. */
const IN_MILLISECONDS = new Set<string>(['rotationWait', 'jwksCooldown', 'requestTimeout']);

/** Seconds from a flag (fractions allowed) as milliseconds, for the schema to check; NaN when not a number. */
const milliseconds = (value: string | undefined) => {
  const seconds = numberFlag(value);
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
};

interface Parsed {
  options: ApiConformanceOptions;
  format: ReportFormat;
  out: string | undefined;
}

type Flags = ParsedCommandLine<typeof OPTIONS>['values'];

/** The options of runApiConformance the flags describe: only their syntax here (units, repeats); the rules are the schema's. */
function optionsFromFlags(values: Flags): ApiConformanceOptions {
  const options = {
    url: values.url,
    method: values.method,
    body: values.body,
    audience: values.audience,
    // --permission may be repeated and comma-separated: one comma-separated string, split by the schema.
    permission: values.permission?.join(','),
    issuer: values.issuer,
    adminToken: values['admin-token'],
    port: numberFlag(values.port),
    user: values.user,
    tokenDialect: values['token-dialect'],
    clockTolerance: numberFlag(values['clock-tolerance']),
    rotationWait: milliseconds(values['rotation-wait']),
    jwksCooldown: milliseconds(values['jwks-cooldown']),
    requestTimeout: milliseconds(values.timeout),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as unknown as ApiConformanceOptions;
}

/** A schema issue worded by its flag, with the value as typed (and seconds for the options in milliseconds). */
function describeIssue(values: Flags, issue: z.core.$ZodIssue, flag: string): string {
  const field = String(issue.path[0]) as keyof typeof FLAG_OF;
  const typed = values[FLAG_OF[field]];
  const got = typed === undefined ? '' : `, got "${Array.isArray(typed) ? typed.join(',') : typed}"`;
  if (IN_MILLISECONDS.has(field)) {
    const { min, max } = numericBounds(field as 'rotationWait' | 'jwksCooldown' | 'requestTimeout');
    return `${flag} must be a number of seconds from ${min / 1000} to ${max / 1000}${got}`;
  }
  return `${flag} ${issue.message}${got}`;
}

const unknownOption = (rawName: string) => `unknown option ${rawName} for "conformance api"${didYouMean(rawName.replace(/^-+/, ''), Object.keys(OPTIONS), (c) => `--${c}`)}`;

function parse(argv: readonly string[]): Parsed | 'help' {
  const args = argv[0] === 'conformance' ? argv.slice(1) : [...argv];
  const { values, positionals } = parseCommandLine(args, OPTIONS, unknownOption);
  if (values.help) return 'help';
  const [target, ...rest] = positionals;
  if (target !== 'api') throw new UsageError(target === undefined ? 'say what to test: mock-idp conformance api ... or mock-idp conformance app ...' : `unknown conformance target "${target}"${didYouMean(target, ['api', 'app']) || ' ("api" or "app")'}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  // What only the command line has: its own flags, and which flags go together.
  if (values.issuer !== undefined && values.port !== undefined) throw new UsageError('--port starts a mock-idp for the run; with --issuer the running one is used');
  if (values.issuer === undefined && values['admin-token'] !== undefined) throw new UsageError('--admin-token goes with --issuer');
  const format = (values.format ?? 'text') as ReportFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  // The rules of the options themselves are runApiConformance's, stated once in its schema.
  const options = optionsFromFlags(values);
  const checked = apiConformanceOptionsSchema.safeParse(options);
  if (!checked.success) throw new UsageError(flagIssues(checked.error, FLAG_OF, (issue, flag) => describeIssue(values, issue, flag)));
  return { options, format, out: values.out };
}

export type ConformanceCommandIo = CommandIo;

/**
 * `mock-idp conformance <argv>`: argv is what follows `conformance` (a leading
 * `conformance` is tolerated), e.g. `['api', '--url', ...]`. Returns the exit code.
 */
export async function runConformanceCommand(argv: string[], io: ConformanceCommandIo = PROCESS_IO): Promise<number> {
  const args = argv[0] === 'conformance' ? argv.slice(1) : argv;
  if (args[0] === 'app') {
    const { runConformanceAppCommand } = await import('./conformance-app-command.js');
    return runConformanceAppCommand(args.slice(1), io);
  }
  let parsed: Parsed | 'help';
  try {
    parsed = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // One line naming the mistake; the whole usage is for --help.
    io.stderr(`mock-idp conformance: ${err.message} (mock-idp conformance --help)\n`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout(CONFORMANCE_USAGE);
    return 0;
  }
  const { options, format, out } = parsed;
  const { runApiConformance } = await import('../conformance/runner.js');
  // The run rotates the keys of the mock it drives (RS-34, RS-35) and puts them back: a running one, other apps trust it too.
  const mock = `the mock-idp at ${options.issuer}`;
  if (options.issuer !== undefined) io.stderr(`mock-idp conformance: the run rotates the signing key of ${mock} (RS-34, RS-35) and puts its keys back at the end\n`);
  let restored: boolean | undefined;
  const code = await printConformanceRun(async () => {
    const report = await runApiConformance(options);
    restored = report.keysRestored;
    return report;
  }, format, out, io);
  if (options.issuer !== undefined && restored !== undefined) {
    io.stderr(
      restored
        ? `mock-idp conformance: the keys of ${mock} are back as they were\n`
        : `mock-idp conformance: WARNING the keys of ${mock} could not be put back: the run's key signs now and the old one left its JWKS (restart the mock to get its keys back)\n`,
    );
  }
  return code;
}
