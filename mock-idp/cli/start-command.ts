import { checkStartOptions } from '../core/admin-options.js';
import { StartOptionsError } from '../core/errors.js';
import { DEFAULTS } from '../core/tenant/defaults.js';
import { lifetimeLines } from '../core/token-lifetimes.js';
import type { Tenant } from '../core/tenant/schema.js';
import { hostName } from '../http/allowed-hosts.js';
import { ROUTES } from '../oidc/routes.js';
import type { MockIdp, MockIdpCa, MockIdpOptions } from '../start.js';
import { parsePort, UsageError } from './args.js';

export interface StartFlags {
  config?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
  issuer?: string | undefined;
  https?: boolean | undefined;
  'tls-name'?: string[] | undefined;
  'trust-proxy'?: boolean | undefined;
  'allowed-host'?: string[] | undefined;
  'admin-token'?: string | undefined;
  'allow-remote-admin'?: boolean | undefined;
  'data-dir'?: string | undefined;
  redis?: string | undefined;
  'redis-prefix'?: string | undefined;
}

/** What the CLI says for a refused start option (exit code 2), in its flags' words. */
const START_OPTION_LINES: Record<StartOptionsError['code'], string> = {
  ERR_REMOTE_ADMIN_WITHOUT_TOKEN: '--allow-remote-admin needs --admin-token TOKEN (without it anyone who can reach the port could change users and keys)',
  ERR_ADMIN_TOKEN_EMPTY: '--admin-token is empty: give a secret',
  ERR_REDIS_WITH_DATA_DIR: '--redis and --data-dir together: the state lives in one place (Redis keeps it with its own persistence settings); give one of them',
};

/** A word for a POSIX shell: as it is when it is safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The lines `start --https` adds: which CA to trust, and the line that makes Node trust it. */
export function describeCa(ca: Pick<MockIdpCa, 'certPath'>): string {
  return [
    'HTTPS: the certificate comes from the local mock-idp TEST CA. Trust it (Node reads this at start):',
    `  export NODE_EXTRA_CA_CERTS=${shellWord(ca.certPath)}`,
    '  (browsers: import that file as a certificate authority; see the README, "HTTPS")',
    '',
  ].join('\n');
}

/** What `mock-idp start` prints: where it is, how to log in, and that it is a test IdP. */
export function describe(issuer: string, tenant: Tenant, addresses: string[], ca?: Pick<MockIdpCa, 'certPath'>): string {
  const lines = [
    'mock-idp: a local TEST identity provider (never use it for real users)',
    '',
    `  issuer               ${issuer}   (open it: what this is, the test users, how to point an Auth0 app at it)`,
    `  listening            ${addresses.join(', ')}`,
    `  discovery            ${issuer}.well-known/openid-configuration`,
    ...Object.entries(ROUTES).map(([name, path]) => `  ${name.replace(/_/g, ' ').padEnd(20)} ${issuer}${path.slice(1)}`),
    `  v2 logout            ${issuer}v2/logout`,
    `  debugger             ${issuer}_mock/   (keys, events, the token timeline, and why a token is accepted or refused)`,
    '',
    'Test users (email / password, roles):',
    ...tenant.users.map((u) => `  ${u.email.padEnd(22)} ${u.password.padEnd(14)} ${u.roles.join(', ') || '(no roles)'}`),
    '',
    'Applications:',
    ...tenant.applications.map((a) => `  ${a.clientId.padEnd(16)} ${a.appType.padEnd(12)} ${a.clientSecret ? `secret ${a.clientSecret}` : 'public (PKCE)'}`),
    '',
    'Token lifetimes ("(default)": the tenant file leaves the default):',
    ...lifetimeLines(tenant),
    '',
    ...(ca ? [describeCa(ca)] : []),
  ];
  return lines.join('\n');
}

/** The CA's typed errors as the CLI words them: a bad --tls-name is a bad argument (exit 2), the rest exit 1. */
function tlsFailure(err: unknown): unknown {
  const { name, code, message } = err as { name?: string; code?: string; message?: string };
  if (name !== 'TlsError') return err;
  if (code === 'ERR_TLS_INVALID_NAME') return new UsageError(`--tls-name: ${message}`);
  return Object.assign(new Error(`cannot serve HTTPS: ${message}`), { code, cause: err });
}

export async function runStart(flags: StartFlags): Promise<number> {
  const tlsNames = flags['tls-name'] ?? [];
  if (tlsNames.length && !flags.https) throw new UsageError('--tls-name names a certificate: it needs --https');
  const allowedHosts = flags['allowed-host'] ?? [];
  for (const name of allowedHosts) {
    if (hostName(name) === undefined || /[\s/]/.test(name)) throw new UsageError(`--allowed-host: ${JSON.stringify(name)} is not a host name`);
  }
  const options: MockIdpOptions = {
    port: parsePort(flags.port, DEFAULTS.port),
    host: flags.host ?? DEFAULTS.host,
    ...(flags.config ? { tenant: flags.config } : {}),
    ...(flags.issuer ? { issuer: flags.issuer } : {}),
    ...(flags.https ? { https: true, tlsNames } : {}),
    ...(flags['trust-proxy'] ? { trustProxy: true } : {}),
    ...(allowedHosts.length ? { allowedHosts } : {}),
    ...(flags['admin-token'] !== undefined ? { adminToken: flags['admin-token'] } : {}),
    ...(flags['allow-remote-admin'] ? { allowRemoteAdmin: true } : {}),
    ...(flags['data-dir'] !== undefined ? { dataDir: flags['data-dir'] } : {}),
    ...(flags.redis !== undefined ? { redis: flags.redis } : {}),
    ...(flags['redis-prefix'] !== undefined ? { redisPrefix: flags['redis-prefix'] } : {}),
  };
  if (options.redisPrefix !== undefined && options.redis === undefined) throw new UsageError('--redis-prefix names the keys in Redis: it needs --redis URL');
  try {
    // Before loading the mock (and oidc-provider's Node-version warning): a refused option is one line.
    checkStartOptions(options);
  } catch (err) {
    if (!(err instanceof StartOptionsError)) throw err;
    process.stderr.write(`mock-idp: ${START_OPTION_LINES[err.code]}\n`);
    return 2;
  }
  const { startMockIdp } = await import('../start.js');
  const idp: MockIdp = await startMockIdp(options).catch((err: unknown) => {
    throw tlsFailure(err);
  });
  process.stdout.write(`${describe(idp.issuer, idp.tenant, idp.addresses, idp.ca)}\nReady. Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Stops accepting; requests in flight get their answers (for up to 5 s). A second Ctrl-C ends it at once.
  process.stdout.write('mock-idp stopping: finishing the requests in flight\n');
  await idp.close();
  process.stdout.write('mock-idp stopped\n');
  return 0;
}
