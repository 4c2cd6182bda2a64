import { parse as parseQuery } from 'node:querystring';
import type { Context, Middleware } from 'koa';
import { BodyError, readJson, readText } from '../body.js';
import { ROUTES } from '../routes.js';

const BODY_ROUTES = new Set<string>([ROUTES.token, ROUTES.revocation]);
/** oidc-provider's own limit for the form bodies it reads; JSON bodies get the same. */
export const BODY_LIMIT = 56 * 1024;
const LIMIT = BODY_LIMIT;

let explained = false;

/** No body at all: an empty Content-Length, or neither it nor chunked transfer (`curl -X POST`). */
const hasNoBody = (ctx: Context) => ctx.request.length === 0 || (ctx.request.length === undefined && !ctx.get('transfer-encoding'));

function refuse(ctx: Context, status: number, description: string): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: 'invalid_request', error_description: description };
}

/**
 * The bodies of /oauth/token and /oauth/revoke, answered the same way whatever their type:
 * - Auth0 reads JSON bodies as well as forms (its docs' curl examples, auth0-spa-js with
 *   `useFormData: false`). oidc-provider reads forms only, but takes a body parsed upstream
 *   (`ctx.req.body`) when the request stream was read already: a JSON object of plain values
 *   (numbers and booleans written as text) is handed on that way, as the same form. Anything
 *   else is 400 `invalid_request` naming what is wrong.
 * - Over 56 KiB (oidc-provider's limit for forms) is 413, for a form or JSON alike.
 * - A token request without `grant_type` (an empty form, an empty or `{}` JSON body, no body)
 *   is 400 `invalid_request` "Missing required parameter: grant_type", before client
 *   authentication, instead of oidc-provider's complaint about the content type or the client.
 * - Another content type with a body is 400 naming the two that are read.
 * A form with a length is left to oidc-provider's own parser (so its "already parsed request
 * body" warning stays away from ordinary requests).
 */
export const tokenBody: Middleware = async (ctx, next) => {
  if (ctx.method !== 'POST' || !BODY_ROUTES.has(ctx.path)) return next();
  const isToken = ctx.path === ROUTES.token;
  const tooLarge = () => refuse(ctx, 413, `request body over ${LIMIT} bytes`);
  const missingGrantType = () => refuse(ctx, 400, 'Missing required parameter: grant_type');
  if ((ctx.request.length ?? 0) > LIMIT) return tooLarge();
  const isJson = Boolean(ctx.is('application/json'));
  const isForm = Boolean(ctx.is('application/x-www-form-urlencoded'));
  if (hasNoBody(ctx)) return isToken ? missingGrantType() : next();
  if (isForm && ctx.request.length !== undefined) return next();
  if (!isJson && !isForm) return refuse(ctx, 400, `only application/x-www-form-urlencoded or application/json bodies are supported on POST ${ctx.path}`);

  let body: unknown;
  try {
    // A chunked form (no length): parsed here as oidc-provider parses forms (a repeated parameter becomes an array, which it refuses).
    body = isForm ? parseQuery(await readText(ctx, LIMIT)) : await readJson(ctx, LIMIT);
  } catch (err) {
    if (err instanceof BodyError) return refuse(ctx, err.status, err.message);
    throw err;
  }
  let params: Record<string, unknown>;
  if (isForm) {
    params = body as Record<string, unknown>;
  } else {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(ctx, 400, 'the JSON body must be an object of parameters');
    const nested = Object.entries(body).filter(([, value]) => !['string', 'number', 'boolean'].includes(typeof value)).map(([name]) => name);
    if (nested.length) return refuse(ctx, 400, `parameters must be strings, numbers or booleans: ${nested.join(', ')}`);
    params = Object.fromEntries(Object.entries(body).map(([name, value]) => [name, String(value)]));
  }
  if (isToken && (params.grant_type === undefined || params.grant_type === '')) return missingGrantType();
  if (!explained) {
    explained = true;
    console.warn("mock-idp: reading the token endpoint's body itself (JSON, as Auth0 does); oidc-provider's \"already parsed request body\" warning, if it follows, is expected");
  }
  Object.assign(ctx.req, { body: params });
  ctx.request.headers['content-type'] = 'application/x-www-form-urlencoded';
  return next();
};
