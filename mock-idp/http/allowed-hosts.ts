import type { Middleware } from 'koa';
import { HttpError } from './errors.js';

/** The names every mock answers to, whatever its issuer: loopback. */
const LOOPBACK_NAMES = ['localhost'];

/** The `error` code of a request whose Host is not one of the mock's names (421 Misdirected Request). */
export const HOST_NOT_ALLOWED = 'misdirected_request';

/** The name part of a Host header or an allow-list entry, lower-cased, without the port, brackets kept for IPv6. */
export function hostName(host: string): string | undefined {
  const trimmed = host.trim().toLowerCase();
  if (trimmed === '' || !URL.canParse(`http://${trimmed}/`)) return undefined;
  return new URL(`http://${trimmed}/`).hostname.replace(/\.$/, '');
}

/** An IP literal (`127.0.0.1`, `[::1]`, `10.0.0.5`): DNS plays no part in reaching it, so no rebinding either. */
const isIpLiteral = (name: string) => name.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(name);

/**
 * The Host names the mock's pages answer to, against DNS rebinding: a page of `evil.example` whose name
 * the attacker re-points at 127.0.0.1 reaches the mock with `Host: evil.example:<port>`. Allowed: the
 * issuer's host, `localhost`, any IP literal (127.0.0.1, [::1], the address of `--host 0.0.0.0`), and the
 * names given. The port is not compared: the attacker controls the name, not the port, and a Docker port
 * mapping (`-p 8080:4000`) or a proxy legitimately changes it.
 */
export function allowedHostNames(issuer: string, extra: readonly string[] = []): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  for (const host of [new URL(issuer).host, ...extra]) {
    const name = hostName(host);
    if (name !== undefined) names.add(name);
  }
  return names;
}

export function isAllowedHost(host: string, allowed: ReadonlySet<string>): boolean {
  // No Host at all (HTTP/1.0): no browser sends such a request, so no page of another name is behind it.
  if (host === '') return true;
  const name = hostName(host);
  return name !== undefined && (allowed.has(name) || isIpLiteral(name));
}

/**
 * Refuses a request whose Host is not one of the mock's names: 421 Misdirected Request (RFC 9110 §15.5.20).
 * With trustProxy, the name the browser used is X-Forwarded-Host (Koa's ctx.host): judged instead of the proxy's Host.
 */
export function hostGuard(allowed: ReadonlySet<string>): Middleware {
  return async (ctx, next) => {
    if (!isAllowedHost(ctx.host, allowed)) {
      throw new HttpError(421, `mock-idp does not answer to the host name ${JSON.stringify(ctx.host)} here (it answers to ${[...allowed].join(', ')} and IP addresses; add a name with allowedHosts)`, HOST_NOT_ALLOWED);
    }
    await next();
  };
}
