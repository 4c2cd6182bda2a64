import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { PASSWORDLESS_CONNECTIONS, type PasswordlessConnection } from '../../core/passwordless.js';
import type { MockState } from '../../core/state.js';
import { BodyError, readForm, readJson } from '../body.js';

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

async function bodyOf(ctx: Context): Promise<Record<string, unknown> | undefined> {
  if (ctx.is('application/x-www-form-urlencoded')) return Object.fromEntries(await readForm(ctx));
  const body = await readJson(ctx);
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

/** Auth0's id of a passwordless identity (`_id` of /passwordless/start's answer): stable per address. */
const identityId = (address: string) => createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 24);

/**
 * `POST /passwordless/start` (Auth0's Authentication API): `connection` `email` (with `email`)
 * or `sms` (with `phone_number`), `send: "code"`; the code goes to the outbox, an SMS addressed
 * to the phone number. The code is then exchanged with the grant
 * `http://auth0.com/oauth/grant-type/passwordless/otp` (oidc/grant-types/passwordless.ts).
 */
export function passwordlessRoutes(state: MockState): Router {
  const router = new Router({ sensitive: true });
  router.post('/passwordless/start', async (ctx) => {
    ctx.set('cache-control', 'no-store');
    const refuse = (status: number, error: string, description: string) => {
      ctx.status = status;
      ctx.body = { error, error_description: description };
    };
    let body: Record<string, unknown> | undefined;
    try {
      body = await bodyOf(ctx);
    } catch (err) {
      if (err instanceof BodyError) return refuse(err.status, 'bad.request', err.message);
      throw err;
    }
    if (!body) return refuse(400, 'bad.request', 'the body must be a JSON object');
    const clientId = typeof body.client_id === 'string' ? body.client_id : '';
    const app = state.directory.application(clientId);
    if (!app) return refuse(400, 'bad.client_id', 'Missing required property: client_id');
    if (app.clientSecret !== undefined && body.client_secret !== undefined && body.client_secret !== app.clientSecret) return refuse(401, 'access_denied', 'Unauthorized');
    const connection = body.connection;
    if (typeof connection !== 'string' || !(PASSWORDLESS_CONNECTIONS as readonly string[]).includes(connection)) return refuse(400, 'bad.connection', 'Connection does not exist');
    const send = body.send ?? 'code';
    if (send !== 'code') return refuse(400, 'bad.send', 'mock-idp sends codes only (send: "code"); magic links (send: "link") are not built yet');
    if (connection === 'email') {
      const email = typeof body.email === 'string' ? body.email.trim() : '';
      if (!EMAIL.test(email)) return refuse(400, 'bad.email', 'Missing required property: email');
      state.passwordless.send('email', email, app.name);
      ctx.body = { _id: identityId(email), email, email_verified: false };
      return;
    }
    const phone = typeof body.phone_number === 'string' ? body.phone_number.trim() : '';
    if (!E164.test(phone)) return refuse(400, 'bad.phone_number', 'Missing required property: phone_number');
    state.passwordless.send(connection as PasswordlessConnection, phone, app.name);
    ctx.body = { _id: identityId(phone), phone_number: phone, phone_verified: false, request_language: null };
  });
  return router;
}
