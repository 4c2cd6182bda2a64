import type { RequestListener } from 'node:http';
import { dirname } from 'node:path';
import { ActionLoadError } from './core/actions/modules.js';
import { ActionRunner } from './core/actions/run.js';
import type { MockEvent } from './core/events.js';
import type { TimelineEntry, TimelineFilter } from './core/events-timeline.js';
import type { OutboxEmail } from './core/outbox.js';
import { readKeyFile, type KeyInfo, type PrivateJwk } from './core/keys.js';
import { checkStartOptions } from './core/admin-options.js';
import { parseDuration, type ClockReading } from './core/clock.js';
import { checkSnapshot, type StateSnapshot } from './core/persistence/snapshot.js';
import { PACKAGE_PATHS } from './core/package-paths.js';
import { MockState } from './core/state.js';
import type { RedisLink } from './core/redis/index.js';
import { lockDataDir, prepareDataDir, readStateFile, StateWriter } from './core/persistence/data-dir.js';
import { DEFAULTS } from './core/tenant/defaults.js';
import { currentOtp } from './core/mfa.js';
import { createUser, deleteUser, revokeUser, unblockUser, updateUser, upsertRole, type NewUserInput, type RoleInput, type UserInput } from './core/tenant/edits.js';
import { loadTenantFile, parseTenant, TenantConfigError } from './core/tenant/load.js';
import type { Role, Tenant, TenantInput, User } from './core/tenant/schema.js';
import { Directory } from './core/directory.js';
import { shapeOfApi } from './core/token-dialect.js';
import { createApp } from './http/app.js';
import type { AdminTools } from './http/admin/routes.js';
import { listen, type TlsCredentials } from './http/listen.js';
import { oidcViews } from './http/views/index.js';
import { OidcHost } from './oidc/host.js';
import type { TokenExplanation } from './tools/explain/explain-token.js';
import type { ExplainRequest } from './tools/explain/explain-request.js';
import type { HeadlessLoginOptions, TokenSet } from './tools/headless/login.js';
import type { MintRequest } from './tools/mint/mint-request.js';
import type { MintedToken } from './tools/mint/mint-token.js';
import type { LoginFaultId, PlantedLoginFault } from './tools/faults/login-forge.js';
import type { ForgedLogoutToken, LogoutTokenFault } from './tools/faults/logout-forge.js';

export type { StateSnapshot };
export type { KeyInfo, PrivateJwk, MintRequest, MintedToken, TokenExplanation, ExplainRequest, HeadlessLoginOptions, TokenSet, MockEvent, ClockReading, OutboxEmail };

export interface MockIdpOptions {
  /** A tenant file path or a tenant object; default: the shipped `fixtures/tenant.json`. */
  tenant?: string | TenantInput;
  /** Port to listen on; 0 (the default here) picks a free one. */
  port?: number;
  /** `localhost` (default) binds 127.0.0.1 and ::1; any other value is bound as given. */
  host?: string;
  /** Issuer URL; default `http://<host>:<port>/` (with Auth0's trailing slash). */
  issuer?: string;
  /** Private signing keys (newest first) or a JWKS file of them; default: the shipped development key. */
  keys?: PrivateJwk[] | string;
  /** When set, the admin API (/_mock/) needs `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Let non-loopback callers use the admin API; needs `adminToken` (else StartOptionsError `ERR_REMOTE_ADMIN_WITHOUT_TOKEN`). Default false. */
  allowRemoteAdmin?: boolean;
  /**
   * More host names the admin API and the login pages answer to (against DNS rebinding), e.g. the name
   * a proxy or a container network gives the mock. Always allowed: the issuer's host, `host`, `tlsNames`,
   * `localhost` and IP addresses. Ports are not compared.
   */
  allowedHosts?: string[];
  /**
   * Serve HTTPS (on the same port) with a server certificate from the local mock-idp TEST CA:
   * the issuer becomes `https://<host>:<port>/` and `idp.ca` says which CA to trust.
   */
  https?: boolean;
  /**
   * With `https`: more names the server certificate covers (DNS names or IP addresses), beside
   * localhost, 127.0.0.1, ::1 and the issuer's host, e.g. `['mock-idp']` for a container's name.
   */
  tlsNames?: string[];
  /** With `https`: where the CA is kept (`<home>/ca/ca.pem`); default `MOCK_IDP_HOME`, else `~/.mock-idp`. */
  home?: string;
  /**
   * Behind your own TLS terminator or a port mapping: URLs the mock builds (discovery's endpoints,
   * redirects) follow X-Forwarded-Proto and X-Forwarded-Host (oidc-provider's own proxy setting).
   * The issuer stays `issuer`: set it to the public URL, e.g. `https://idp.example.test/`.
   * Admin calls are judged by the last X-Forwarded-For address. Default false.
   */
  trustProxy?: boolean;
  /**
   * Keep the run-time state across restarts in this directory (created if absent): its `state.json` holds
   * what changed since the tenant (the seed): users and their edits, sessions, grants, refresh tokens and
   * their families, devices, signing keys after a rotation, the outbox, the clock's offset. Written within
   * 100 ms of each change, atomically. A corrupt file, or one of a newer format, is refused
   * (StateFileError `ERR_STATE_CORRUPT` / `ERR_STATE_NEWER`), never reset. One mock per directory (DataDirError `ERR_DATA_DIR`).
   */
  dataDir?: string;
  /**
   * Keep the state in Redis (`redis://HOST:PORT`, node-redis URL syntax) so that several mock processes
   * answer as one tenant: oidc-provider's models (sessions, codes, grants, refresh tokens and their
   * families, with TTLs) and the mock's own run-time state (tenant edits, keys, clock offset, outbox,
   * brute-force counts), which every replica reloads when one changes it. Give every replica the same
   * `issuer` and tenant. Not with `dataDir` (StartOptionsError `ERR_REDIS_WITH_DATA_DIR`); an unreachable
   * server is RedisStateError `ERR_REDIS`.
   */
  redis?: string;
  /** With `redis`: the prefix of this tenant's keys, so that tenants can share one redis-server; default `mock-idp:<issuer>:`. */
  redisPrefix?: string;
}

/**
 * Time travel: the mock's notion of now, ahead of the real time by an offset that only grows.
 * Sessions, codes, refresh tokens (idle and absolute lifetimes), device codes, interactions and
 * brute-force blocks expire on it, and tokens issued afterwards carry its time in `iat` / `exp`.
 * `idp.reset()` puts it back to the real time together with the state.
 */
export interface MockIdpClock {
  /** Seconds the mock is ahead of the real time (0 until advanced). */
  readonly offset: number;
  /** The mock's now. */
  now(): Date;
  /**
   * Moves the mock's now forward by whole seconds or a duration (`'30d'`, `'12h'`, `'1d12h'`;
   * units s, m, h, d, w). A negative or malformed amount throws InvalidInput and changes nothing.
   */
  advance(by: number | string): ClockReading;
  /** `{ offset, now (ISO), epoch }`, as `GET /_mock/clock` answers. */
  read(): ClockReading;
}

/** The local TEST CA an HTTPS mock's certificate comes from: what a client must trust. */
export interface MockIdpCa {
  /** The CA certificate file (PEM), e.g. for `NODE_EXTRA_CA_CERTS`, a browser or the OS trust store. */
  readonly certPath: string;
  /** The same certificate: node:https's `ca`, `fetchTrustingCa(idp.ca.certPem)`, `loginThroughApp(url, user, { ca })`. */
  readonly certPem: string;
}

export interface MockIdp {
  /** `http://localhost:<port>/` (`https://` with `https`), with the trailing slash, as Auth0's. */
  readonly issuer: string;
  /** With `https`: the CA to trust (its file and PEM); undefined over plain HTTP. */
  readonly ca: MockIdpCa | undefined;
  /** The issuer without its trailing slash, to build URLs from. */
  readonly baseUrl: string;
  readonly jwksUri: string;
  readonly port: number;
  /** Addresses bound, e.g. `127.0.0.1:4000`, `[::1]:4000`. */
  readonly addresses: string[];
  /** The live tenant (validated, defaults filled in). */
  readonly tenant: Tenant;
  /**
   * Changes the tenant at run time: `change` gets a copy of the current tenant
   * to edit (or returns a new one). The result is validated first, its
   * applications with oidc-provider's own client validation too; a refused
   * change throws TenantConfigError and changes nothing.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: the callback either edits the draft in a block (returns void) or returns a new tenant.
  updateTenant(change: (draft: TenantInput) => TenantInput | void): Promise<Tenant>;
  /**
   * Signs with a new key from now on: the next key of `publishNextKey()` if one is
   * pending, else a new one. The previous key stays in the JWKS until retired.
   */
  rotateKeys(next?: PrivateJwk): Promise<KeyInfo[]>;
  /** Publishes a next key in the JWKS without signing with it yet (as Auth0 does ahead of a rotation). */
  publishNextKey(next?: PrivateJwk): Promise<KeyInfo[]>;
  /** How many times the JWKS was fetched since start (or the last reset). */
  jwksFetches(): number;
  /** Removes a published (not the active) key from the JWKS, or an unparseable one; default: the oldest. */
  retireKey(kid?: string): KeyInfo[];
  /** Publishes a key no client can parse (an RSA key without `n`) in the JWKS beside the real ones, until `retireKey(kid)` (RP-14); also `POST /_mock/keys/unparseable`. */
  publishUnparseableKey(): { kid: string; key: Record<string, unknown> };
  /** The key ring with its private keys (`exportState().keys`, also with Redis, where the whole state is not exportable); also `GET /_mock/keys/snapshot`. */
  exportKeys(): StateSnapshot['keys'];
  /** Puts the key ring back as `exportState().keys` had it (private keys and the pending next key); also `POST /_mock/keys/restore`. */
  restoreKeys(snapshot: StateSnapshot['keys']): KeyInfo[];
  keys(): KeyInfo[];
  /**
   * Every check an API should make on a JWT from this mock, each reported on its own with the
   * jose error code it would raise (`ERR_JWT_EXPIRED`, ...): why an API accepts or refuses it.
   */
  explainToken(token: string, options?: Omit<ExplainRequest, 'token'>): Promise<TokenExplanation>;
  /**
   * Plants a fault into the one login of `clientId` whose authorization request carries `state`
   * (and `nonce` and `code_challenge`, when given: some apps' states repeat)
   * (the relying-party conformance harness): the mock forges that login's ID token, userinfo
   * answer or authorization response, and logs whether the app redeemed the code or called userinfo.
   */
  planLoginFault(plan: { state: string; clientId: string; nonce?: string; codeChallenge?: string; fault: LoginFaultId }): Promise<PlantedLoginFault>;
  /**
   * A back-channel logout token for the session of `sub` / `sid` at `clientId`, valid or with one fault
   * (RP-24: `alg-none`, `wrong-iss`, `wrong-aud`, `no-events`, `with-nonce`), and the application's
   * back-channel logout URI to POST it to (null when it has none). Also `POST /_mock/logout-tokens`.
   */
  forgeLogoutToken(request: { clientId: string; sub?: string; sid?: string; fault: LogoutTokenFault }): Promise<ForgedLogoutToken>;
  /** Mints an access or ID token (good, or with a fault preset) signed by the active key. */
  mintToken(request: MintRequest): Promise<MintedToken>;
  /** Logs a tenant user in headless (authorize, login form, PKCE code exchange) and returns the tokens. */
  loginForTokens(options: HeadlessLoginOptions): Promise<TokenSet>;
  /** Adds a user (validated; DuplicateUser if the sub or email exists; without a `sub`, an `auth0|…` one is made). */
  createUser(user: NewUserInput): User;
  /** Changes a user (by sub or email); blocking a user also ends their sessions. */
  updateUser(id: string, patch: Partial<UserInput>): User;
  /** Removes a user with their sessions and refresh tokens. */
  deleteUser(id: string): User;
  /** Ends a user's sessions and revokes their refresh tokens. */
  revokeUser(id: string): User;
  /** Lifts brute-force protection's blocks of a user (by sub or email) from every address. */
  unblockUser(id: string): User;
  /** Adds or replaces a role. */
  upsertRole(role: RoleInput): Role;
  /** Time travel: move the mock's now forward (`idp.clock.advance('30d')`) and see where it is. */
  readonly clock: MockIdpClock;
  /** Back to the tenant and keys it started with; sessions, tokens and events cleared; the clock back to the real time. */
  reset(): void;
  /**
   * Resolves once the changes made so far are written where the other replicas read them (with `redis`):
   * the synchronous calls (`createUser`, `updateUser`, `deleteUser`, `revokeUser`, `unblockUser`, `upsertRole`,
   * `retireKey`, `restoreKeys`, `clock.advance`, `reset`) change this mock at once and write to Redis in the background;
   * await this before another replica is to see them. Rejects with StateConflict (`ERR_STATE_CONFLICT`) when a change
   * could not be written (other replicas kept changing the state, or it no longer fits theirs): it was undone.
   * The asynchronous calls (`updateTenant`, `rotateKeys`, `publishNextKey`) wait for it themselves. In memory it resolves at once.
   */
  settled(): Promise<void>;
  events(since?: number): MockEvent[];
  /**
   * The token timeline, oldest first: each token issued (when it expires, the lifetime that applied and the
   * tenant setting it came from), rotations, reuse detection and the family it revoked, logins, logouts,
   * key changes; a user (sub or email), session (`sid`) or client keeps theirs. Also `GET /_mock/timeline`.
   */
  timeline(filter?: TimelineFilter): TimelineEntry[];
  /**
   * The outbox: the emails mock-idp kept instead of sending them (verification and password-reset links,
   * brute-force unblock links), oldest first; `{ to }` keeps those to one address. Also `GET /_mock/emails`.
   */
  emails(filter?: { to?: string }): OutboxEmail[];
  /**
   * The current one-time code of a user's OTP authenticator (by sub or email), as an authenticator app would show it
   * now on the mock's clock: what a test types at the MFA step. Also `GET /_mock/users/<id>/otp`.
   */
  otp(user: string): string;
  /** The whole run-time state as JSON (as `GET /_mock/state` and `mock-idp state export` give it). */
  exportState(): StateSnapshot;
  /** Replaces the whole run-time state with an exported one (StateFileError if it is not one this mock reads). */
  importState(snapshot: unknown): void;
  close(): Promise<void>;
}

function resolveTenant(tenant: MockIdpOptions['tenant']): Tenant {
  if (tenant === undefined) return loadTenantFile(PACKAGE_PATHS.defaultTenant);
  return typeof tenant === 'string' ? loadTenantFile(tenant) : parseTenant(tenant, 'tenant object');
}

/** Where the tenant's relative action paths start: the tenant file's folder, else the working directory. */
function actionsBaseOf(tenant: MockIdpOptions['tenant']): string {
  return typeof tenant === 'string' ? dirname(tenant) : tenant === undefined ? dirname(PACKAGE_PATHS.defaultTenant) : process.cwd();
}

/** Loads every action now: one that does not load (a syntax error, with its file and line) refuses the start. */
async function loadActions(runner: ActionRunner, source: string): Promise<void> {
  try {
    await runner.loadAll();
  } catch (err) {
    if (!(err instanceof ActionLoadError)) throw err;
    throw new TenantConfigError(source, [{ path: err.tenantPath, message: err.message }]);
  }
}

function sourceOf(tenant: MockIdpOptions['tenant']): string {
  return typeof tenant === 'string' ? tenant : tenant === undefined ? PACKAGE_PATHS.defaultTenant : 'tenant object';
}

/** The tools the admin API serves, loaded on first use: start-up needs neither the fault catalogue nor the forge. */
function adminTools(state: MockState): AdminTools {
  const explainContext = () => ({
    issuer: state.issuer,
    publicKeys: state.keys.publicKeys,
    accessTokenTyp: (audience: string) => {
      const api = state.directory.api(audience);
      return api ? shapeOfApi(api).typ : undefined;
    },
    mockNow: () => state.clock.nowSeconds(),
  });
  return {
    mintToken: async (input) => (await import('./tools/mint/mint-token.js')).mintToken({ issuer: state.issuer, keys: state.keys, directory: state.directory, events: state.events, clock: state.clock }, input),
    explainToken: async (input) => (await import('./tools/explain/explain-request.js')).explainFor(explainContext(), input),
    explainTokenHtml: async (input) => {
      const [{ explainFor }, { explanationView }] = await Promise.all([import('./tools/explain/explain-request.js'), import('./tools/explain/explanation-view.js')]);
      return explanationView(await explainFor(explainContext(), input), input.audience);
    },
    planLoginFault: async (input) => (await import('./tools/faults/login-forge.js')).planLoginFault({ loginFaults: state.loginFaults, keys: state.keys, directory: state.directory, clock: state.clock }, input),
    forgeLogoutToken: async (input) => (await import('./tools/faults/logout-forge.js')).forgeLogoutToken({ issuer: state.issuer, keys: state.keys, directory: state.directory, clock: state.clock }, input),
    faults: async () => (await import('./tools/faults/index.js')).FAULTS.map(({ id, caseId, title, explanation, expect, level, reference }) => ({ id, caseId, title, explanation, expect, level, reference })),
  };
}

/** A name worth adding to the certificate unasked: a host name or an IP address, not a wildcard address. */
const certifiable = (name: string) => /^[a-z0-9.-]+$/i.test(name) || (name.includes(':') && /^[0-9a-f:.]+$/i.test(name) && name !== '::');

/**
 * The CA (created once under `home`) and a server certificate issued now. core/tls is loaded here
 * only: it costs 140-240 ms of module loading that a plain HTTP start does without.
 */
async function prepareTls(options: MockIdpOptions, host: string): Promise<{ ca: MockIdpCa; credentials: TlsCredentials }> {
  const { ensureCa, issueServerCertificate, mockIdpHome } = await import('./core/tls/index.js');
  const home = options.home ?? mockIdpHome();
  const ca = await ensureCa(home);
  const issuerHost = options.issuer && URL.canParse(options.issuer) ? new URL(options.issuer).hostname.replace(/^\[(.*)\]$/, '$1') : undefined;
  const implied = [host, issuerHost].filter((name): name is string => name !== undefined && name !== '0.0.0.0' && certifiable(name));
  const credentials = await issueServerCertificate(ca, [...(options.tlsNames ?? []), ...implied]);
  return { ca: { certPath: ca.certPath, certPem: ca.certPem }, credentials };
}

/**
 * Loads the data directory's state into a new mock's state (before oidc-provider is built on it:
 * the cookie keys and signing keys come from there) and keeps writing it after every change.
 */
function restoreFromDataDir(state: MockState, dataDir: string): { writer: StateWriter; release: () => void } {
  const file = prepareDataDir(dataDir);
  const release = lockDataDir(dataDir);
  try {
    const saved = readStateFile(file);
    if (saved) {
      if (saved.tenant && saved.seed !== state.seedDigest) console.warn(`mock-idp: the tenant file changed since ${file} was written; its run-time tenant (seed and edits) is used. Delete the file, or POST /_mock/reset, to start from the new tenant file.`);
      if (saved.issuer !== state.issuer) console.warn(`mock-idp: ${file} was written by the mock at ${saved.issuer}; tokens and sessions it holds name that issuer, this mock is ${state.issuer}.`);
      state.importSnapshot(saved);
    }
  } catch (err) {
    release();
    throw err;
  }
  const writer = new StateWriter(file, () => state.exportSnapshot());
  state.onChange(() => writer.changed());
  return { writer, release };
}

/** Starts a mock IdP in this process. The tenant is validated, its applications by oidc-provider too, before it serves a request. */
export async function startMockIdp(options: MockIdpOptions & { https: true }): Promise<MockIdp & { readonly ca: MockIdpCa }>;
export async function startMockIdp(options?: MockIdpOptions): Promise<MockIdp>;
export async function startMockIdp(options: MockIdpOptions = {}): Promise<MockIdp> {
  checkStartOptions(options);
  const tenant = resolveTenant(options.tenant);
  const keys = Array.isArray(options.keys) ? options.keys : readKeyFile(options.keys ?? PACKAGE_PATHS.devKeys);
  const host = options.host ?? DEFAULTS.host;
  const tls = options.https ? await prepareTls(options, host) : undefined;
  // In this process, an HTTPS mock's own headless logins trust its CA.
  const send: typeof fetch = tls ? (await import('./tools/headless/trusting-fetch.js')).fetchTrustingCa(tls.ca.certPem) : (...args) => fetch(...args);

  let handler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const listening = await listen((req, res) => handler(req, res), host, options.port ?? 0, tls?.credentials);
  const issuer = options.issuer ?? `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${listening.port}/`;
  let redis: RedisLink | undefined;
  let dataDir: ReturnType<typeof restoreFromDataDir> | undefined;
  let state: MockState;
  let oidc: OidcHost;
  const trustProxy = options.trustProxy === true;
  try {
    // Loaded only here: a mock in memory does without the redis client.
    redis = options.redis === undefined ? undefined : await (await import('./core/redis/index.js')).linkRedis(options.redis, issuer, options.redisPrefix);
    state = new MockState(issuer, tenant, keys, redis?.store);
    dataDir = options.dataDir === undefined ? undefined : restoreFromDataDir(state, options.dataDir);
    await redis?.share(state);
    // After the restore: the actions of the tenant the mock will serve.
    const actions = new ActionRunner(state, actionsBaseOf(options.tenant), () => state.rebuild());
    state.actions = actions;
    await loadActions(actions, sourceOf(options.tenant));
    oidc = new OidcHost(state, oidcViews, { trustProxy });
    await oidc.validateApplications(state.directory, sourceOf(options.tenant));
  } catch (err) {
    // A start refused part way leaves nothing behind: the port, the data directory's lock, the Redis connection.
    await listening.close();
    dataDir?.release();
    await redis?.close();
    throw err;
  }
  const tools = adminTools(state);
  handler = createApp(state, oidc, {
    tools,
    allowedHosts: [host, ...(options.tlsNames ?? []), ...(options.allowedHosts ?? [])],
    trustProxy,
    admin: {
      ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
      ...(options.allowRemoteAdmin !== undefined ? { allowRemote: options.allowRemoteAdmin } : {}),
    },
  }).callback();

  /** What a change returned, once it is written (Redis: in the shared document; in memory: at once). */
  const written = async <T>(result: T): Promise<T> => {
    await state.settled();
    return result;
  };
  return {
    issuer,
    ca: tls?.ca,
    baseUrl: issuer.replace(/\/$/, ''),
    jwksUri: `${issuer}.well-known/jwks.json`,
    port: listening.port,
    addresses: listening.addresses,
    get tenant() {
      return state.tenant;
    },
    updateTenant: async (change) => {
      const draft = structuredClone(state.tenant) as TenantInput;
      const input = change(draft) ?? draft;
      await oidc.validateApplications(new Directory(parseTenant(structuredClone(input), 'tenant update')), 'tenant update');
      return written(state.replaceTenant(input));
    },
    rotateKeys: async (next) => written(await state.rotateKeys(next)),
    publishNextKey: async (next) => written(await state.publishNextKey(next)),
    jwksFetches: () => state.jwksFetches,
    retireKey: (kid) => state.retireKey(kid),
    publishUnparseableKey: () => {
      const key = state.publishUnparseableKey();
      return { kid: key.kid, key: { ...key } };
    },
    restoreKeys: (snapshot) => state.restoreKeys(snapshot),
    keys: () => state.keys.list(),
    explainToken: async (token, explain = {}) => (await tools.explainToken({ ...explain, token })) as TokenExplanation,
    mintToken: async (request) => (await tools.mintToken(request)) as MintedToken,
    planLoginFault: async (plan) => (await tools.planLoginFault(plan)) as PlantedLoginFault,
    forgeLogoutToken: async (request) => (await tools.forgeLogoutToken(request)) as ForgedLogoutToken,
    loginForTokens: async (login) => (await import('./tools/headless/login.js')).loginForTokens(state.issuer, state.directory, login, send),
    createUser: (user) => createUser(state, user),
    updateUser: (id, patch) => updateUser(state, id, patch),
    deleteUser: (id) => deleteUser(state, id),
    revokeUser: (id) => revokeUser(state, id),
    unblockUser: (id) => unblockUser(state, id),
    upsertRole: (role) => upsertRole(state, role),
    clock: {
      get offset() {
        return state.clock.offset;
      },
      now: () => state.clock.date(),
      advance: (by) => {
        state.advanceClock(parseDuration(by));
        return state.clock.read();
      },
      read: () => state.clock.read(),
    },
    reset: () => state.reset(),
    settled: () => state.settled(),
    events: (since) => state.events.list(since),
    timeline: (filter) => state.timeline.list(filter),
    emails: (filter) => state.outbox.list(filter),
    otp: (user) => currentOtp(state, user).code,
    exportState: () => state.exportSnapshot(),
    exportKeys: () => state.exportKeys(),
    importState: (snapshot) => state.importSnapshot(checkSnapshot(snapshot, 'importState()')),
    close: async () => {
      await listening.close();
      await dataDir?.writer.flush();
      dataDir?.release();
      await state.settled();
      await redis?.close();
    },
  };
}
