import type { Context } from 'koa';
import type { z } from 'zod';
import type { MockState } from '../../core/state.js';
import { readJson } from '../../oidc/body.js';
import { ManagementApiError } from '../errors.js';

/** One Management API endpoint: its method, its path under /api/v2, the scopes of which the token needs any one, and what it does. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** @koa/router path under /api/v2, e.g. `/users/:id`. */
  path: string;
  /** Auth0's scopes for it: the token needs at least one ("Insufficient scope, expected any of: …"). */
  scopes: readonly string[];
  handle(ctx: Context, state: MockState): Promise<void> | void;
}

/** Auth0's `Query validation error` (400 `invalid_query_string`). */
export const badQuery = (message: string): ManagementApiError => new ManagementApiError(400, `Query validation error: '${message}'.`, 'invalid_query_string');

const queryValue = (ctx: Context, name: string): string | undefined => {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw badQuery(`${name} must be given once`);
  return value;
};

export function booleanParam(ctx: Context, name: string, fallback: boolean): boolean {
  const value = queryValue(ctx, name);
  if (value === undefined || value === '') return fallback;
  if (value !== 'true' && value !== 'false') throw badQuery(`Invalid value "${value}" for ${name}: expected true or false`);
  return value === 'true';
}

function integerParam(ctx: Context, name: string, fallback: number, min: number, max: number): number {
  const value = queryValue(ctx, name);
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw badQuery(`Invalid value "${value}" for ${name}: expected a whole number from ${min} to ${max}`);
  return n;
}

export function stringParam(ctx: Context, name: string): string | undefined {
  const value = queryValue(ctx, name);
  return value === '' ? undefined : value;
}

/**
 * Auth0's offset pagination: `page` (from 0) and `per_page` (default 50, at most 100); with
 * `include_totals=true` the answer is `{ start, limit, length, total, <key>: [...] }`, else the array.
 */
export function paginate<T>(ctx: Context, key: string, items: readonly T[]): unknown {
  const page = integerParam(ctx, 'page', 0, 0, 1_000_000);
  const perPage = integerParam(ctx, 'per_page', 50, 1, 100);
  const slice = items.slice(page * perPage, page * perPage + perPage);
  if (!booleanParam(ctx, 'include_totals', false)) return slice;
  return { start: page * perPage, limit: perPage, length: slice.length, total: items.length, [key]: slice };
}

/** Auth0's `fields` / `include_fields`: keep (or drop) the named top-level properties. */
export function selectFields(ctx: Context, item: Record<string, unknown>): Record<string, unknown> {
  const fields = stringParam(ctx, 'fields')?.split(',').map((f) => f.trim()).filter(Boolean);
  if (!fields?.length) return item;
  const include = booleanParam(ctx, 'include_fields', true);
  return Object.fromEntries(Object.entries(item).filter(([k]) => fields.includes(k) === include));
}

/** What a zod problem says, in Auth0's "Payload validation error" words where they are known. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return `Additional properties not allowed: ${issue.keys.join(',')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `Missing required property: ${path}`;
  if (issue.code === 'invalid_format' && issue.format === 'email') return `Object didn't pass validation for format email: ${String(issue.input)}`;
  return `${issue.message} on property ${path || 'body'}`;
}

/** The request's JSON body, validated against an endpoint's schema (Auth0's field names): 400 `invalid_body` naming the field. */
export async function body<S extends z.ZodType>(ctx: Context, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJson(ctx));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ManagementApiError(400, `Payload validation error: '${describeIssue(issue)}'.`, 'invalid_body');
}

/** A path parameter (decoded by @koa/router). */
export const param = (ctx: Context, name: string): string => String((ctx.params as Record<string, string>)[name] ?? '');

/** Answers 204 (Auth0 answers these calls with no body; the SDK returns void). */
export function noContent(ctx: Context): void {
  ctx.status = 204;
}

/**
 * A pair of endpoints on one path: POST adds what the body lists, DELETE removes it (a user's roles,
 * a user's or a role's permissions). `apply` gets the path's `id` and `{ add }` or `{ remove }`.
 */
export function addAndRemove<S extends z.ZodType, T>(
  path: string,
  scopes: { add: readonly string[]; remove: readonly string[] },
  schema: S,
  read: (parsed: z.output<S>) => T,
  apply: (state: MockState, id: string, change: { add?: T; remove?: T }) => unknown,
): Endpoint[] {
  const endpoint = (method: 'POST' | 'DELETE', key: 'add' | 'remove'): Endpoint => ({
    method,
    path,
    scopes: scopes[key],
    async handle(ctx, state) {
      apply(state, param(ctx, 'id'), { [key]: read(await body(ctx, schema)) });
      noContent(ctx);
    },
  });
  return [endpoint('POST', 'add'), endpoint('DELETE', 'remove')];
}
