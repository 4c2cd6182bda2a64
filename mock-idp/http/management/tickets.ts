import { z } from 'zod';
import { emailLink } from '../../core/database-connection.js';
import type { MockState } from '../../core/state.js';
import { ManagementApiError } from '../errors.js';
import { body, type Endpoint } from './endpoint.js';
import { userById } from './users.js';

/** Auth0's `ttl_sec`: the link's lifetime in seconds; 0 or absent: the email template's. */
const ttl = z.number().int().min(0).optional();
const passwordChangeBody = z.strictObject({
  user_id: z.string().min(1).optional(),
  email: z.email().optional(),
  connection_id: z.string().optional(),
  client_id: z.string().optional(),
  result_url: z.url().optional(),
  ttl_sec: ttl,
  mark_email_as_verified: z.boolean().optional(),
  includeEmailInRedirect: z.boolean().optional(),
});
const verificationBody = z.strictObject({
  user_id: z.string().min(1),
  client_id: z.string().optional(),
  result_url: z.url().optional(),
  ttl_sec: ttl,
  includeEmailInRedirect: z.boolean().optional(),
});

function ticketUser(state: MockState, b: z.output<typeof passwordChangeBody>) {
  if (b.user_id !== undefined) return userById(state, b.user_id);
  const user = b.email === undefined ? undefined : state.directory.userByEmail(b.email);
  if (b.email === undefined) throw new ManagementApiError(400, "Payload validation error: 'Missing required property: user_id'.", 'invalid_body');
  if (!user) throw new ManagementApiError(404, 'The user does not exist.', 'inexistent_user');
  return user;
}

/**
 * Auth0's tickets: a link for the user, returned to the caller (Auth0 emails nothing here; the app
 * sends it). The links open the mock's own reset-password and email-verification pages.
 */
export const TICKET_ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    path: '/tickets/password-change',
    scopes: ['create:user_tickets'],
    async handle(ctx, state) {
      const b = await body(ctx, passwordChangeBody);
      const user = ticketUser(state, b);
      ctx.status = 201;
      ctx.body = { ticket: emailLink(state, 'reset_password', user, b.ttl_sec || undefined).url };
      state.events.add({ type: 'ticket.created', sub: user.sub, detail: { kind: 'password-change' } });
    },
  },
  {
    method: 'POST',
    path: '/tickets/email-verification',
    scopes: ['create:user_tickets'],
    async handle(ctx, state) {
      const b = await body(ctx, verificationBody);
      const user = userById(state, b.user_id);
      ctx.status = 201;
      ctx.body = { ticket: emailLink(state, 'verify_email', user, b.ttl_sec || undefined).url };
      state.events.add({ type: 'ticket.created', sub: user.sub, detail: { kind: 'email-verification' } });
    },
  },
];
