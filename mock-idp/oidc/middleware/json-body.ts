import { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { ROUTES } from '../provider.js';
import { BodyError, readJson } from '../../http/body.js';

const JSON_ACCEPTED = new Set<string>([ROUTES.token, ROUTES.revocation]);

/** The same request with a form body instead of the JSON one it carried. */
function withFormBody(original: IncomingMessage, form: string): IncomingMessage {
  const request = new IncomingMessage(original.socket);
  request.method = original.method ?? 'POST';
  request.url = original.url ?? '/';
  request.httpVersion = original.httpVersion;
  request.httpVersionMajor = original.httpVersionMajor;
  request.httpVersionMinor = original.httpVersionMinor;
  request.headers = { ...original.headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(form)) };
  // Whole already: a message not marked complete destroys its socket when the stream ends.
  request.complete = true;
  request.push(form);
  request.push(null);
  return request;
}

/**
 * Auth0 reads JSON bodies at /oauth/token and /oauth/revoke as well as forms
 * (its docs' curl examples, auth0-spa-js with `useFormData: false`).
 * oidc-provider reads forms only, so a JSON object of strings (numbers and
 * booleans are written as text) is handed on as the same form. Anything else
 * is answered 400 `invalid_request`, naming what is wrong.
 */
export function jsonTokenBody(): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !JSON_ACCEPTED.has(ctx.path) || !ctx.is('application/json')) return next();
    const refuse = (status: number, description: string) => {
      ctx.status = status;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { error: 'invalid_request', error_description: description };
    };
    let body: unknown;
    try {
      body = await readJson(ctx);
    } catch (err) {
      if (err instanceof BodyError) return refuse(err.status === 413 ? 413 : 400, err.message);
      throw err;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(400, 'the JSON body must be an object of parameters');
    const entries = Object.entries(body);
    const nested = entries.filter(([, value]) => !['string', 'number', 'boolean'].includes(typeof value)).map(([name]) => name);
    if (nested.length) return refuse(400, `parameters must be strings, numbers or booleans: ${nested.join(', ')}`);
    const form = new URLSearchParams(entries.map(([name, value]) => [name, String(value)])).toString();
    ctx.req = withFormBody(ctx.req, form);
    return next();
  };
}
