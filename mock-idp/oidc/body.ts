import type { Context } from 'koa';

/*
 * The request bodies the mock reads itself: its pages' forms, the admin and Management APIs' JSON, Auth0's
 * Authentication API endpoints that take either, and the token endpoint's JSON (oidc-provider reads forms only).
 * Here, below http/, so that the oidc layer's middleware reads them the same way.
 */

export class BodyError extends Error {
  constructor(readonly status: 400 | 413 | 415, message: string) {
    super(message);
  }
}

const LIMIT = 64 * 1024;

/** The body as text, up to `limit` bytes (default 64 KiB; BodyError 413 past it, 400 when the client went away mid-body). */
export async function readText(ctx: Context, limit = LIMIT): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new BodyError(413, `request body over ${limit} bytes`);
      chunks.push(chunk);
    }
  } catch (err) {
    // The client went away mid-body (or close() cut it after its grace): nobody to answer, nothing unexpected.
    if (ctx.req.destroyed && !(err instanceof BodyError)) throw new BodyError(400, 'the request was aborted before its body was complete');
    throw err;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An `application/x-www-form-urlencoded` body (the login and consent forms). */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new BodyError(415, 'expected an application/x-www-form-urlencoded body');
  return new URLSearchParams(await readText(ctx));
}

/** Deeper JSON than any tenant entry needs; validating it would recurse past the stack. */
const MAX_DEPTH = 32;

/** How deeply a parsed JSON value nests, counted without recursion; stops at `limit + 1`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** A JSON body (the admin API) of at most `limit` bytes (default 64 KiB). An empty body is `{}`. */
export async function readJson(ctx: Context, limit = LIMIT): Promise<unknown> {
  const text = await readText(ctx, limit);
  if (text.trim() === '') return {};
  if (!ctx.is('application/json')) throw new BodyError(415, 'expected an application/json body');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new BodyError(400, `body is not valid JSON: ${(cause as Error).message}`);
  }
  if (depthOf(parsed, MAX_DEPTH) > MAX_DEPTH) throw new BodyError(400, `body nests deeper than ${MAX_DEPTH} levels`);
  return parsed;
}

/**
 * The fields of a body Auth0's Authentication API takes as a form or as JSON (`/dbconnections`,
 * `/passwordless/start`, `/mfa`): BodyError 400 when the JSON is not an object.
 */
export async function readFields(ctx: Context): Promise<Record<string, unknown>> {
  if (ctx.is('application/x-www-form-urlencoded')) return Object.fromEntries(await readForm(ctx));
  const body = await readJson(ctx);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BodyError(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
}
