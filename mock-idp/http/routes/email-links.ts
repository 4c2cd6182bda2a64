import Router from '@koa/router';
import type { Context } from 'koa';
import { passwordResetUser, RESET_PASSWORD_PATH, resetPassword, VERIFY_EMAIL_PATH, verifyEmail } from '../../core/database-connection.js';
import { WeakPassword } from '../../core/errors.js';
import { passwordPolicyText } from '../../core/password-policy.js';
import type { MockState } from '../../core/state.js';
import { passwordPolicyOf } from '../../core/tenant/edits.js';
import { readForm } from '../../oidc/body.js';
import type { InteractionCsrf } from '../csrf.js';
import { asHttpError, fail } from '../errors.js';
import { messagePage } from '../views/message-page.js';
import { resetPasswordPage } from '../views/signup-page.js';

function ticketOf(ctx: Context): string {
  const { ticket } = ctx.query;
  if (typeof ticket !== 'string' || ticket === '') fail(400, 'this link has no ticket', 'invalid_request');
  return ticket;
}

/**
 * The pages the outbox's links open (Auth0's Universal Login paths): the
 * password reset page (`/u/reset-password?ticket=`: a form that sets a new
 * password, checked against the policy, with a CSRF token for that ticket) and
 * the verification link (`/u/email-verification?ticket=`: sets
 * `email_verified`). A link works once, until its lifetime ends; an unknown,
 * used or expired one answers 400 `invalid_ticket`.
 */
export function emailLinkRoutes(state: MockState, csrf: InteractionCsrf): Router {
  const router = new Router({ sensitive: true });
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await next();
    } catch (err) {
      throw asHttpError(err);
    }
  });

  const csrfKey = (ticket: string) => `reset-password:${ticket}`;
  const render = (ctx: Context, ticket: string, email: string, extra: { error?: string; rules?: WeakPassword['failure']['description']['rules'] } = {}) => {
    ctx.type = 'html';
    ctx.body = resetPasswordPage({ action: ctx.originalUrl, csrfToken: csrf.token(csrfKey(ticket)), email, policy: passwordPolicyText(passwordPolicyOf(state.tenant)), ...extra });
  };

  router.get(RESET_PASSWORD_PATH, (ctx) => {
    const ticket = ticketOf(ctx);
    const user = passwordResetUser(state, ticket);
    if (!user) fail(400, 'the user of this link no longer exists', 'invalid_ticket');
    render(ctx, ticket, user.email);
  });

  router.post(RESET_PASSWORD_PATH, async (ctx) => {
    const ticket = ticketOf(ctx);
    const form = await readForm(ctx);
    csrf.check(ctx, csrfKey(ticket), form);
    try {
      resetPassword(state, ticket, form.get('password') ?? '');
    } catch (err) {
      if (!(err instanceof WeakPassword)) throw err;
      ctx.status = 400;
      return render(ctx, ticket, passwordResetUser(state, ticket)?.email ?? '', { error: 'Password is too weak', rules: err.failure.description.rules });
    }
    ctx.type = 'html';
    ctx.body = resetPasswordPage({ action: '', csrfToken: '', email: '', policy: '', done: true });
  });

  router.get(VERIFY_EMAIL_PATH, (ctx) => {
    const user = verifyEmail(state, ticketOf(ctx));
    ctx.type = 'html';
    ctx.body = messagePage('Email verified', `Your email address ${user.email} was verified successfully.`);
  });

  return router;
}
