import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { MockState } from '../core/state.js';
import type { TimelineEntry } from '../core/events-timeline.js';
import { accessTokenLifetime, idTokenLifetime, refreshTokenLifetimes } from '../core/token-lifetimes.js';
import type { Directory } from '../core/directory.js';

/** The fields of oidc-provider's token models the timeline reads (documented event payloads: the model instance). */
interface TokenModel {
  jti?: string;
  kind?: string;
  accountId?: string;
  clientId?: string;
  grantId?: string;
  sid?: string;
  iat?: number;
  exp?: number;
  iiat?: number;
  rotations?: number;
  aud?: string | string[];
  expiration?: number;
  resourceServer?: { identifier(): string; audience?: string };
}

interface OidcOfEvent {
  route?: string;
  params?: { grant_type?: unknown };
  body?: Record<string, unknown>;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const oidcOf = (ctx: unknown) => (ctx as { oidc?: OidcOfEvent } | undefined)?.oidc;

function times(token: TokenModel, now: number): { iat: number; exp: number } {
  const iat = token.iat ?? now;
  return { iat, exp: token.exp ?? iat + (token.expiration ?? 0) };
}

const who = (token: TokenModel) => ({
  ...(token.clientId ? { clientId: token.clientId } : {}),
  ...(token.accountId ? { sub: token.accountId } : {}),
  ...(token.sid ? { session: token.sid } : {}),
  ...(token.grantId ? { family: token.grantId } : {}),
});

/**
 * Records each token oidc-provider issues on the mock's timeline (core/events-timeline.ts), through
 * its documented events (`access_token.issued`, `refresh_token.saved`, `refresh_token.consumed`,
 * `grant.revoked`, ...) and, for ID tokens (which have no event), a `provider.use` middleware that
 * reads the token endpoint's answer. Each entry says when the token expires, the lifetime that applied
 * and the tenant setting it came from.
 */
export function recordTokenTimeline(provider: Provider, state: MockState, directory: Directory): Middleware {
  const { timeline } = state;
  const on = provider.on.bind(provider) as (event: string, listener: (...args: unknown[]) => void) => void;
  const kid = () => state.keys.active.kid;

  const accessToken = (token: TokenModel) => {
    const now = state.clock.nowSeconds();
    const { iat, exp } = times(token, now);
    const audience = token.resourceServer?.identifier() ?? (typeof token.aud === 'string' ? token.aud : undefined);
    const lifetime = accessTokenLifetime(directory, audience);
    timeline.add({
      kind: 'issued', token: 'access_token', ...who(token),
      ...(audience ? { audience } : {}), issuedAt: iso(iat), expiresAt: iso(exp),
      lifetime: { ...lifetime, seconds: exp - iat },
      ...(token.resourceServer ? { kid: kid() } : { note: 'opaque: only /userinfo reads it' }),
    });
  };
  for (const name of ['access_token.issued', 'access_token.saved', 'client_credentials.issued', 'client_credentials.saved']) on(name, (token) => accessToken(token as TokenModel));

  on('refresh_token.saved', (raw) => {
    const token = raw as TokenModel;
    if (!token.clientId) return;
    const now = state.clock.nowSeconds();
    const { iat, exp } = times(token, now);
    const { idle, absolute } = refreshTokenLifetimes(directory, token.clientId);
    const absoluteEnd = (token.iiat ?? iat) + absolute.seconds;
    // The refresh token dies at its idle lifetime, or at the family's absolute end when that comes first.
    const applied = exp >= absoluteEnd ? absolute : idle;
    timeline.add({
      kind: 'issued', token: 'refresh_token', ...who(token), issuedAt: iso(iat), expiresAt: iso(exp),
      lifetime: { ...applied, seconds: exp - iat },
      refresh: { idle, absolute, absoluteExpiresAt: iso(absoluteEnd), rotations: token.rotations ?? 0 },
    });
  });
  on('refresh_token.consumed', (raw) => {
    const token = raw as TokenModel;
    timeline.add({ kind: 'rotated', token: 'refresh_token', ...who(token), note: `refresh token exchanged (rotation ${(token.rotations ?? 0) + 1}): the old one is spent, reusing it trips reuse detection` });
  });
  on('grant.revoked', (ctx, grantId) => {
    const oidc = oidcOf(ctx);
    const family = typeof grantId === 'string' ? grantId : undefined;
    if (!family) return;
    const known = timeline.familyOf(family);
    const base = { ...known, family };
    if (oidc?.route === 'token' && oidc.params?.grant_type === 'refresh_token') {
      timeline.add({ kind: 'reuse_detected', token: 'refresh_token', ...base, note: 'a rotated refresh token was used again (outside the reuse interval)' });
      timeline.add({ kind: 'family_revoked', ...base, note: 'reuse detection revoked the whole family: its newest refresh token fails too; access tokens already issued stay valid until they expire' });
      return;
    }
    const by = oidc?.route === 'revocation' ? '/oauth/revoke' : oidc?.route === 'end_session' ? 'logout' : 'the grant ended';
    timeline.add({ kind: 'family_revoked', ...base, note: `family revoked by ${by}` });
  });

  // ID tokens have no oidc-provider event: read them off the token endpoint's answer.
  return async (ctx, next) => {
    const before = timeline.lastSeq;
    await next();
    const route = (ctx as unknown as { oidc?: OidcOfEvent }).oidc?.route;
    if (route !== 'token' || ctx.status !== 200 || typeof ctx.body !== 'object' || ctx.body === null) return;
    const idToken = (ctx.body as { id_token?: unknown }).id_token;
    if (typeof idToken === 'string') recordIdToken(state, directory, idToken, before);
  };
}

function recordIdToken(state: MockState, directory: Directory, idToken: string, since: number): TimelineEntry | undefined {
  const claims = decodeJwt(idToken);
  const clientId = typeof claims.aud === 'string' ? claims.aud : claims.aud?.[0];
  if (!clientId || claims.iat === undefined || claims.exp === undefined) return undefined;
  // The family: that of the tokens this same answer carries (recorded during the request).
  const family = state.timeline.list({ since, client: clientId }).find((e) => e.family && e.sub === claims.sub)?.family;
  const lifetime = idTokenLifetime(directory, clientId);
  const { kid } = decodeProtectedHeader(idToken);
  return state.timeline.add({
    kind: 'issued', token: 'id_token', clientId,
    ...(claims.sub ? { sub: claims.sub } : {}),
    ...(typeof claims.sid === 'string' ? { session: claims.sid } : {}),
    ...(family ? { family } : {}),
    issuedAt: iso(claims.iat), expiresAt: iso(claims.exp),
    lifetime: { ...lifetime, seconds: claims.exp - claims.iat },
    ...(kid ? { kid } : {}),
  });
}
