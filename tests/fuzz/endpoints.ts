/**
 * The endpoint groups the fuzz suite sends malformed requests to: their paths,
 * methods, parameters (real values and junk) and JSON bodies, and each group's
 * share of the runs.
 */
import fc from 'fast-check';
import { FAULTS } from '../../mock-idp/index.js';
import {
  anyJson, authorizationOf, bodyOf, formItems, headersOf, idLike, jsonFieldsOf, jsonObjectOf, junk, pathOf, queryOf, segment,
  type BodyRecipe, type FormItem, type GroupSpec, type Json, type PathChoice,
} from './arbitraries.js';

const API = 'https://api.example.com';
const pick = (...values: string[]) => fc.constantFrom(...values);
const oneOfPaths = (...choices: fc.Arbitrary<PathChoice>[]) => fc.oneof(...choices);

// ---------------------------------------------------------------- parameter values

const clientId = pick('sample-app', 'sample-spa', 'orders-worker', 'unknown-app', 'SAMPLE-APP', 'sample-app ');
const clientSecret = pick('sample-app-secret', 'orders-worker-secret', 'wrong-secret');
const redirectUri = pick('http://localhost:3000/callback', 'http://localhost:5173', 'http://localhost:3000/callback/', 'http://localhost:3000/callback#x', 'http://evil.example/callback', 'javascript:alert(1)', 'urn:ietf:wg:oauth:2.0:oob', '/callback', 'http://localhost:3000/callback?x=1');
const scope = pick('openid', 'openid profile email offline_access', 'read:orders', 'openid read:orders write:orders', 'openid openid', 'offline_access', 'openid  profile', 'admin:everything');
const audience = pick(API, `${API}/`, 'http://localhost/unknown', 'urn:x', 'https://api.example.com http://other');
const tokens = pick('$ACCESS_TOKEN', '$ID_TOKEN', '$REFRESH_TOKEN', '$REFRESH_TOKEN_2', '$OPAQUE_TOKEN', '$M2M_TOKEN', '$MGMT_TOKEN', '$FORGED_TOKEN', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.', 'eyJ', '..', '$ACCESS_TOKEN$ACCESS_TOKEN');
const username = pick('alice@example.com', 'ALICE@EXAMPLE.COM', ' alice@example.com', 'bob@example.com', 'nobody@example.com', 'auth0|65a1f0c2e4b0a1b2c3d4e5f1');
const password = pick('alice-pass', 'bob-pass', 'wrong', '');

const authorizeParams: Record<string, fc.Arbitrary<string>> = {
  client_id: clientId,
  response_type: pick('code', 'token', 'id_token', 'code id_token', 'none', 'code code', 'id_token token', 'token token', 'token code'),
  redirect_uri: redirectUri,
  scope,
  audience,
  resource: audience,
  state: idLike,
  nonce: idLike,
  prompt: pick('none', 'login', 'consent', 'select_account', 'none login', 'create'),
  response_mode: pick('query', 'fragment', 'form_post', 'web_message', 'jwt', 'query.jwt'),
  code_challenge: pick('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'abc', 'a'.repeat(129)),
  code_challenge_method: pick('S256', 'plain', 'RS256'),
  max_age: pick('0', '-1', '1e9', 'abc', '99999999999999999999'),
  connection: pick('google-oauth2', 'github', 'Username-Password-Authentication', 'nope'),
  login_hint: username,
  ui_locales: pick('en', 'xx-YY', 'de en', '*'),
  id_token_hint: tokens,
  claims: pick('{"userinfo":{"email":null}}', '{', '[]', 'null', '{"id_token":{"sub":{"value":"x"}}}', '{"__proto__":{"x":1}}'),
  request: pick('eyJhbGciOiJub25lIn0.e30.', 'a.b.c', 'x'),
  request_uri: pick('urn:ietf:params:oauth:request_uri:x', 'http://evil.example/request'),
  display: pick('page', 'popup', 'touch', 'wap'),
  acr_values: pick('urn:mace:incommon:iap:silver', ''),
  organization: idLike,
  invitation: idLike,
};

const tokenParams: Record<string, fc.Arbitrary<string>> = {
  grant_type: pick('authorization_code', 'refresh_token', 'client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:token-exchange', 'implicit', 'AUTHORIZATION_CODE', 'http://auth0.com/oauth/grant-type/mfa-otp', 'http://auth0.com/oauth/grant-type/mfa-oob', 'http://auth0.com/oauth/grant-type/mfa-recovery-code', 'http://auth0.com/oauth/grant-type/passwordless/otp'),
  client_id: clientId,
  client_secret: clientSecret,
  code: pick('$AUTH_CODE', 'invalid-code', '$REFRESH_TOKEN'),
  code_verifier: pick('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'short', 'a'.repeat(200)),
  redirect_uri: redirectUri,
  refresh_token: pick('$REFRESH_TOKEN', '$REFRESH_TOKEN_2', '$ACCESS_TOKEN', 'not-a-token'),
  username,
  password,
  realm: pick('Username-Password-Authentication', 'other'),
  audience,
  resource: audience,
  scope,
  device_code: pick('$DEVICE_CODE', 'invalid'),
  client_assertion: tokens,
  client_assertion_type: pick('urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'x'),
  subject_token: tokens,
  mfa_token: pick('not-an-mfa-token', '', 'a'.repeat(300)),
  otp: pick('123456', '000000', 'abcdef', '1e6', ''),
  oob_code: idLike,
  binding_code: pick('123456', 'x'),
  recovery_code: pick('ABCDEFGHJKLMNPQRSTUVWXYZ', 'x'),
  phone_number: pick('+15555550100', '12', ''),
  connection: pick('email', 'sms', 'Username-Password-Authentication', ''),
  send: pick('code', 'link', 'link_ios', 'link_android', 'x'),
  authParams: pick('{"scope":"openid"}', 'x', ''),
  email: username,
};

const bearerParams: Record<string, fc.Arbitrary<string>> = { access_token: tokens, client_id: clientId, scope };

const revokeParams: Record<string, fc.Arbitrary<string>> = {
  token: tokens,
  token_type_hint: pick('refresh_token', 'access_token', 'id_token', 'foo'),
  client_id: clientId,
  client_secret: clientSecret,
};

const logoutParams: Record<string, fc.Arbitrary<string>> = {
  id_token_hint: tokens,
  post_logout_redirect_uri: pick('http://localhost:3000', 'http://localhost:5173', 'http://evil.example', '//evil.example', 'javascript:alert(1)'),
  state: idLike,
  client_id: clientId,
  logout_hint: username,
  ui_locales: pick('en', 'xx'),
  xsrf: idLike,
  logout: pick('yes', 'no', 'true', ''),
  returnTo: pick('http://localhost:3000', 'http://localhost:3000/', 'http://localhost:5173', 'http://evil.example', '//evil.example', 'javascript:alert(1)', 'not a url'),
  federated: pick('', 'true'),
};

const deviceParams: Record<string, fc.Arbitrary<string>> = {
  client_id: clientId,
  client_secret: clientSecret,
  scope,
  audience,
  user_code: pick('$USER_CODE', 'ABCD-EFGH', 'abcdefgh', 'BCDF-GHJK', '$DEVICE_CODE'),
  xsrf: idLike,
  confirm: pick('yes', 'no', ''),
  abort: pick('yes', 'true', ''),
};

const interactionParams: Record<string, fc.Arbitrary<string>> = {
  username,
  password,
  connection: pick('google-oauth2', 'github', 'facebook', 'Username-Password-Authentication', ''),
  remember: pick('on', 'off', 'yes'),
  prompt: pick('login', 'consent'),
  submit: pick('Continue', 'Accept', 'Cancel'),
  _csrf: pick('$CSRF', '$CONSENT_CSRF', '', 'forged'),
  code: pick('123456', '000000', 'abc', ''),
  email: username,
};

// ---------------------------------------------------------------- admin JSON bodies

const s = (arb: fc.Arbitrary<string>) => arb as fc.Arbitrary<Json>;
const strings = (arb: fc.Arbitrary<string>) => fc.array(arb, { maxLength: 3 }) as fc.Arbitrary<Json>;
const faultIds = FAULTS.map((f) => f.id);

const userFields: Record<string, fc.Arbitrary<Json>> = {
  sub: s(fc.oneof(fc.nat(1_000).map((n) => `auth0|fuzz${n}`), pick('auth0|65a1f0c2e4b0a1b2c3d4e5f1', 'github|x', 'no-pipe', 'auth0|'), junk)),
  email: s(fc.oneof(fc.nat(1_000).map((n) => `fuzz${n}@example.com`), pick('alice@example.com', 'not-an-email', 'a@b', '@'), junk)),
  password: s(junk),
  name: s(junk),
  givenName: s(junk),
  familyName: s(junk),
  nickname: s(junk),
  picture: s(pick('https://example.com/p.png', 'javascript:x', '')),
  emailVerified: fc.oneof(fc.boolean(), pick('yes')) as fc.Arbitrary<Json>,
  roles: fc.oneof(strings(pick('admin', 'viewer', 'nope', '')), pick('admin')) as fc.Arbitrary<Json>,
  claims: fc.oneof(fc.dictionary(pick('https://example.com/department', 'iss', 'sub', 'aud', 'permissions', '__proto__', 'exp'), anyJson, { maxKeys: 3 }), anyJson) as fc.Arbitrary<Json>,
  blocked: fc.oneof(fc.boolean(), pick('true')) as fc.Arbitrary<Json>,
};

const mintFields: Record<string, fc.Arbitrary<Json>> = {
  user: s(username),
  client: s(pick('orders-worker', 'sample-app', 'nope')),
  kind: s(pick('access', 'id', 'refresh')),
  audience: s(audience),
  clientId: s(clientId),
  permissions: strings(pick('read:orders', 'write:orders', '', 'x y')),
  scope: s(scope),
  claims: fc.dictionary(pick('iss', 'aud', 'exp', 'sub', 'https://example.com/x', '__proto__', 'constructor'), anyJson, { maxKeys: 3 }) as fc.Arbitrary<Json>,
  expiresIn: fc.oneof(fc.integer({ min: -10, max: 400_000_000 }), fc.double(), pick('60')) as fc.Arbitrary<Json>,
  fault: s(fc.oneof(fc.constantFrom(...faultIds), pick('RS-99', 'rs-13', ''))),
  canaryUrl: s(pick('http://127.0.0.1:1/canary', 'not a url', 'file:///etc/passwd')),
  clockTolerance: fc.oneof(fc.integer({ min: -5, max: 5_000 }), pick('10')) as fc.Arbitrary<Json>,
};

const roleFields: Record<string, fc.Arbitrary<Json>> = {
  name: s(fc.oneof(pick('admin', 'viewer', 'fuzz-role'), junk)),
  description: s(junk),
  permissions: fc.oneof(fc.dictionary(pick(API, 'http://unknown', '__proto__'), strings(pick('read:orders', 'write:orders', 'nope', 'a b')), { maxKeys: 2 }), anyJson) as fc.Arbitrary<Json>,
};

const explainFields: Record<string, fc.Arbitrary<Json>> = {
  token: s(tokens),
  audience: s(audience),
  clockTolerance: fc.oneof(fc.integer({ min: -5, max: 5_000 }), pick('1')) as fc.Arbitrary<Json>,
};

const retireFields: Record<string, fc.Arbitrary<Json>> = { kid: s(fc.oneof(pick('$KID', 'dev-UMjyS4zzgD3RaFsZ', 'nope'), junk)) };

const clockFields: Record<string, fc.Arbitrary<Json>> = {
  advance: fc.oneof(fc.integer({ min: -10, max: 3_600 }), fc.constantFrom<Json>(1.5, 1e300, -0, null), pick('30d', '1d12h', '-1d', '1.5h', 'soon', '9999999999999999999w')) as fc.Arbitrary<Json>,
};

/** An admin route's JSON: its fields, from a body its validation accepts (so a deep value reaches the code behind it). */
function adminBody(fields: Record<string, fc.Arbitrary<Json>>, valid: fc.Arbitrary<Record<string, Json>>, deepKeys: readonly string[] = Object.keys(fields)) {
  const object = fc.oneof({ weight: 2, arbitrary: valid }, { weight: 3, arbitrary: jsonObjectOf(fields) }, { weight: 1, arbitrary: valid.chain((v) => jsonObjectOf(fields).map((o) => ({ ...v, ...o }))) });
  return bodyOf({ form: formItems({ token: tokens, audience }), json: object, deepKeys, deepBase: valid, weights: { json: 20, 'deep-json': 20, form: 3 } });
}

const validUser = fc.nat(100_000).map((n): Record<string, Json> => ({ sub: `auth0|fuzz${n}`, email: `fuzz${n}@example.com`, password: 'fuzz-pass', name: `Fuzz ${n}` }));
const ADMIN_BODIES: Record<string, fc.Arbitrary<BodyRecipe>> = {
  '/_mock/users': adminBody(userFields, validUser, ['claims', 'roles', 'name', 'email', 'blocked']),
  '/_mock/users/:id': adminBody(userFields, fc.constantFrom<Record<string, Json>>({}, { name: 'Renamed' }, { blocked: false }), ['claims', 'roles', 'name', 'claims']),
  '/_mock/tokens': adminBody(mintFields, fc.constantFrom<Record<string, Json>>({ user: 'alice@example.com', audience: API }, { client: 'orders-worker', audience: API }, { user: 'bob@example.com', kind: 'id', clientId: 'sample-app' }, { user: 'alice@example.com', audience: API, fault: 'RS-13' }), ['claims', 'claims', 'claims', 'permissions']),
  '/_mock/roles': adminBody(roleFields, fc.constantFrom<Record<string, Json>>({ name: 'fuzz-role' }, { name: 'viewer', permissions: { [API]: ['read:orders'] } }), ['permissions', 'description', 'name']),
  '/_mock/explain': adminBody(explainFields, fc.constantFrom<Record<string, Json>>({ token: '$ACCESS_TOKEN' }, { token: '$ACCESS_TOKEN', audience: API })),
  '/_mock/': bodyOf({ form: formItems({ token: tokens, audience }), json: jsonObjectOf(explainFields), deepKeys: ['token'], deepBase: fc.constant({}) }),
  '/_mock/keys/retire': adminBody(retireFields, fc.constant({})),
  '/_mock/clock': adminBody(clockFields, fc.constantFrom<Record<string, Json>>({ advance: 60 }, { advance: '1h' })),
};
const adminJson = fc.oneof(jsonObjectOf(userFields), jsonObjectOf(mintFields), jsonObjectOf(roleFields), jsonObjectOf(explainFields), jsonObjectOf(retireFields));

// ---------------------------------------------------------------- groups

const basics = fc.tuple(clientId, clientSecret).map(([u, p]) => [u, p] as const);
const defaultHeaders = headersOf(authorizationOf(tokens, basics));

/** A group of endpoints that read forms (and JSON at the token and revocation endpoints), from their parameters and a few well-formed requests. */
function formGroup(name: string, methods: readonly string[], paths: fc.Arbitrary<PathChoice>, params: Record<string, fc.Arbitrary<string>>, queryPresence = 3, valid: readonly (readonly FormItem[])[] = []): GroupSpec {
  const fields = jsonFieldsOf(params);
  const validJson = valid.map((items) => Object.fromEntries(items.filter((i) => typeof i !== 'string')) as Record<string, Json>);
  const deepBase = validJson.length ? fc.oneof(fc.constantFrom(...validJson), jsonObjectOf(fields)) : jsonObjectOf(fields);
  return {
    name,
    methods,
    paths,
    query: queryOf(params, queryPresence, valid),
    headers: defaultHeaders,
    body: bodyOf({ form: formItems(params, 10, valid), json: fc.oneof({ weight: 4, arbitrary: jsonObjectOf(fields) }, { weight: 2, arbitrary: deepBase }, { weight: 1, arbitrary: anyJson }), deepKeys: Object.keys(params), deepBase }),
  };
}

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const VALID_AUTHORIZE: FormItem[][] = [
  [['client_id', 'sample-app'], ['response_type', 'code'], ['redirect_uri', 'http://localhost:3000/callback'], ['scope', 'openid profile email offline_access'], ['audience', API], ['state', 'st']],
  [['client_id', 'sample-spa'], ['response_type', 'code'], ['redirect_uri', 'http://localhost:5173'], ['scope', 'openid read:orders'], ['code_challenge', CHALLENGE], ['code_challenge_method', 'S256'], ['nonce', 'n']],
  [['client_id', 'sample-spa'], ['response_type', 'code'], ['redirect_uri', 'http://localhost:5173'], ['scope', 'openid'], ['code_challenge', CHALLENGE], ['code_challenge_method', 'S256'], ['prompt', 'none'], ['response_mode', 'web_message']],
];
const VALID_TOKEN: FormItem[][] = [
  [['grant_type', 'client_credentials'], ['client_id', 'orders-worker'], ['client_secret', 'orders-worker-secret'], ['audience', API]],
  [['grant_type', 'refresh_token'], ['client_id', 'sample-app'], ['client_secret', 'sample-app-secret'], ['refresh_token', '$REFRESH_TOKEN']],
  [['grant_type', 'password'], ['client_id', 'sample-app'], ['client_secret', 'sample-app-secret'], ['username', 'alice@example.com'], ['password', 'alice-pass'], ['scope', 'openid'], ['audience', API]],
  [['grant_type', 'authorization_code'], ['client_id', 'sample-app'], ['client_secret', 'sample-app-secret'], ['code', '$AUTH_CODE'], ['redirect_uri', 'http://localhost:3000/callback']],
  [['grant_type', 'urn:ietf:params:oauth:grant-type:device_code'], ['client_id', 'sample-spa'], ['device_code', '$DEVICE_CODE']],
];
const VALID_REVOKE: FormItem[][] = [
  [['client_id', 'sample-app'], ['client_secret', 'sample-app-secret'], ['token', '$REFRESH_TOKEN_2'], ['token_type_hint', 'refresh_token']],
  [['client_id', 'sample-spa'], ['token', '$ACCESS_TOKEN']],
];
const VALID_LOGOUT: FormItem[][] = [
  [['id_token_hint', '$ID_TOKEN'], ['post_logout_redirect_uri', 'http://localhost:3000'], ['state', 's']],
  [['client_id', 'sample-app'], ['returnTo', 'http://localhost:3000']],
  [['xsrf', 'x'], ['logout', 'yes']],
];
const VALID_DEVICE: FormItem[][] = [
  [['client_id', 'sample-spa'], ['scope', 'openid offline_access'], ['audience', API]],
  [['user_code', '$USER_CODE'], ['xsrf', 'x']],
  [['user_code', '$USER_CODE'], ['xsrf', 'x'], ['confirm', 'yes']],
];
const VALID_INTERACTION: FormItem[][] = [[['username', 'alice@example.com'], ['password', 'alice-pass'], ['_csrf', '$CSRF']], [['connection', 'github'], ['_csrf', '$CSRF']], [['_csrf', '$CONSENT_CSRF']]];
const VALID_USERINFO: FormItem[][] = [[['access_token', '$OPAQUE_TOKEN']], [['access_token', '$ACCESS_TOKEN']]];

const realUser = pick('alice@example.com', 'auth0|65a1f0c2e4b0a1b2c3d4e5f2', 'CAROL@example.com', 'google-oauth2|x');
const uid = fc.oneof({ weight: 4, arbitrary: fc.constant('$UID') }, { weight: 2, arbitrary: fc.constant('$CONSENT_UID') }, { weight: 1, arbitrary: fc.constant('$STALE_UID') }, { weight: 3, arbitrary: segment });

/** Runs of the heavy admin routes (they rebuild the provider, rotation makes an RSA key): rare, and capped per group. */
export const HEAVY_ROUTES: Record<string, number> = { '/_mock/reset': 8, '/_mock/keys/rotate': 5, '/_mock/keys/publish': 5, '/_mock/keys/retire': 8 };

const GET = ['GET'];
const POST = ['POST'];
const userId = fc.oneof(realUser, segment);
const adminPaths = fc.oneof(
  { weight: 60, arbitrary: oneOfPaths(pathOf('/_mock/', {}, ['GET', 'POST']), pathOf('/_mock/explain', {}, POST), pathOf('/_mock/health', {}, GET), pathOf('/_mock/faults', {}, GET), pathOf('/_mock/keys', {}, GET), pathOf('/_mock/events', {}, GET), pathOf('/_mock/roles', {}, GET), pathOf('/_mock/clock', {}, ['GET', 'POST']), pathOf('/_mock/state', {}, ['GET', 'POST'])) },
  { weight: 100, arbitrary: oneOfPaths(pathOf('/_mock/tokens', {}, POST), pathOf('/_mock/users', {}, ['GET', 'POST', 'POST']), pathOf('/_mock/roles', {}, POST)) },
  { weight: 55, arbitrary: pathOf('/_mock/users/:id', { id: userId }, ['GET', 'PATCH', 'PATCH', 'DELETE']) },
  { weight: 25, arbitrary: pathOf('/_mock/users/:id/revoke', { id: userId }, POST) },
  { weight: 20, arbitrary: oneOfPaths(pathOf('/_mock/keys/retire', {}, POST), pathOf('/_mock/:unknown'), pathOf('/_mock'), pathOf('/_mock/users/:id/:more', { id: userId })) },
  { weight: 3, arbitrary: oneOfPaths(pathOf('/_mock/reset', {}, POST), pathOf('/_mock/keys/rotate', {}, POST), pathOf('/_mock/keys/publish', {}, POST)) },
);

const adminParams: Record<string, fc.Arbitrary<string>> = { since: pick('0', '1', '-1', '1.5', 'abc', '1e3', '99999999999999999999', ''), token: tokens, audience };

// Sign-up, password reset and email links (the database connection), and the Management API v2.
const accountParams: Record<string, fc.Arbitrary<string>> = {
  client_id: clientId,
  connection: pick('Username-Password-Authentication', 'google-oauth2', 'nope', ''),
  email: fc.oneof(username, fc.nat(100_000).map((n) => `fuzz-signup${n}@example.com`), junk),
  password: fc.oneof(password, pick('Str0ng-enough!', 'a'.repeat(100))),
  username: junk,
  name: junk,
  given_name: junk,
  user_metadata: pick('{"plan":"pro"}', '[]', 'x', '{"a":{"b":{"c":1}}}'),
  ticket: pick('$STALE_UID', 'x', ''),
  _csrf: pick('x', ''),
  new_password: password,
  email_verified: pick('true', 'false', 'x'),
  verification_code: pick('123456', '000000', 'x', ''),
  redirect_uri: redirectUri,
  response_type: pick('code', 'id_token', 'token', 'x'),
  state: idLike,
};
const accountPaths = oneOfPaths(
  pathOf('/passwordless/verify_redirect', {}, GET),
  pathOf('/dbconnections/signup', {}, POST),
  pathOf('/dbconnections/change_password', {}, POST),
  pathOf('/u/reset-password', {}, ['GET', 'POST']),
  pathOf('/u/email-verification', {}, GET),
  ...['/signup', '/forgot-password'].map((sub) => pathOf(`/interaction/:uid${sub}`, { uid }, ['GET', 'POST'])),
  pathOf('/interaction/:uid/social/:connection', { uid, connection: pick('google-oauth2', 'github', 'nope') }, GET),
);
const mgmtId = fc.oneof(realUser, pick('rol_0000000000000000', 'admin', 'viewer'), segment);
const managementParams: Record<string, fc.Arbitrary<string>> = {
  q: pick('email:"alice@example.com"', 'name:Ali*', 'email:* AND name:x', '(', 'email:"', 'a OR OR b', '_exists_:blocked', 'NOT name:x'),
  search_engine: pick('v3', 'v2', 'v1', ''),
  page: pick('0', '1', '-1', 'x', '1e9'),
  per_page: pick('1', '50', '101', '0', '-5', 'x'),
  include_totals: pick('true', 'false', 'x'),
  fields: pick('email,name', '', ',,,', 'password'),
  include_fields: pick('true', 'false', 'x'),
  sort: pick('email:1', 'name:-1', 'x:2', ':'),
  email: username,
  password,
  connection: pick('Username-Password-Authentication', 'nope'),
  blocked: pick('true', 'false', 'x'),
  name: junk,
  roles: pick('["rol_0000000000000000"]', '[]', 'x'),
  permissions: pick('[{"resource_server_identifier":"https://api.example.com","permission_name":"read:orders"}]', '[]', '[{}]'),
  users: pick('["auth0|65a1f0c2e4b0a1b2c3d4e5f1"]', '[]', '[1]'),
  user_id: mgmtId,
  app_metadata: pick('{"a":1}', 'null', '[]'),
  user_metadata: pick('{"a":{"b":null}}', 'null', '"x"'),
};
const managementPaths = oneOfPaths(
  pathOf('/api/v2/users', {}, ['GET', 'POST']),
  pathOf('/api/v2/users/:id', { id: mgmtId }, ['GET', 'PATCH', 'DELETE']),
  pathOf('/api/v2/users/:id/roles', { id: mgmtId }, ['GET', 'POST', 'DELETE']),
  pathOf('/api/v2/users/:id/permissions', { id: mgmtId }, ['GET', 'POST', 'DELETE']),
  pathOf('/api/v2/users-by-email', {}, GET),
  pathOf('/api/v2/roles', {}, ['GET', 'POST']),
  pathOf('/api/v2/roles/:id', { id: mgmtId }, ['GET', 'PATCH', 'DELETE']),
  pathOf('/api/v2/roles/:id/permissions', { id: mgmtId }, ['GET', 'POST', 'DELETE']),
  pathOf('/api/v2/roles/:id/users', { id: mgmtId }, ['GET', 'POST']),
  pathOf('/api/v2/resource-servers', {}, GET),
  pathOf('/api/v2/resource-servers/:id', { id: mgmtId }, GET),
  pathOf('/api/v2/clients', {}, GET),
  pathOf('/api/v2/clients/:id', { id: clientId }, GET),
  pathOf('/api/v2/user-blocks/:id', { id: mgmtId }, ['GET', 'DELETE']),
  pathOf('/api/v2/tickets/password-change', {}, POST),
  pathOf('/api/v2/tickets/email-verification', {}, POST),
  pathOf('/api/v2/jobs/verification-email', {}, POST),
  pathOf('/api/v2/organizations', {}, ['GET', 'POST']),
  pathOf('/api/v2/organizations/:id', { id: mgmtId }, ['GET', 'DELETE']),
  pathOf('/api/v2/organizations/name/:id', { id: mgmtId }, GET),
  pathOf('/api/v2/organizations/:id/members', { id: mgmtId }, ['GET', 'POST', 'DELETE']),
  pathOf('/api/v2/organizations/:id/members/:user/roles', { id: mgmtId, user: mgmtId }, ['GET', 'POST', 'DELETE']),
  pathOf('/api/v2/organizations/:id/invitations', { id: mgmtId }, ['GET', 'POST']),
  pathOf('/api/v2/:unknown'),
);

const ALL_PATHS = [
  '/authorize', '/authorize/:uid', '/oauth/token', '/userinfo', '/oauth/revoke', '/oidc/logout', '/v2/logout', '/oauth/device/code', '/activate', '/activate/:code',
  '/interaction/:uid', '/interaction/:uid/login', '/interaction/:uid/social', '/interaction/:uid/consent', '/interaction/:uid/abort', '/interaction/:uid/mfa', '/.well-known/openid-configuration',
  '/.well-known/jwks.json', '/_mock/', '/_mock/users/:id', '/', '/favicon.ico', '/:unknown', '/.well-known/:unknown', '/oauth/:unknown', '/oidc/logout/confirm', '/session/end',
  '/request', '/token', '/me', '/jwks', '/reg', '/interaction', '/interaction/', '//authorize', '/OAUTH/TOKEN', '/oauth/token/', '/userinfo;x', '/%2e%2e/_mock/health', '/_mock/../authorize',
  '/mfa/authenticators', '/mfa/associate', '/mfa/challenge', '/_mock/users/:id/otp', '/passwordless/start', '/passwordless/verify_redirect',
];

export interface Group extends GroupSpec {
  /** Share of the suite's runs. */
  share: number;
}

export const GROUPS: Group[] = [
  { ...formGroup('authorize', ['GET'], oneOfPaths(pathOf('/authorize'), pathOf('/authorize/:uid', { uid })), authorizeParams, 9, VALID_AUTHORIZE), share: 0.11 },
  { ...formGroup('token', ['POST'], pathOf('/oauth/token'), tokenParams, 3, VALID_TOKEN), share: 0.12 },
  { ...formGroup('userinfo', ['GET', 'POST'], pathOf('/userinfo'), bearerParams, 4, VALID_USERINFO), share: 0.07 },
  { ...formGroup('revoke', ['POST'], pathOf('/oauth/revoke'), revokeParams, 3, VALID_REVOKE), share: 0.06 },
  { ...formGroup('logout', ['GET', 'POST'], oneOfPaths(pathOf('/oidc/logout', {}, ['GET', 'POST']), pathOf('/oidc/logout/confirm', {}, POST), pathOf('/v2/logout', {}, GET)), logoutParams, 6, VALID_LOGOUT), share: 0.07 },
  {
    ...formGroup('device', ['GET', 'POST'], fc.oneof(pathOf('/oauth/device/code', {}, POST), pathOf('/activate', {}, ['GET', 'POST']), pathOf('/activate/:code', { code: fc.oneof(fc.constant('$STALE_UID'), segment) }, GET)), deviceParams, 5, VALID_DEVICE),
    share: 0.09,
  },
  {
    ...formGroup('interaction', ['GET', 'POST'], oneOfPaths(...['', '/login', '/social', '/consent', '/abort', '/mfa', '/passwordless'].map((sub) => pathOf(`/interaction/:uid${sub}`, { uid }, sub === '/passwordless' ? ['GET', 'POST'] : sub ? POST : GET))), interactionParams, 2, VALID_INTERACTION),
    share: 0.11,
  },
  { ...formGroup('discovery', ['GET'], oneOfPaths(pathOf('/.well-known/openid-configuration'), pathOf('/.well-known/jwks.json')), {}, 3), share: 0.06 },
  {
    name: 'admin',
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    paths: adminPaths,
    query: queryOf(adminParams, 2),
    headers: defaultHeaders,
    body: bodyOf({ form: formItems({ token: tokens, audience }), json: adminJson, deepKeys: ['claims', 'roles', 'permissions', 'name'], deepBase: fc.constant({}), weights: { json: 20, 'deep-json': 4 } }),
    bodyFor: (route) => ADMIN_BODIES[route],
    share: 0.15,
  },
  {
    ...formGroup('any-path', ['GET', 'POST'], fc.constantFrom(...ALL_PATHS).chain((p) => pathOf(p, { uid })), { ...tokenParams, ...logoutParams, ...deviceParams }),
    share: 0.07,
  },
  { ...formGroup('accounts', ['GET', 'POST'], accountPaths, accountParams, 3), share: 0.05 },
  { ...formGroup('management', ['GET', 'POST', 'PATCH', 'DELETE'], managementPaths, managementParams, 4), headers: headersOf(authorizationOf(fc.oneof({ weight: 5, arbitrary: fc.constant('$MGMT_TOKEN') }, { weight: 1, arbitrary: tokens }), basics)), share: 0.04 },
];
