import { checkAdminOptions } from '../core/admin-options.js';
import { StartOptionsError } from '../core/errors.js';
import { DEFAULTS } from '../core/tenant/defaults.js';
import type { Tenant } from '../core/tenant/schema.js';
import { ROUTES } from '../oidc/routes.js';
import type { MockIdp, MockIdpOptions } from '../start.js';

export interface StartFlags {
  config?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
  issuer?: string | undefined;
  'admin-token'?: string | undefined;
  'allow-remote-admin'?: boolean | undefined;
}

/** What the CLI says for a refused start option (exit code 2), in its flags' words. */
const START_OPTION_LINES: Record<StartOptionsError['code'], string> = {
  ERR_REMOTE_ADMIN_WITHOUT_TOKEN: '--allow-remote-admin needs --admin-token TOKEN (without it anyone who can reach the port could change users and keys)',
  ERR_ADMIN_TOKEN_EMPTY: '--admin-token is empty: give a secret',
};

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.port;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw Object.assign(new Error(`--port must be an integer from 0 to 65535, got "${value}"`), { code: 'ERR_PARSE_ARGS_INVALID' });
  return port;
}

/** What `mock-idp start` prints: where it is, how to log in, and that it is a test IdP. */
export function describe(issuer: string, tenant: Tenant, addresses: string[]): string {
  const lines = [
    'mock-idp: a local TEST identity provider (never use it for real users)',
    '',
    `  issuer               ${issuer}`,
    `  listening            ${addresses.join(', ')}`,
    `  discovery            ${issuer}.well-known/openid-configuration`,
    ...Object.entries(ROUTES).map(([name, path]) => `  ${name.replace(/_/g, ' ').padEnd(20)} ${issuer}${path.slice(1)}`),
    `  v2 logout            ${issuer}v2/logout`,
    `  debugger             ${issuer}_mock/   (keys, events, and why a token is accepted or refused)`,
    '',
    'Test users (email / password, roles):',
    ...tenant.users.map((u) => `  ${u.email.padEnd(22)} ${u.password.padEnd(14)} ${u.roles.join(', ') || '(no roles)'}`),
    '',
    'Applications:',
    ...tenant.applications.map((a) => `  ${a.clientId.padEnd(16)} ${a.appType.padEnd(12)} ${a.clientSecret ? `secret ${a.clientSecret}` : 'public (PKCE)'}`),
    '',
  ];
  return lines.join('\n');
}

export async function runStart(flags: StartFlags): Promise<number> {
  const options: MockIdpOptions = {
    port: parsePort(flags.port),
    host: flags.host ?? DEFAULTS.host,
    ...(flags.config ? { tenant: flags.config } : {}),
    ...(flags.issuer ? { issuer: flags.issuer } : {}),
    ...(flags['admin-token'] !== undefined ? { adminToken: flags['admin-token'] } : {}),
    ...(flags['allow-remote-admin'] ? { allowRemoteAdmin: true } : {}),
  };
  try {
    // Before loading the mock: a refused option is one line, with nothing else printed.
    checkAdminOptions(options);
  } catch (err) {
    if (!(err instanceof StartOptionsError)) throw err;
    process.stderr.write(`mock-idp: ${START_OPTION_LINES[err.code]}\n`);
    return 2;
  }
  const { startMockIdp } = await import('../start.js');
  const idp: MockIdp = await startMockIdp(options);
  process.stdout.write(`${describe(idp.issuer, idp.tenant, idp.addresses)}\nReady. Ctrl-C to stop.\n`);
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
