import { DEFAULTS } from '../core/tenant/defaults.js';
import type { Tenant } from '../core/tenant/schema.js';
import { ROUTES } from '../oidc/routes.js';
import { startMockIdp } from '../start.js';
import { parsePort } from './args.js';

export interface StartFlags {
  config?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
  issuer?: string | undefined;
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
  const idp = await startMockIdp({
    port: parsePort(flags.port, DEFAULTS.port),
    host: flags.host ?? DEFAULTS.host,
    ...(flags.config ? { tenant: flags.config } : {}),
    ...(flags.issuer ? { issuer: flags.issuer } : {}),
  });
  process.stdout.write(`${describe(idp.issuer, idp.tenant, idp.addresses)}\nReady. Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await idp.close();
  process.stdout.write('mock-idp stopped\n');
  return 0;
}
