import Router from '@koa/router';
import { UNBLOCK_PATH } from '../../core/password-login.js';
import type { MockState } from '../../core/state.js';
import { fail } from '../errors.js';
import { messagePage } from '../views/message-page.js';

/**
 * The unblock link of brute-force protection (`GET /unblock?ticket=`): what
 * Auth0 emails to a blocked user. mock-idp keeps that email in its outbox
 * (`GET /_mock/emails`, printed to the console) and the link in the event log
 * (`user.blocked`). A ticket unblocks its user from its address, once.
 */
export function unblockRoute(state: MockState): Router {
  const router = new Router({ sensitive: true });
  router.get(UNBLOCK_PATH, (ctx) => {
    const { ticket } = ctx.query;
    if (typeof ticket !== 'string' || ticket === '') fail(400, 'the unblock link has no ticket', 'invalid_request');
    const pair = state.bruteForce.redeem(ticket);
    if (!pair) fail(400, 'this unblock link is not valid (unknown, already used, or the user was unblocked since)', 'invalid_ticket');
    state.events.add({ type: 'user.unblocked', sub: pair.sub, detail: { by: 'link', addresses: [pair.ip] } });
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = messagePage('Account unblocked', `${state.directory.findUser(pair.sub)?.email ?? pair.sub} can log in again from ${pair.ip}.`);
  });
  return router;
}
