/**
 * The rules of ApiConformanceOptions, stated once: runApiConformance checks its
 * options with this schema (settingsOf), and `mock-idp conformance api` builds
 * the options from its flags and checks them with it too, naming the flags.
 * Each message says what the field must be; the caller names the field (or flag)
 * and the value it got.
 */
import { z } from 'zod';
import { mintRequestSchema } from '../tools/mint/index.js';
import type { MockIdp } from '../start.js';
import type { IdpDriver } from './driver.js';
import type { ApiConformanceOptions, CheckResult } from './types.js';

/** The message for a missing value, else the rule's. */
const rule = (message: string, whenMissing = message) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? whenMissing : message) });

const isHttpUrl = (value: string) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);

const isJson = (value: string) => {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
};

const httpUrl = (required: string) => z.string(rule('must be an absolute http(s) URL', required)).refine(isHttpUrl, rule('must be an absolute http(s) URL'));

/** A whole number in [min, max] of `unit`. */
function wholeNumber(min: number, max: number, unit: string) {
  const message = rule(`must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}`);
  return z.number(message).int(message).min(min, message).max(max, message);
}

const HOUR_MS = 3_600_000;
const TOKEN_DIALECT_VALUES = mintRequestSchema.shape.tokenDialect.unwrap().options;
/** The API's clock tolerance goes into the minted tokens (RS-13, RS-14, RS-16): the bounds are the mint request's. */
const mintClockTolerance = mintRequestSchema.shape.clockTolerance.unwrap();

export const apiConformanceOptionsSchema = z.object({
  url: httpUrl('is required (the protected endpoint)'),
  method: z.string().regex(/^[A-Za-z]+$/, rule('must be an HTTP method')).optional(),
  body: z.string().refine(isJson, rule('must be JSON (it is sent as application/json)')).optional(),
  audience: z.string(rule('must be a string', 'is required (the API identifier the endpoint expects in aud)')).refine((a) => a.trim() !== '', rule('is required (the API identifier the endpoint expects in aud)')),
  /** One string is comma-separated; blanks are dropped. */
  permission: z
    .union([z.string(), z.array(z.string()).readonly()], rule('must be a string or a list of strings', 'is required (what the endpoint requires)'))
    .transform((p) => (typeof p === 'string' ? p.split(',') : [...p]).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1, rule('is required (what the endpoint requires)'))),
  idp: z.custom<MockIdp | IdpDriver>().optional(),
  issuer: httpUrl('must be an absolute http(s) URL').optional(),
  adminToken: z.string().optional(),
  port: wholeNumber(0, 65_535, '').optional(),
  user: z.string().optional(),
  /** The mint request's dialects. */
  tokenDialect: z.enum(TOKEN_DIALECT_VALUES, rule(`must be one of ${TOKEN_DIALECT_VALUES.join(', ')}`)).optional(),
  clockTolerance: wholeNumber(mintClockTolerance.minValue ?? 0, mintClockTolerance.maxValue ?? 3600, 'seconds').optional(),
  rotationWait: wholeNumber(0, HOUR_MS, 'milliseconds').optional(),
  jwksCooldown: wholeNumber(0, HOUR_MS, 'milliseconds').optional(),
  requestTimeout: wholeNumber(1, HOUR_MS, 'milliseconds').optional(),
  onResult: z.custom<(result: CheckResult) => void>().optional(),
});

export type CheckedOptions = z.output<typeof apiConformanceOptionsSchema>;

// The schema takes every ApiConformanceOptions (a compile-time check that the two agree).
type Accepts<T> = ApiConformanceOptions extends T ? true : never;
const _accepts: Accepts<z.input<typeof apiConformanceOptionsSchema>> = true;
void _accepts;

/** The bounds of a numeric option, e.g. for a flag in other units to word them. */
export function numericBounds(field: 'port' | 'clockTolerance' | 'rotationWait' | 'jwksCooldown' | 'requestTimeout'): { min: number; max: number } {
  const schema = apiConformanceOptionsSchema.shape[field].unwrap();
  return { min: schema.minValue ?? Number.NEGATIVE_INFINITY, max: schema.maxValue ?? Number.POSITIVE_INFINITY };
}

/** The value an issue is about, to quote it. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), input);
}

/** Every problem of the options in one line: `url must be ..., got "ftp://x"; audience is required (...)`. */
export function optionsMessage(error: z.ZodError, input: unknown): string {
  return error.issues
    .map((issue) => {
      const value = valueAt(input, issue.path);
      const name = issue.path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');
      return `${name} ${issue.message}${value === undefined ? '' : `, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`}`;
    })
    .join('; ');
}
