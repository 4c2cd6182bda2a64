#!/usr/bin/env node
import { didYouMean, parseCommandLine, UsageError } from './args.js';

export { UsageError };

export const USAGE = `mock-idp: a local, offline stand-in for Auth0 (a TEST identity provider)

Usage:
  mock-idp [start] [--config FILE] [--port 4000] [--host localhost] [--issuer URL]
                   [--https [--tls-name NAME]...] [--trust-proxy] [--allowed-host NAME]...
                   [--admin-token T [--allow-remote-admin]] [--data-dir DIR | --redis URL [--redis-prefix P]]
  mock-idp ca [--bundle]
  mock-idp token (--user EMAIL|SUB | --client CLIENT_ID) --audience API [options]
  mock-idp token --user EMAIL|SUB --id-token [--client-id APP] [options]
  mock-idp faults [--json]
  mock-idp explain TOKEN [--audience API] [--issuer URL]   (or the token on stdin)
  mock-idp clock [advance DURATION] [--issuer URL] [--admin-token T] [--json]
  mock-idp state (export|import) FILE (--issuer URL [--admin-token T] | --data-dir DIR)
  mock-idp conformance api --url URL --audience API --permission P [options]   (see mock-idp conformance --help)
  mock-idp conformance app --login-url URL --protected-url URL --client-id ID [options]   (see mock-idp conformance app --help)

Commands:
  start     start the IdP (the default command)
  ca        print the path of the local TEST CA's certificate (created if absent), for
              NODE_EXTRA_CA_CERTS=$(mock-idp ca) node app.js
  token     print a signed token to stdout, e.g. for curl:
              curl -H "Authorization: Bearer $(mock-idp token --user alice@example.com --audience https://api.example.com)" ...
  faults    list the bad-token presets (ids for --fault) with what a correct API does with each
  explain   why an API accepts or refuses a token: every check (signature, kid, typ, iss, aud, exp, ...)
            with jose's error code, asked from the running mock (also at <issuer>_mock/ in a browser)
  clock     time travel: show how far the running mock's clock is ahead of the real time, or move it
            forward ("advance 30d": sessions, codes, refresh tokens, device codes expire on it)
  state     move a whole run-time state (users, sessions, refresh tokens, keys, outbox) between mocks:
            export it to FILE, or import FILE, on a running mock (--issuer) or a stopped one's --data-dir
  conformance  run the failure-mode catalogue against a JWT-protected API (RS-01..RS-40) or a login app (RP cases)

Options of start:
  --config FILE   tenant file (default: the shipped fixtures/tenant.json)
  --port N        port to listen on (default 4000; 0 picks a free port)
  --host HOST     localhost (default: binds 127.0.0.1 and ::1) or an address to bind
  --issuer URL    issuer to advertise (default http://<host>:<port>/, https:// with --https)
  --https         serve HTTPS on the same port, with a certificate from the local TEST CA
                  (kept in $MOCK_IDP_HOME/ca, default ~/.mock-idp/ca); prints the
                  export NODE_EXTRA_CA_CERTS=... line that makes Node trust it
  --tls-name NAME another name for the certificate beside localhost, 127.0.0.1, ::1 and the
                  issuer's host, e.g. a container's name (repeatable; with --https)
  --trust-proxy   behind your own TLS terminator or port mapping: endpoint URLs and redirects
                  follow X-Forwarded-Proto / X-Forwarded-Host (set --issuer to the public URL)
  --allowed-host NAME
                  another host name the admin API, the login and the device pages answer to
                  (against DNS rebinding they answer only to the issuer's host, localhost, IP
                  addresses and --tls-name names), e.g. a container's name (repeatable)
  --admin-token T the admin API (/_mock/) then needs Authorization: Bearer T
  --allow-remote-admin
                  let other machines use the admin API (needs --admin-token)
  --data-dir DIR  keep the run-time state across restarts in DIR/state.json (created if absent):
                  sign-ups and other tenant edits, sessions, refresh tokens, rotated keys, the outbox;
                  the --config tenant stays the seed. A corrupt or newer-format file is refused (exit 1)
  --redis URL     keep the state in Redis (redis://HOST:PORT) so that several mock processes answer as
                  one tenant (start each with the same --issuer and --config): sessions, tokens, tenant
                  edits, rotated keys, the clock. Not with --data-dir
  --redis-prefix P
                  the prefix of this tenant's keys in Redis (default mock-idp:<issuer>:), so that
                  several tenants can share one redis-server

Options of ca:
  --bundle        print instead the path of a bundle: Node's root CAs, the file NODE_EXTRA_CA_CERTS
                  names now (if any) and the mock's CA (for SSL_CERT_FILE, curl --cacert, or
                  NODE_EXTRA_CA_CERTS when it already names another file)

Options of token:
  --user ID            a tenant user (email or sub) ...
  --client ID          ... or a machine-to-machine application (sub "<ID>@clients")
  --audience API       the API identifier (aud); required for access tokens
  --permissions a,b    replace the permissions the tenant gives ("" for none)
  --scope "a b"        replace the scope (default: the permissions)
  --expires-in S       lifetime in seconds (default: the API's token lifetime)
  --fault ID           apply a bad-token preset (see "mock-idp faults"), e.g. RS-18
  --clock-tolerance S  the API's clock tolerance, for the RS-13/14/16 presets (default 5)
  --canary-url URL     where the RS-30 jku / x5u headers point
  --claims JSON        extra claims, e.g. '{"https://example.com/tenant":"acme"}'
  --id-token           an ID token for the user instead of an access token
  --client-id APP      the application: azp of a user's access token, aud of an ID token
  --json               print the whole answer as JSON (token, kind, fault) instead of the token
  --issuer URL         ask the mock-idp running at this issuer (POST <issuer>_mock/tokens), so the
                       token verifies against its JWKS; without it the token is signed here with the
                       tenant's keys (fixtures/dev-keys.json) for issuer http://localhost:<port>/
  --admin-token T      the running mock's admin token (with --issuer)
  --config FILE        tenant file for local signing (default: the shipped fixtures/tenant.json)
  --port N             port of the local issuer (default 4000)

Options of explain:
  --audience API       the API identifier the token should be for (without it aud is only shown)
  --clock-tolerance S  the API's leeway for exp, nbf, iat (default 0)
  --issuer URL         the running mock-idp to ask (default http://localhost:4000/)
  --admin-token T      its admin token, if it has one
  --json               print the explanation as JSON

Options of clock:
  advance DURATION     move forward by seconds or a duration: 30d, 12h, 90m, 45s, 2w, 1d12h (never back;
                       POST /_mock/reset returns to the real time with the rest of the state)
  --issuer URL         the running mock-idp (default http://localhost:4000/)
  --admin-token T      its admin token, if it has one
  --json               print { offset, now, epoch } as JSON

Options of state:
  export FILE          write the state to FILE (a JSON snapshot, with private keys and passwords: test data)
  import FILE          replace the state with FILE's (a corrupt or newer-format file is refused, exit 1)
  --issuer URL         the running mock-idp (GET / POST <issuer>_mock/state)
  --admin-token T      its admin token, if it has one
  --data-dir DIR       instead, the data directory of a mock that is not running (DIR/state.json)

  -h, --help      show this help

Exit codes: 0 ok (explain: the token is valid), 1 failure (bad tenant, port in use, unknown user or fault,
mock unreachable; explain: the token is refused), 2 bad arguments.
`;

const OPTIONS = {
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  issuer: { type: 'string' },
  https: { type: 'boolean' },
  'tls-name': { type: 'string', multiple: true },
  'trust-proxy': { type: 'boolean' },
  'allowed-host': { type: 'string', multiple: true },
  bundle: { type: 'boolean' },
  user: { type: 'string' },
  client: { type: 'string' },
  audience: { type: 'string' },
  permissions: { type: 'string' },
  scope: { type: 'string' },
  'expires-in': { type: 'string' },
  fault: { type: 'string' },
  'clock-tolerance': { type: 'string' },
  'canary-url': { type: 'string' },
  claims: { type: 'string' },
  'id-token': { type: 'boolean' },
  'client-id': { type: 'string' },
  'admin-token': { type: 'string' },
  'allow-remote-admin': { type: 'boolean' },
  'data-dir': { type: 'string' },
  redis: { type: 'string' },
  'redis-prefix': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Option = keyof typeof OPTIONS;

/** Which options each command takes; any other is a usage error. */
const ALLOWED: Record<string, readonly Option[]> = {
  start: ['config', 'port', 'host', 'issuer', 'https', 'tls-name', 'trust-proxy', 'allowed-host', 'admin-token', 'allow-remote-admin', 'data-dir', 'redis', 'redis-prefix'],
  ca: ['bundle'],
  token: [
    'user', 'client', 'audience', 'permissions', 'scope', 'expires-in', 'fault', 'clock-tolerance', 'canary-url', 'claims',
    'id-token', 'client-id', 'json', 'issuer', 'admin-token', 'config', 'port',
  ],
  faults: ['json'],
  explain: ['audience', 'clock-tolerance', 'issuer', 'admin-token', 'json'],
  clock: ['issuer', 'admin-token', 'json'],
  state: ['issuer', 'admin-token', 'data-dir'],
};

const COMMANDS = [...Object.keys(ALLOWED), 'conformance'];
const flag = (name: string) => `--${name}`;

/** An option `main` does not know, for the command it is given to (the default, start, when none is). */
function unknownOption(rawName: string, positionals: string[]): string {
  const command = positionals[0] ?? 'start';
  if (!COMMANDS.includes(command)) return unknownCommand(command);
  if (command === 'clock' && /^-\d/.test(rawName)) return 'the clock only moves forward: a negative duration is refused (POST /_mock/reset goes back to the real time, with the rest of the state)';
  const allowed = ALLOWED[command] ?? [];
  return `unknown option ${rawName} for "${command}"${didYouMean(rawName.replace(/^-+/, ''), allowed, flag)}`;
}

function unknownCommand(command: string): string {
  return `unknown command "${command}"${didYouMean(command, COMMANDS)}`;
}

/** An option of another command: where it belongs, or the one of this command it is likely a typo of. */
function misplacedOption(name: Option, command: string): string {
  const owners = Object.entries(ALLOWED).filter(([, options]) => options.includes(name)).map(([owner]) => owner);
  const near = didYouMean(name, ALLOWED[command] ?? [], flag);
  return `option --${name} does not apply to "${command}"${near || ` (it is an option of ${owners.join(', ')})`}`;
}

async function main(argv: string[]): Promise<number> {
  // `conformance` has its own options and usage.
  if (argv[0] === 'conformance') {
    const { runConformanceCommand } = await import('./conformance-command.js');
    return runConformanceCommand(argv.slice(1));
  }
  const { values, positionals } = parseCommandLine(argv, OPTIONS, unknownOption);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [command = 'start', ...rest] = positionals;
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(unknownCommand(command));
  // Only explain (the token), clock (advance DURATION) and state (export|import FILE) take arguments.
  const extra = command === 'explain' ? rest.slice(1) : command === 'clock' || command === 'state' ? [] : rest;
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}" for "${command}"`);
  const stray = (Object.keys(values) as Option[]).find((name) => name !== 'help' && !allowed.includes(name));
  if (stray) throw new UsageError(misplacedOption(stray, command));
  switch (command) {
    case 'token': {
      const { runToken } = await import('./token-command.js');
      return runToken(values);
    }
    case 'explain': {
      const { runExplain } = await import('./explain-command.js');
      return runExplain(values, rest[0]);
    }
    case 'clock': {
      const { runClock } = await import('./clock-command.js');
      return runClock(values, rest);
    }
    case 'state': {
      const { runState } = await import('./state-command.js');
      return runState(values, rest);
    }
    case 'ca': {
      const { runCa } = await import('./ca-command.js');
      return runCa(values);
    }
    case 'faults': {
      const { runFaults } = await import('./faults-command.js');
      return runFaults(values);
    }
    default: {
      const { runStart } = await import('./start-command.js');
      return runStart(values);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    // A usage mistake is one line naming it; the whole usage is for --help.
    const usage = err instanceof UsageError;
    process.stderr.write(`mock-idp: ${(err as Error).message}${usage ? ' (mock-idp --help)' : ''}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
