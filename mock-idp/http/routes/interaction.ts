import Router from '@koa/router';
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { passwordMatches } from '../../core/password.js';
import type { MockState } from '../../core/state.js';
import { applyRequestedScopes } from '../../oidc/granted-scopes.js';
import type { OidcHost } from '../../oidc/host.js';
import { fail } from '../errors.js';
import { readForm } from '../body.js';
import { consentPage } from '../views/consent-page.js';
import { loginPage } from '../views/login-page.js';

function audiencesOf(params: Record<string, unknown>): string[] {
  const audience = params.resource ?? params.audience;
  return typeof audience === 'string' ? [audience] : [];
}

/** Auth0's message for a failed database login. */
const WRONG_CREDENTIALS = 'Wrong email or password.';

/**
 * The login and consent pages: oidc-provider's interaction API
 * (`interactionDetails` → our page → `interactionResult`).
 */
export function interactionRoutes(state: MockState, oidc: OidcHost): Router {
  const router = new Router({ prefix: '/interaction/:uid', sensitive: true });

  async function details(ctx: Context) {
    const found = await oidc.provider.interactionDetails(ctx.req, ctx.res);
    if (found.uid !== ctx.params.uid) fail(400, 'this login page belongs to another login attempt: start again from the application');
    return found;
  }

  async function finish(ctx: Context, result: InteractionResults) {
    const to = await oidc.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(to);
  }

  function renderLogin(ctx: Context, clientId: string, uid: string, error?: string, username?: string) {
    ctx.type = 'html';
    ctx.body = loginPage({
      uid,
      appName: state.directory.application(clientId)?.name ?? clientId,
      error,
      username,
      testUsers: state.directory.tenant.users.filter((u) => !u.blocked).map((u) => ({ person: state.directory.person(u.sub)!, password: u.password })),
      social: state.directory.tenant.socialConnections.filter((c) => c.enabled),
    });
  }

  async function grantConsent(ctx: Context, found: Awaited<ReturnType<typeof details>>) {
    const { params, session, grantId } = found;
    if (!session) fail(400, 'this login attempt is not waiting for consent');
    const { Grant } = oidc.provider;
    const grant = (grantId ? await Grant.find(grantId) : undefined) ?? new Grant({ accountId: session.accountId, clientId: String(params.client_id) });
    applyRequestedScopes(grant, { accountId: session.accountId, scope: params.scope as string | undefined, audiences: audiencesOf(params) }, state.directory);
    await finish(ctx, { consent: { grantId: await grant.save() } });
  }

  router.get('/', async (ctx) => {
    const found = await details(ctx);
    const { uid, prompt, params, session } = found;
    const clientId = String(params.client_id);
    if (prompt.name === 'login') return renderLogin(ctx, clientId, uid);
    // First-party applications are never asked for consent (Auth0's default).
    if (state.directory.application(clientId)?.firstParty) return grantConsent(ctx, found);
    ctx.type = 'html';
    ctx.body = consentPage({
      uid,
      appName: state.directory.application(clientId)?.name ?? clientId,
      userEmail: state.directory.person(session?.accountId ?? '')?.email ?? '',
      scopes: String(params.scope ?? '').split(' ').filter(Boolean),
      audiences: audiencesOf(params),
    });
  });

  router.post('/login', async (ctx) => {
    const { uid, prompt, params } = await details(ctx);
    if (prompt.name !== 'login') fail(400, 'this login attempt is not waiting for credentials');
    const form = await readForm(ctx);
    const username = form.get('username') ?? '';
    const user = state.directory.userByEmail(username);
    if (!user || user.blocked || !passwordMatches(user, form.get('password'))) {
      state.events.add({ type: 'login.failed', clientId: String(params.client_id), detail: { username } });
      ctx.status = 401;
      return renderLogin(ctx, String(params.client_id), uid, user?.blocked ? 'user is blocked' : WRONG_CREDENTIALS, username);
    }
    state.events.add({ type: 'login.success', clientId: String(params.client_id), sub: user.sub });
    await finish(ctx, { login: { accountId: user.sub, amr: ['pwd'] } });
  });

  router.post('/social', async (ctx) => {
    const { prompt, params } = await details(ctx);
    if (prompt.name !== 'login') fail(400, 'this login attempt is not waiting for credentials');
    const name = (await readForm(ctx)).get('connection');
    const connection = state.directory.tenant.socialConnections.find((c) => c.enabled && c.name === name);
    if (!connection) fail(400, `no enabled social connection "${name ?? ''}"`);
    state.events.add({ type: 'login.success', clientId: String(params.client_id), sub: connection.user.sub, detail: { connection: connection.name } });
    await finish(ctx, { login: { accountId: connection.user.sub, amr: ['fed'] } });
  });

  router.post('/consent', async (ctx) => {
    const found = await details(ctx);
    if (found.prompt.name !== 'consent') fail(400, 'this login attempt is not waiting for consent');
    await grantConsent(ctx, found);
  });

  router.post('/abort', async (ctx) => {
    await details(ctx);
    await finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  });

  return router;
}
