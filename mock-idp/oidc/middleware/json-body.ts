import type { Middleware } from 'koa';
import { ROUTES } from '../routes.js';

const JSON_ACCEPTED = new Set<string>([ROUTES.token, ROUTES.revocation]);
const LIMIT = 64 * 1024;

let explained = false;

/**
 * Auth0 reads JSON bodies at /oauth/token and /oauth/revoke as well as forms
 * (its docs' curl examples, auth0-spa-js with `useFormData: false`).
 * oidc-provider reads forms only, but takes a body parsed upstream
 * (`ctx.req.body`) when the request stream was read already: a JSON object
 * of plain values (numbers and booleans written as text) is handed on that
 * way, as the same form. Anything else is 400 `invalid_request` naming what
 * is wrong; over 64 KiB is 413.
 */
export const jsonBody: Middleware = async (ctx, next) => {
  if (ctx.method !== 'POST' || !JSON_ACCEPTED.has(ctx.path) || !ctx.is('application/json')) return next();
  const refuse = (status: number, description: string) => {
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { error: 'invalid_request', error_description: description };
  };
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) return refuse(413, `request body over ${LIMIT} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (cause) {
    return refuse(400, `body is not valid JSON: ${(cause as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(400, 'the JSON body must be an object of parameters');
  const entries = Object.entries(body);
  const nested = entries.filter(([, value]) => !['string', 'number', 'boolean'].includes(typeof value)).map(([name]) => name);
  if (nested.length) return refuse(400, `parameters must be strings, numbers or booleans: ${nested.join(', ')}`);
  if (!explained) {
    explained = true;
    console.warn("mock-idp: reading a JSON body at the token endpoint as Auth0 does; oidc-provider's \"already parsed request body\" warning, if it follows, is expected");
  }
  Object.assign(ctx.req, { body: Object.fromEntries(entries.map(([name, value]) => [name, String(value)])) });
  ctx.request.headers['content-type'] = 'application/x-www-form-urlencoded';
  return next();
};
