import type { Directory } from './directory.js';

/**
 * Auth0's "Allowed Web Origins" of an application: the browser origins that
 * may call the token, userinfo and revocation endpoints (CORS) and receive a
 * `response_mode=web_message` answer. Callback URLs do not count: a SPA must
 * list its origin here, as on Auth0.
 *
 * Without `clientId` the question is whether any application allows the
 * origin (a CORS preflight names no client).
 */
export function isAllowedWebOrigin(directory: Directory, origin: string, clientId?: string): boolean {
  const apps = clientId === undefined ? directory.tenant.applications : [directory.application(clientId)];
  return apps.some((app) => app?.webOrigins.some((url) => new URL(url).origin === origin) ?? false);
}
