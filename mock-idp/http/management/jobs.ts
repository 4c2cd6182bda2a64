import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sendVerificationEmail } from '../../core/database-connection.js';
import { body, type Endpoint } from './endpoint.js';
import { userById } from './users.js';

const verificationEmailBody = z.strictObject({ user_id: z.string().min(1), client_id: z.string().optional(), identity: z.unknown().optional(), organization_id: z.string().optional() });

/** `POST /jobs/verification-email`: Auth0 sends the verification email; the mock puts it in the outbox at once. */
export const JOB_ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    path: '/jobs/verification-email',
    scopes: ['update:users'],
    async handle(ctx, state) {
      const user = userById(state, (await body(ctx, verificationEmailBody)).user_id);
      sendVerificationEmail(state, user);
      ctx.status = 201;
      ctx.body = { id: `job_${randomBytes(12).toString('hex').slice(0, 16)}`, type: 'verification_email', status: 'completed', created_at: state.clock.date().toISOString() };
    },
  },
];
