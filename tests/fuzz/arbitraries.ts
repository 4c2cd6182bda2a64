/**
 * fast-check generators of malformed HTTP requests, and how a generated request
 * becomes bytes on the wire. A request is generated as a small recipe (a 1 MiB body
 * is `{ kind: 'huge', bytes: 1048576 }`, not the bytes), so that fast-check's
 * counterexample stays readable; `materialize()` builds the real request.
 *
 * Strings may hold placeholders (`$ACCESS_TOKEN`, `$UID`, `$JAR`, ...): values only
 * known at run time (tokens, interaction uids, cookies), filled in by the world.
 */
import fc from 'fast-check';
import type { HeaderValue, RawRequest } from './raw-http.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A form or query item: a name=value pair, or a raw token put on the wire as it is (`%zz`, `&&`, `a=b=c`). */
export type FormItem = readonly [name: string, value: string] | string;

/** How names and values of a form or query are escaped. */
export type Escaping = 'percent' | 'plus' | 'latin1' | 'none';

export type BodyRecipe =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'form'; items: FormItem[]; escaping: Escaping }
  | { kind: 'json'; value: Json }
  | { kind: 'truncated-json'; value: Json; keep: number }
  | { kind: 'deep-json'; base: Record<string, Json>; key: string | null; depth: number; shape: 'array' | 'object' | 'mixed' }
  | { kind: 'huge'; bytes: number; fill: 'letters' | 'form' | 'json-string' | 'json-array' | 'nul' | 'utf8' }
  | { kind: 'multipart'; boundary: string; declared: string; items: FormItem[] };

/** `match` picks the content type of the body (form, JSON, multipart...), so that it parses; `absent` sends none. */
export type ContentType = { kind: 'match' } | { kind: 'absent' } | { kind: 'given'; value: string };

export interface HeaderRecipe {
  host?: string;
  contentType: ContentType;
  origin?: string;
  secFetchSite?: string;
  secFetchMode?: string;
  authorization?: string;
  cookie?: string;
  accept?: string;
  contentEncoding?: string;
  /** Other headers, names included. */
  extra: (readonly [string, string])[];
  /** A padding header this long (a big header within Node's 16 KiB limit). */
  pad?: number;
}

export interface RequestRecipe {
  group: string;
  method: string;
  /** The route as a template (`/interaction/:uid/login`), for grouping findings. */
  route: string;
  /** The path, already escaped, with placeholders. */
  path: string;
  query: { items: FormItem[]; escaping: Escaping } | null;
  headers: HeaderRecipe;
  body: BodyRecipe;
  framing: 'length' | 'chunked';
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

// ---------------------------------------------------------------- strings

const SPECIAL_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\u0000\u0000\u0000', 'null', 'undefined', 'true', 'false', '0', '-1', '1e309', 'NaN', '0x10', '[]', '{}', '[object Object]',
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '%', '%%', '%zz', '%00', '%u0000', '%E0%A4%A', '%ED%A0%80', '+', '&', '=', '&=&=',
  '\r\n', '\n', '\t', '\\', '"', "'", '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x}', '{{7*7}}',
  'ＡＢＣ', 'Ⅻ', '🦄', '👩‍👩‍👧', '\u202e', '\uFEFF', '\uD800', '\uDFFF', 'é', 'İ', 'ß',
  'http://evil.example', 'javascript:alert(1)', 'data:text/html,x', '//evil.example', 'a'.repeat(256),
];

/** Any short string: ASCII, unicode (lone surrogates included), the classic trouble makers. */
export const junk: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 1, arbitrary: fc.integer({ min: 512, max: 4_000 }).map((n) => 'x'.repeat(n)) },
);

/** A string that may stand in for an id or a secret. */
export const idLike: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,43}$/),
  fc.uuid(),
  junk,
);

/** Bytes of a header value Node lets out (HTAB, printable ASCII, bytes 0x80-0xff): unicode goes out as its UTF-8 bytes. */
export function headerSafe(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1').replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');
}

const headerJunk = junk.map(headerSafe);

// ---------------------------------------------------------------- escaping

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Percent-escapes the UTF-8 bytes of `s` (a lone surrogate becomes EF BF BD), or not, as `escaping` says. */
export function percentEscape(s: string, escaping: Escaping): string {
  if (escaping === 'none') return s;
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (UNRESERVED.test(ch)) out += ch;
    else if (escaping === 'plus' && byte === 0x20) out += '+';
    else if (escaping === 'latin1' && byte >= 0x80) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function encodeItems(items: readonly FormItem[], escaping: Escaping): string {
  return items.map((item) => (typeof item === 'string' ? item : `${percentEscape(item[0], escaping)}=${percentEscape(item[1], escaping)}`)).join('&');
}

/** The request line allows bytes 0x21-0xff only: anything else is percent-escaped. */
function pathSafe(s: string): string {
  return percentEscape(s, 'latin1').replace(/%([2-7][0-9A-F])/g, (m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return /[!-~]/.test(ch) && !'% #?&='.includes(ch) ? ch : m;
  });
}

// ---------------------------------------------------------------- forms and queries

const RAW_ITEMS = ['', '&', '=', '==', 'a=b=c', 'novalue', '%zz', '%', '%E0%A4%A', '%00=%00', '=value', 'x[]=1', 'x[y]=1', 'x.y=1', '+', ';', 'a;b=c', '__proto__[polluted]=1', 'constructor[prototype][polluted]=1'];

/**
 * Form or query items for an endpoint: its own parameters (real values, junk,
 * empty, very long, repeated) and a few foreign ones and raw tokens. Half the time
 * they follow one of `valid` (a well-formed request), so that a malformed part gets
 * past the first checks.
 */
export function formItems(params: Record<string, fc.Arbitrary<string>>, maxLength = 10, valid: readonly (readonly FormItem[])[] = []): fc.Arbitrary<FormItem[]> {
  const names = Object.keys(params);
  const known: fc.Arbitrary<FormItem> = names.length
    ? fc.constantFrom(...names).chain((name) => fc.oneof({ weight: 4, arbitrary: params[name]! }, { weight: 1, arbitrary: junk }).map((value) => [name, value] as const))
    : fc.tuple(junk, junk);
  const item: fc.Arbitrary<FormItem> = fc.oneof(
    { weight: 12, arbitrary: known },
    { weight: 2, arbitrary: fc.tuple(junk, junk) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_ITEMS) },
  );
  const prefix: fc.Arbitrary<readonly FormItem[]> = valid.length ? fc.oneof(fc.constant([]), fc.constantFrom(...valid)) : fc.constant([]);
  return fc
    .tuple(prefix, fc.array(item, { maxLength }), fc.nat(3), fc.nat(4))
    .map(([base, items, repeats, drop]) => {
      // A well-formed request, less one parameter now and then (a missing one).
      const out: FormItem[] = base.filter((_, i) => i !== drop);
      out.push(...items);
      // Repeated parameters: the same name again, with another value or the same one.
      for (let i = 0; i < repeats && items.length; i++) out.push(items[(i * 7) % items.length]!);
      return out;
    });
}

export const escaping: fc.Arbitrary<Escaping> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Escaping>('percent') },
  { weight: 2, arbitrary: fc.constant<Escaping>('plus') },
  { weight: 1, arbitrary: fc.constant<Escaping>('latin1') },
  { weight: 1, arbitrary: fc.constant<Escaping>('none') },
);

export function queryOf(params: Record<string, fc.Arbitrary<string>>, presence = 7, valid: readonly (readonly FormItem[])[] = []): fc.Arbitrary<RequestRecipe['query']> {
  return fc.oneof(
    { weight: 10 - presence, arbitrary: fc.constant(null) },
    { weight: presence, arbitrary: fc.record({ items: formItems(params, 10, valid), escaping }) },
  );
}

// ---------------------------------------------------------------- JSON

const jsonKey = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', '\u0000', 'toString', 'valueOf') },
);

/** Any JSON value, arrays, numbers and null included, with nasty keys. */
export const anyJson: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 1, 5e-324)),
    junk,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(jsonKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A JSON object of an endpoint's fields (real values or any JSON), plus a foreign key now and then. */
export function jsonObjectOf(fields: Record<string, fc.Arbitrary<Json>>): fc.Arbitrary<Record<string, Json>> {
  const names = Object.keys(fields);
  return fc.tuple(fc.subarray(names), fc.array(fc.tuple(jsonKey, anyJson), { maxLength: 1 })).chain(([picked, foreign]) =>
    fc.tuple(...picked.map((name) => fc.oneof({ weight: 4, arbitrary: fields[name]! }, { weight: 1, arbitrary: anyJson }).map((v) => [name, v] as const))).map((pairs) => {
      const out: Record<string, Json> = {};
      // defineProperty: a "__proto__" key stays an own key, as JSON.parse makes it.
      for (const [k, v] of [...pairs, ...foreign]) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      return out;
    }),
  );
}

/** String parameters as JSON fields: strings, and the same as numbers, arrays or objects now and then. */
export function jsonFieldsOf(params: Record<string, fc.Arbitrary<string>>): Record<string, fc.Arbitrary<Json>> {
  return Object.fromEntries(
    Object.entries(params).map(([name, arb]) => [
      name,
      fc.oneof({ weight: 6, arbitrary: arb as fc.Arbitrary<Json> }, { weight: 1, arbitrary: fc.array(arb, { maxLength: 2 }) as fc.Arbitrary<Json> }, { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)) }),
    ]),
  );
}

// ---------------------------------------------------------------- bodies

const boundary = fc.oneof(fc.stringMatching(/^[A-Za-z0-9'()+_,\-./:=?]{1,70}$/), fc.constantFrom('', '--', 'x'.repeat(200), '"quoted"'));

export interface BodyOptions {
  form: fc.Arbitrary<FormItem[]>;
  json: fc.Arbitrary<Json>;
  /** Keys to hide a deep JSON value under (the endpoint's own fields reach its validation). */
  deepKeys: readonly string[];
  deepBase: fc.Arbitrary<Record<string, Json>>;
  /** Weights of the kinds of body, to lean a group towards the bodies its endpoints read. */
  weights?: Partial<Record<BodyRecipe['kind'], number>>;
}

const BODY_WEIGHTS: Record<BodyRecipe['kind'], number> = { none: 8, form: 14, json: 12, 'truncated-json': 2, text: 3, bytes: 2, 'deep-json': 3, huge: 1, multipart: 2 };

export function bodyOf({ form, json, deepKeys, deepBase, weights = {} }: BodyOptions): fc.Arbitrary<BodyRecipe> {
  const w = { ...BODY_WEIGHTS, ...weights };
  return fc.oneof(
    { weight: w.none, arbitrary: fc.constant<BodyRecipe>({ kind: 'none' }) },
    { weight: w.form, arbitrary: fc.record({ kind: fc.constant('form' as const), items: form, escaping }) },
    { weight: w.json, arbitrary: fc.record({ kind: fc.constant('json' as const), value: fc.oneof({ weight: 4, arbitrary: json }, { weight: 1, arbitrary: anyJson }) }) },
    { weight: w['truncated-json'], arbitrary: fc.record({ kind: fc.constant('truncated-json' as const), value: json, keep: fc.nat(200) }) },
    { weight: w.text, arbitrary: fc.record({ kind: fc.constant('text' as const), text: junk }) },
    { weight: w.bytes, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 600 }) }) },
    {
      weight: w['deep-json'],
      arbitrary: fc.record({
        kind: fc.constant('deep-json' as const),
        base: deepBase,
        key: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: deepKeys.length ? fc.constantFrom(...deepKeys) : jsonKey }),
        // Unbiased: fast-check leans integers towards their bounds, and the stack gives out somewhere above 1000.
        // (12000 levels of {"a": is 60 KB, under the mock's 64 KiB body limit.)
        depth: fc.oneof({ weight: 4, arbitrary: fc.noBias(fc.integer({ min: 1_500, max: 12_000 })) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 200 }) }),
        shape: fc.oneof({ weight: 2, arbitrary: fc.constant('object' as const) }, { weight: 1, arbitrary: fc.constant('array' as const) }, { weight: 1, arbitrary: fc.constant('mixed' as const) }),
      }),
    },
    {
      weight: w.huge,
      arbitrary: fc.record({
        kind: fc.constant('huge' as const),
        bytes: fc.integer({ min: 900 * 1024, max: 1100 * 1024 }),
        fill: fc.constantFrom('letters' as const, 'form' as const, 'json-string' as const, 'json-array' as const, 'nul' as const, 'utf8' as const),
      }),
    },
    {
      weight: w.multipart,
      arbitrary: fc
        .record({ boundary, items: form, same: fc.boolean(), other: boundary })
        .map(({ boundary: b, items, same, other }): BodyRecipe => ({ kind: 'multipart', boundary: b, declared: same ? b : other, items })),
    },
  );
}

function deep(depth: number, shape: 'array' | 'object' | 'mixed'): string {
  if (shape === 'array') return '['.repeat(depth) + ']'.repeat(depth);
  if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `${'[{"a":'.repeat(depth >> 1)}null${'}]'.repeat(depth >> 1)}`;
}

function huge(bytes: number, fill: Extract<BodyRecipe, { kind: 'huge' }>['fill']): Buffer {
  switch (fill) {
    case 'letters':
      return Buffer.alloc(bytes, 'a');
    case 'nul':
      return Buffer.alloc(bytes, 0);
    case 'form':
      return Buffer.alloc(bytes, 'a=b&');
    case 'utf8':
      return Buffer.alloc(bytes, 'é🦄');
    case 'json-string':
      return Buffer.from(`{"a":"${'x'.repeat(bytes)}"}`);
    case 'json-array':
      return Buffer.from(`[${'1,'.repeat(bytes >> 1)}1]`);
  }
}

export type Resolve = (s: string) => string;

function resolveJson(value: Json, resolve: Resolve): Json {
  if (typeof value === 'string') return resolve(value);
  if (Array.isArray(value)) return value.map((v) => resolveJson(v, resolve));
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: resolveJson(v, resolve), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function resolveItems(items: readonly FormItem[], resolve: Resolve): FormItem[] {
  return items.map((item) => (typeof item === 'string' ? item : [resolve(item[0]), resolve(item[1])] as const));
}

export function bodyBytes(body: BodyRecipe, resolve: Resolve): Buffer | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'text':
      return Buffer.from(resolve(body.text));
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'form':
      return Buffer.from(encodeItems(resolveItems(body.items, resolve), body.escaping), body.escaping === 'latin1' ? 'latin1' : 'utf8');
    case 'json':
      return Buffer.from(JSON.stringify(resolveJson(body.value, resolve)));
    case 'truncated-json':
      return Buffer.from(JSON.stringify(resolveJson(body.value, resolve)).slice(0, body.keep));
    case 'deep-json': {
      const inner = deep(body.depth, body.shape);
      if (body.key === null) return Buffer.from(inner);
      const base = JSON.stringify(resolveJson(body.base, resolve));
      return Buffer.from(`${base.slice(0, -1)}${base.length > 2 ? ',' : ''}${JSON.stringify(body.key)}:${inner}}`);
    }
    case 'huge':
      return huge(body.bytes, body.fill);
    case 'multipart': {
      const parts = resolveItems(body.items, resolve).map((item) =>
        typeof item === 'string' ? `--${body.boundary}\r\n${item}\r\n` : `--${body.boundary}\r\nContent-Disposition: form-data; name="${item[0]}"\r\n\r\n${item[1]}\r\n`,
      );
      return Buffer.from(`${parts.join('')}--${body.boundary}--\r\n`);
    }
  }
}

function matchingType(body: BodyRecipe): string | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'form':
    case 'huge':
      return body.kind === 'huge' && body.fill.startsWith('json') ? 'application/json' : 'application/x-www-form-urlencoded';
    case 'json':
    case 'truncated-json':
    case 'deep-json':
      return 'application/json';
    case 'multipart':
      return `multipart/form-data; boundary=${body.declared}`;
    case 'text':
      return 'text/plain';
    case 'bytes':
      return 'application/octet-stream';
  }
}

// ---------------------------------------------------------------- headers

const CONTENT_TYPES = [
  'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data', 'multipart/form-data; boundary=x',
  'application/json; charset=utf-8', 'application/json; charset=utf-16le', 'application/json; charset=latin1', 'application/json; charset=ebcdic',
  'application/x-www-form-urlencoded; charset=iso-8859-1', 'application/x-www-form-urlencoded; charset=utf-32', 'application/x-www-form-urlencoded; charset=bogus',
  'application/x-www-form-urlencoded; charset="', 'APPLICATION/JSON', 'application/jwt', 'application/vnd.api+json', 'application/*', '*/*', 'text/html; charset=unknown-8bit',
  'application/x-www-form-urlencoded, application/json', 'application/json;;;', ';', '/', 'garbage', ' ', '\t', 'application/json\tcharset=utf-8', 'a/b; c=d; c=e; =',
];

export const contentType: fc.Arbitrary<ContentType> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<ContentType>({ kind: 'match' }) },
  { weight: 2, arbitrary: fc.constant<ContentType>({ kind: 'absent' }) },
  { weight: 5, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((value): ContentType => ({ kind: 'given', value })) },
  { weight: 1, arbitrary: headerJunk.map((value): ContentType => ({ kind: 'given', value })) },
);

const HOSTS = [
  'localhost', 'localhost:4000', '127.0.0.1', '[::1]', '', ' ', '\t', 'local\thost', 'localhost\t:80', '\tlocalhost', 'a b', '[', ']', '[::1', '%', '%00', ':', '::', 'a:b:c',
  'localhost:99999', 'localhost:-1', 'localhost:0x50', 'evil.example', 'evil.example:443', 'user@evil.example', '@', 'http://evil.example', 'a/b', 'a?b', 'a#b', '\\', 'é', 'xn--',
  '..', '.', 'localhost.', '*', '0', '999.999.999.999', 'a'.repeat(300),
];

const host = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTS) },
  { weight: 2, arbitrary: fc.tuple(headerJunk, headerJunk).map(([a, b]) => `${a}\t${b}`) },
  { weight: 2, arbitrary: headerJunk },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('localhost', '127.0.0.1', 'x'), fc.integer({ min: -10, max: 1_000_000 })).map(([h, p]) => `${h}:${p}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 6_000 }).map((n) => 'h'.repeat(n)) },
);

const origin = fc.oneof(
  fc.constantFrom('null', 'http://evil.example', 'https://evil.example', 'http://localhost:5173', 'http://localhost:3000', 'http://localhost:5173/', 'file://', 'chrome-extension://abc', 'http://localhost:5173, http://evil.example', ''),
  headerJunk,
);

const base64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Authorization: junk, Basic with junk or real credentials (escaped or not), Bearer with junk or real tokens. */
export function authorizationOf(bearers: fc.Arbitrary<string>, basics: fc.Arbitrary<readonly [string, string]>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: bearers.map((t) => `Bearer ${t}`) },
    { weight: 2, arbitrary: headerJunk.map((t) => `Bearer ${t}`) },
    { weight: 3, arbitrary: basics.map(([u, p]) => `Basic ${base64(`${u}:${p}`)}`) },
    { weight: 2, arbitrary: fc.tuple(junk, junk).map(([u, p]) => `Basic ${base64(`${u}:${p}`)}`) },
    { weight: 1, arbitrary: junk.map((s) => `Basic ${base64(s)}`) },
    { weight: 1, arbitrary: fc.constantFrom('Basic', 'Basic ', 'Basic !!!', 'Basic ===', 'Basic Og==', 'Basic JXp6OiV6eg==', 'Bearer', 'Bearer ', 'bearer x', 'BEARER a.b.c', 'Bearer a b', 'Negotiate abc', 'DPoP abc', 'Digest username="x"', ',', 'Bearer x, Basic eA==') },
    { weight: 1, arbitrary: headerJunk },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 8_000 }).map((n) => `Bearer ${'a'.repeat(n)}`) },
  );
}

const COOKIE_NAMES = ['mockidp_session', 'mockidp_session.sig', 'mockidp_interaction', 'mockidp_interaction.sig', 'mockidp_resume', 'mockidp_resume.sig', '_interaction', '_session', 'koa.sess'];
const COOKIE_VALUES = ['$SESSION', '$SESSION_SIG', '$INTERACTION', '$INTERACTION_SIG', '$UID', '$STALE_UID', '', '""', '"x"', '%', '%zz', 'deleted', 'null', '{}', 'a;b', 'x'.repeat(21)];

/** Cookie headers: the world's real cookies ($JAR), look-alikes of the mock's cookies, and garbage. */
export const cookie: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('$JAR') },
  { weight: 2, arbitrary: headerJunk.map((j) => `$JAR; ${j}`) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...COOKIE_NAMES) }, { weight: 1, arbitrary: headerJunk }), fc.oneof(fc.constantFrom(...COOKIE_VALUES), idLike.map(headerSafe))), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('; ', ';', ', ', ' ;; '),
      )
      .map(([pairs, sep]) => pairs.map(([n, v]) => `${n}=${v}`).join(sep)),
  },
  { weight: 1, arbitrary: fc.constantFrom('=', ';', '=;=;', ';;;;', 'mockidp_session', 'mockidp_session=', '=mockidp_session', 'a=b=c', 'mockidp_session=a; mockidp_session=b', '\t') },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 8_000 }).map((n) => `mockidp_session=${'s'.repeat(n)}`) },
);

const EXTRA_NAMES = ['X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Proto', 'Forwarded', 'Referer', 'User-Agent', 'Accept-Language', 'If-None-Match', 'Range', 'Expect', 'Upgrade', 'X-HTTP-Method-Override', 'DPoP', 'Prefer', 'Access-Control-Request-Method', 'Access-Control-Request-Headers', 'Accept-Charset', 'X-Requested-With'];

/** `arb` one time in `every`, else absent. */
function sometimes<T>(arb: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

export function headersOf(authorization: fc.Arbitrary<string>): fc.Arbitrary<HeaderRecipe> {
  return fc
    .record({
      host: sometimes(host, 5),
      contentType,
      origin: sometimes(origin, 5),
      secFetchSite: sometimes(fc.oneof(fc.constantFrom('cross-site', 'same-site', 'same-origin', 'none'), headerJunk), 6),
      secFetchMode: sometimes(fc.constantFrom('navigate', 'cors', 'no-cors', 'nested-navigate', 'websocket', 'x'), 10),
      authorization: sometimes(authorization, 3),
      cookie: sometimes(cookie, 2),
      accept: sometimes(fc.oneof(fc.constantFrom('application/json', 'text/html', '*/*', 'application/jwt', 'text/html;q=0', '', ';;;'), headerJunk), 5),
      contentEncoding: sometimes(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'zstd', 'gzip, gzip', 'x'), 20),
      extra: fc.array(
        fc.tuple(
          fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...EXTRA_NAMES) }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/) }),
          fc.oneof(headerJunk, fc.constantFrom('100-continue', 'websocket', 'h2c', 'bytes=0-1,1-2', 'DELETE', '"etag"', '*')),
        ),
        { maxLength: 2 },
      ),
      pad: sometimes(fc.integer({ min: 1_000, max: 12_000 }), 30),
    })
    .map((h) => {
      // exactOptionalPropertyTypes: no key for an absent header.
      const out: HeaderRecipe = { contentType: h.contentType, extra: h.extra };
      for (const [k, v] of Object.entries(h)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
      return out;
    });
}

// ---------------------------------------------------------------- methods and paths

export function methodOf(own: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 16, arbitrary: fc.constantFrom(...own) },
    { weight: 6, arbitrary: fc.constantFrom(...METHODS) },
    { weight: 1, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'PURGE', 'MKCOL', 'REPORT', 'SEARCH') },
  );
}

export interface PathChoice {
  route: string;
  path: string;
  /** The methods the route takes, when they differ from the group's. */
  methods?: readonly string[];
}

/** A path segment: junk, escaped so the request line is legal. */
export const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: idLike.map(pathSafe) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', '%2e%2e', '%2F', '%00', '%', '%zz', '%E0%A4%A', ';x=1', '*', '~', 'x'.repeat(2_000)) },
);

/** The template's `:name` segments filled in from `fill`, or random ones. */
export function pathOf(template: string, fill: Record<string, fc.Arbitrary<string>> = {}, methods?: readonly string[]): fc.Arbitrary<PathChoice> {
  const names = [...template.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const tail = fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 5, arbitrary: fc.constantFrom('/', '//', '?', '#x', '/.', '%20', ';x', '/..') });
  return fc.tuple(...names.map((n) => fill[n] ?? segment), tail).map((values) => {
    const tail = values.pop() as string;
    let path = template;
    for (const [i, n] of names.entries()) path = path.replace(`:${n}`, values[i]!);
    return { route: template, path: path + tail, ...(methods ? { methods } : {}) };
  });
}

// ---------------------------------------------------------------- a request

export interface GroupSpec {
  name: string;
  methods: readonly string[];
  paths: fc.Arbitrary<PathChoice>;
  query: fc.Arbitrary<RequestRecipe['query']>;
  headers: fc.Arbitrary<HeaderRecipe>;
  body: fc.Arbitrary<BodyRecipe>;
  /** A route's own bodies (its JSON fields), instead of `body`. */
  bodyFor?: (route: string) => fc.Arbitrary<BodyRecipe> | undefined;
}

export function requestOf(group: GroupSpec): fc.Arbitrary<RequestRecipe> {
  return fc
    .record({
      path: group.paths,
      query: group.query,
      headers: group.headers,
      framing: fc.oneof({ weight: 5, arbitrary: fc.constant('length' as const) }, { weight: 1, arbitrary: fc.constant('chunked' as const) }),
    })
    .chain(({ path, ...rest }) =>
      fc
        .tuple(methodOf(path.methods ?? group.methods), group.bodyFor?.(path.route) ?? group.body)
        .map(([method, body]) => withShortString({ group: group.name, method, route: path.route, path: path.path, ...rest, body })),
    );
}

/** fast-check prints a counterexample with this: short, and what was generated (placeholders unresolved). */
function withShortString(recipe: RequestRecipe): RequestRecipe {
  Object.defineProperty(recipe, fc.toStringMethod, { value: () => recipeSummary(recipe), enumerable: false });
  return recipe;
}

export function preview(s: string, max = 160): string {
  return s.length > max ? `${JSON.stringify(s.slice(0, max))}…(${s.length} chars)` : JSON.stringify(s);
}

export function recipeSummary(r: RequestRecipe): string {
  const query = r.query ? `?${encodeItems(r.query.items, r.query.escaping)}` : '';
  const body = r.body.kind === 'none' ? '' : ` body=${r.body.kind === 'huge' || r.body.kind === 'deep-json' ? JSON.stringify({ ...r.body, base: undefined }) : preview(bodyBytes(r.body, (s) => s)?.toString('latin1') ?? '', 120)}`;
  const headers = Object.entries(r.headers)
    .filter(([k]) => k !== 'extra' && k !== 'contentType')
    .map(([k, v]) => `${k}=${preview(String(v), 60)}`);
  const ct = r.headers.contentType.kind === 'given' ? ` ct=${preview(r.headers.contentType.value, 60)}` : ` ct=${r.headers.contentType.kind}`;
  return `${r.method} ${preview(r.path + query, 200)}${ct} ${headers.join(' ')}${r.headers.extra.length ? ` extra=${JSON.stringify(r.headers.extra).slice(0, 120)}` : ''}${body} framing=${r.framing}`;
}

/** The request as it goes on the wire, placeholders filled in. */
export function materialize(r: RequestRecipe, resolve: Resolve): RawRequest {
  const query = r.query ? encodeItems(resolveItems(r.query.items, resolve), r.query.escaping) : undefined;
  const path = requestLineSafe(resolve(r.path)) + (query !== undefined ? `?${requestLineSafe(query)}` : '');
  const body = bodyBytes(r.body, resolve);
  const headers: Record<string, HeaderValue> = {};
  const h = r.headers;
  if (h.host !== undefined) headers.Host = h.host;
  const type = h.contentType.kind === 'match' ? matchingType(r.body) : h.contentType.kind === 'given' ? h.contentType.value : undefined;
  if (type !== undefined) headers['Content-Type'] = type;
  if (h.origin !== undefined) headers.Origin = h.origin;
  if (h.secFetchSite !== undefined) headers['Sec-Fetch-Site'] = h.secFetchSite;
  if (h.secFetchMode !== undefined) headers['Sec-Fetch-Mode'] = h.secFetchMode;
  if (h.authorization !== undefined) headers.Authorization = headerSafe(resolve(h.authorization));
  if (h.cookie !== undefined) headers.Cookie = headerSafe(resolve(h.cookie));
  if (h.accept !== undefined) headers.Accept = h.accept;
  if (h.contentEncoding !== undefined) headers['Content-Encoding'] = h.contentEncoding;
  for (const [name, value] of h.extra) {
    const prior = headers[name];
    headers[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  if (h.pad !== undefined) headers['X-Fuzz-Pad'] = 'p'.repeat(h.pad);
  return { method: r.method, path, headers, body, framing: r.framing };
}

/** The request line takes bytes 0x21-0xff only (a raw token may hold a space or a control character). */
function requestLineSafe(s: string): string {
  return s.replace(/[^\x21-\xff]/gu, (ch) => percentEscape(ch, 'percent'));
}
