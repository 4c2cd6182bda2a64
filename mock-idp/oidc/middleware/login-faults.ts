import type { Context, Middleware } from 'koa';
import { decodeJwt } from 'jose';
import type { EventLog } from '../../core/events.js';
import { esc, unesc } from '../../core/html.js';
import type { LoginFaultPlan, LoginFaults } from '../../core/login-faults.js';
import { ROUTES } from '../routes.js';

interface OidcOfRequest {
  route?: string;
  params?: Record<string, unknown>;
  client?: { clientId: string };
}

type Note = (type: string, plan: LoginFaultPlan, idToken?: string, extra?: Record<string, string>) => void;

const oidcOf = (ctx: Context) => (ctx as Context & { oidc?: OidcOfRequest }).oidc;
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The hidden inputs of oidc-provider's form_post page (lib/response_modes/form_post.js): `name="…" value="…"`. */
const FORM_INPUT = /<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g;

/** What the authorization response carries, wherever the response mode put it. */
interface Carrier {
  params: Map<string, string>;
  write(params: Map<string, string>): void;
}

function carrierOf(ctx: Context): Carrier | undefined {
  const location = ctx.response.get('location');
  if (location && URL.canParse(location)) {
    const url = new URL(location);
    const inFragment = url.hash.length > 1;
    const source = new URLSearchParams(inFragment ? url.hash.slice(1) : url.search);
    return {
      params: new Map(source),
      write: (params) => {
        const next = new URLSearchParams([...params]);
        if (inFragment) url.hash = next.toString();
        else url.search = next.toString();
        ctx.redirect(url.href);
      },
    };
  }
  if (typeof ctx.body === 'string' && ctx.body.includes('<form method="post"')) {
    const body = ctx.body;
    const params = new Map([...body.matchAll(FORM_INPUT)].map((m) => [m[1] ?? '', unesc(m[2] ?? '')] as [string, string]));
    if (params.size === 0) return undefined;
    return {
      params,
      write: (next) => {
        const inputs = [...next].map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}"/>`).join('\n');
        let first = true;
        ctx.body = body.replace(/<input type="hidden" name="[^"]*" value="[^"]*"\/>\n?\s*/g, () => {
          const out = first ? `${inputs}\n    ` : '';
          first = false;
          return out;
        });
      },
    };
  }
  return undefined;
}

/**
 * Applies the faults the relying-party conformance harness planted for one
 * authorization (core/login-faults.ts), keyed by its state and client: its
 * authorization response, the token answers for its code and refresh tokens,
 * the userinfo answer for its access token. Logs what the app did with them
 * (`login.code_redeemed`, `login.refreshed`, `login.userinfo`). Every other
 * request passes untouched.
 */
export function loginFaults(faults: LoginFaults, events: EventLog): Middleware {
  const note: Note = (type, plan, idToken, extra) => events.add({ type, clientId: plan.clientId, detail: { state: plan.state, fault: plan.fault, ...sessionOf(idToken), ...extra } });
  return async (ctx, next) => {
    if (ctx.path === ROUTES.userinfo) {
      const token = /^Bearer +(\S+)$/i.exec(ctx.get('authorization'))?.[1];
      const plan = faults.forArtifact(token);
      await next();
      if (!plan) return;
      note('login.userinfo', plan);
      if (plan.tamper.userinfo && ctx.status === 200 && ctx.body !== null && typeof ctx.body === 'object') {
        ctx.body = plan.tamper.userinfo({ ...(ctx.body as Record<string, unknown>) });
      }
      return;
    }
    await next();
    const oidc = oidcOf(ctx);
    if (oidc?.route === 'token') return answerToken(ctx, oidc, faults, note);
    if (oidc?.route !== 'authorization' && oidc?.route !== 'resume') return;
    const plan = faults.forAuthorization({ clientId: oidc.client?.clientId, state: str(oidc.params?.state), nonce: str(oidc.params?.nonce), codeChallenge: str(oidc.params?.code_challenge) });
    if (!plan) return;
    const carrier = carrierOf(ctx);
    if (!carrier) return;
    const { params } = carrier;
    if (!params.has('code') && !params.has('id_token') && !params.has('access_token')) return;
    const error = plan.tamper.authorizationError;
    if (error) {
      const replaced = new Map<string, string>([['error', error.error], ['error_description', error.error_description]]);
      for (const name of ['state', 'iss']) if (params.has(name)) replaced.set(name, params.get(name)!);
      carrier.write(replaced);
      note('login.fault_planted', plan);
      return;
    }
    const code = params.get('code');
    if (code) faults.bind(plan, code);
    const accessToken = params.get('access_token');
    if (accessToken) faults.bind(plan, accessToken);
    const idToken = params.get('id_token');
    if (idToken && plan.tamper.idToken) {
      params.set('id_token', await plan.tamper.idToken(idToken, 'authorization'));
      carrier.write(params);
    }
    note('login.fault_planted', plan, idToken);
  };
}

/** The `sub` and `sid` of the ID token the mock issued (before any tamper): the session a harness may log out over the back channel (RP-24). */
function sessionOf(idToken: string | undefined): { sub?: string; sid?: string } {
  const { sub, sid } = decoded(idToken);
  return { ...(typeof sub === 'string' ? { sub } : {}), ...(typeof sid === 'string' ? { sid } : {}) };
}

async function answerToken(ctx: Context, oidc: OidcOfRequest, faults: LoginFaults, note: Note): Promise<void> {
  const grantType = str(oidc.params?.grant_type);
  const refreshed = grantType === 'refresh_token';
  const plan = grantType === 'authorization_code' ? faults.forArtifact(str(oidc.params?.code)) : refreshed ? faults.forArtifact(str(oidc.params?.refresh_token)) : undefined;
  if (!plan) return;
  const type = refreshed ? 'login.refreshed' : 'login.code_redeemed';
  if (ctx.status !== 200 || ctx.body === null || typeof ctx.body !== 'object') return note(type, plan);
  const channel = refreshed ? 'refresh' : 'token';
  let body = ctx.body as Record<string, unknown>;
  for (const name of ['access_token', 'refresh_token'] as const) {
    const value = str(body[name]);
    if (value) faults.bind(plan, value);
  }
  const issued = str(body.id_token);
  if (issued && plan.tamper.idToken) body = { ...body, id_token: await plan.tamper.idToken(issued, channel) };
  if (plan.tamper.tokenResponse) body = plan.tamper.tokenResponse(body, channel);
  ctx.body = body;
  // Who the answered ID token names, when the tamper made it another user (RP-21).
  const { sub, email } = decoded(str(body.id_token) !== issued ? str(body.id_token) : undefined);
  note(type, plan, issued, { ...(typeof sub === 'string' && sub !== decoded(issued).sub ? { answeredSub: sub, ...(typeof email === 'string' ? { answeredEmail: email } : {}) } : {}) });
}

function decoded(idToken: string | undefined): Record<string, unknown> {
  if (idToken === undefined) return {};
  try {
    return decodeJwt(idToken);
  } catch {
    return {};
  }
}
