import { BoundedMap } from '../bounded-map.js';
import type { Person } from '../directory.js';
import type { MockState } from '../state.js';
import { RESERVED_CLAIMS } from '../tenant/schema.js';
import { updateUser } from '../tenant/edits.js';
import { randomBytes } from 'node:crypto';
import { DEFAULTS } from '../tenant/defaults.js';
import { ActionLoadError, ActionModules, type LoadedHandler } from './modules.js';
import { SessionTokenError, signSessionToken, verifySessionToken } from './session-token.js';
import type { ActionFailure, ActionOutcome, ActionRequest, Actions, CredentialsExchangeInput, MultifactorRequest, PausedLogin, PostLoginInput, PostLoginOutcome, TokenChanges } from './types.js';

/** Auth0's resumption handler of an action that redirected. */
const CONTINUE_HANDLER = 'onContinuePostLogin';
/** `api.multifactor.enable` providers the mock answers with its one-time-code step (the others are refused with a clear error). */
const OTP_PROVIDERS = new Set(['any', 'otp', 'google-authenticator', 'guardian']);
/** `encodeToken`'s lifetime when the action gives none (Auth0's default is not documented). */
const DEFAULT_SESSION_TOKEN_SECONDS = 900;
/** The redirects a token request cannot follow (no browser): Auth0's error for an interaction it cannot have. */
const NO_BROWSER: ActionFailure = { code: 'interaction_required', description: 'a post-login Action called api.redirect.sendUserTo, which needs a browser (interactive logins only)' };
/** Auth0's message when an Action runs past its time. */
const TIMED_OUT = 'Script execution time exceeded';
/** Namespaces Auth0 keeps for itself: claims under them are dropped. */
const RESERVED_NAMESPACES = /^https?:\/\/([^/]*\.)?(auth0\.com|webtask\.io|webtask\.run)(\/|$)/i;

/** Auth0 drops (with no error) claims an Action may not set. */
export function isReservedClaim(name: string): boolean {
  return (RESERVED_CLAIMS as readonly string[]).includes(name) || RESERVED_NAMESPACES.test(name);
}

/** Auth0's `event.user` of a person. */
function eventUser(person: Person, createdAt: string | undefined, updatedAt: string | undefined) {
  const [provider, ...rest] = person.sub.split('|');
  return {
    user_id: person.sub,
    email: person.email,
    email_verified: person.emailVerified,
    name: person.name,
    nickname: person.nickname ?? person.email.split('@')[0],
    given_name: person.givenName,
    family_name: person.familyName,
    picture: person.picture,
    app_metadata: structuredClone(person.appMetadata),
    user_metadata: structuredClone(person.userMetadata),
    identities: [{ connection: person.connection, provider, user_id: rest.join('|'), isSocial: provider !== 'auth0' }],
    created_at: createdAt,
    updated_at: updatedAt,
  };
}

/**
 * Runs the tenant's Actions (`actions` in the tenant file): their modules (ActionModules) with Auth0's
 * `event` and `api`, in order, under one timeout per trigger. A deny, a thrown error or the timeout
 * fails the run (logged with the stack as `action.failed`, and on the console); metadata writes go
 * through core/tenant/edits.ts; the claims and scopes of a post-login run are kept per user and
 * application for the tokens issued next.
 */
export class ActionRunner implements Actions {
  readonly #modules = new Map<string, ActionModules>();
  readonly #changes = new Map<string, TokenChanges>();
  readonly #idTokenClaimNames = new Set<string>();
  readonly #logins = new Map<string, number>();
  /** Runs paused by `api.redirect.sendUserTo`, by their `state` (oldest first; they expire with the login attempt). */
  readonly #paused: BoundedMap<string, PostLoginRun>;

  constructor(
    private readonly state: MockState,
    private readonly baseDir: string,
    /** Called when a run set an ID-token claim no run set before (the provider rebuilds to release it). */
    private readonly onNewIdTokenClaims: () => void = () => {},
  ) {
    this.#paused = new BoundedMap(DEFAULTS.maxPendingEntries, state.clock);
  }

  get idTokenClaimNames(): ReadonlySet<string> {
    return this.#idTokenClaimNames;
  }

  #modulesOf(trigger: 'postLogin' | 'credentialsExchange'): ActionModules {
    const files = ActionModules.resolve(this.baseDir, this.state.tenant.actions[trigger]);
    const key = `${trigger}\n${files.join('\n')}`;
    let modules = this.#modules.get(key);
    if (!modules) {
      const exportName = trigger === 'postLogin' ? 'onExecutePostLogin' : 'onExecuteCredentialsExchange';
      modules = new ActionModules(files, exportName, (err) => this.#reportReload(err), trigger === 'postLogin' ? [CONTINUE_HANDLER] : []);
      this.#modules.set(key, modules);
    }
    return modules;
  }

  #reportReload(err: ActionLoadError): void {
    console.error(`mock-idp: ${err.message} (the previous version of the action stays in use)`);
    this.state.events.add({ type: 'action.reload_failed', error: err.code, detail: { file: err.file, location: err.location, reason: err.reason } });
  }

  /** Loads every action of the tenant now: an ActionLoadError (file and line) refuses the start. */
  async loadAll(): Promise<void> {
    for (const trigger of ['postLogin', 'credentialsExchange'] as const) {
      const modules = this.#modulesOf(trigger);
      try {
        await modules.loadAll();
      } catch (err) {
        if (err instanceof ActionLoadError) err.tenantPath = `$.actions.${trigger}[${modules.files.indexOf(err.file)}]`;
        throw err;
      }
    }
  }

  changesFor(sub: string, clientId: string): TokenChanges | undefined {
    return this.#changes.get(`${sub}\n${clientId}`);
  }

  /**
   * Runs the handlers in order (from `run.from`; the first one's `onContinuePostLogin` when resuming)
   * until one denies or redirects; a thrown error or the timeout ends the run as a failure.
   * `suspended` is the index of the handler that redirected.
   */
  async #run(trigger: 'postLogin' | 'credentialsExchange', event: unknown, api: unknown, denied: () => ActionFailure | undefined, who: { sub?: string; clientId: string }, run: { from?: number; resume?: boolean; redirected?: () => boolean } = {}): Promise<{ failure?: ActionFailure; suspended?: { index: number; file: string } }> {
    const all = await this.#modulesOf(trigger).handlers();
    const from = run.from ?? 0;
    if (all.length <= from) return {};
    const { timeoutMs } = this.state.tenant.actions;
    let current = all[from]!.file;
    let suspended: { index: number; file: string } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(TIMED_OUT), { timedOut: true })), timeoutMs);
    });
    const chain = (async () => {
      for (let index = from; index < all.length; index++) {
        const loaded: LoadedHandler = all[index]!;
        current = loaded.file;
        const resuming = run.resume === true && index === from;
        const handler = resuming ? loaded.optional[CONTINUE_HANDLER] : loaded.handler;
        if (!handler) throw new Error(`the action redirected with api.redirect.sendUserTo but exports no ${CONTINUE_HANDLER} function to resume with`);
        await handler(event, api);
        if (denied()) return;
        if (run.redirected?.()) {
          suspended = { index, file: loaded.file };
          return;
        }
      }
    })();
    try {
      await Promise.race([chain, timeout]);
      const failure = denied();
      if (failure) this.state.events.add({ type: 'action.denied', ...who, error: failure.code, detail: { trigger, file: current, reason: failure.description } });
      return failure ? { failure } : suspended ? { suspended } : {};
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const timedOut = (e as { timedOut?: boolean }).timedOut === true;
      console.error(`mock-idp: action ${current} (${trigger}) ${timedOut ? `ran past ${timeoutMs} ms` : 'threw'}:`, timedOut ? '' : e);
      this.state.events.add({
        type: 'action.failed',
        ...who,
        error: timedOut ? 'timeout' : 'action_error',
        detail: { trigger, file: current, message: e.message, ...(timedOut ? { timeoutMs } : { stack: e.stack }) },
      });
      return { failure: { code: 'access_denied', description: e.message } };
    } finally {
      clearTimeout(timer);
      // A hanging action keeps running in the background: its rejection is not the caller's business.
      chain.catch(() => {});
    }
  }

  #claimSetter(target: Record<string, unknown>, token: string, who: { sub?: string; clientId: string }) {
    return (name: unknown, value: unknown) => {
      const claim = String(name);
      if (isReservedClaim(claim)) {
        this.state.events.add({ type: 'action.claim_ignored', ...who, error: 'reserved_claim', detail: { token, claim } });
        return;
      }
      target[claim] = value;
    };
  }

  async postLogin(input: PostLoginInput, uid?: string): Promise<PostLoginOutcome> {
    const { state } = this;
    const person = state.directory.person(input.sub);
    if (!person) return { ok: false, failure: { code: 'access_denied', description: 'user not found' } };
    const who = { sub: input.sub, clientId: input.clientId };
    const interactive = input.protocol !== 'oauth2-refresh-token';
    const logins = (this.#logins.get(input.sub) ?? 0) + (interactive ? 1 : 0);
    this.#logins.set(input.sub, logins);
    // No post-login Actions: nothing to run, the tokens get no changes (as after a run that changed nothing).
    if (state.tenant.actions.postLogin.length === 0) {
      const changes: TokenChanges = { idToken: {}, accessToken: {}, addScopes: [], removeScopes: [] };
      this.#changes.set(`${input.sub}\n${input.clientId}`, changes);
      return { ok: true, changes };
    }
    const user = state.directory.findUser(input.sub);
    const app = state.directory.application(input.clientId);
    const api = state.directory.api(input.audience ?? '');
    const run: PostLoginRun = {
      input,
      uid,
      who,
      changes: { idToken: {}, accessToken: {}, addScopes: [], removeScopes: [] },
      metadata: { appMetadata: {}, userMetadata: {} },
      event: {
        user: eventUser(person, user?.createdAt, user?.updatedAt),
        client: { client_id: input.clientId, name: app?.name ?? input.clientId, metadata: {} },
        connection: { name: person.connection, strategy: person.sub.startsWith('auth0|') ? 'auth0' : person.connection, id: `con_${person.connection}` },
        organization: orgOf(state, input),
        authorization: { roles: [...new Set([...person.roles, ...(input.organization ? (state.directory.membership(input.organization, input.sub)?.roles ?? []) : [])])] },
        request: requestOf(input.request),
        transaction: { protocol: input.protocol, requested_scopes: [...input.requestedScopes], locale: 'en' },
        resource_server: api ? { identifier: api.identifier } : undefined,
        stats: { logins_count: logins },
        secrets: { ...state.tenant.actions.secrets },
        tenant: { id: state.tenant.name },
      },
    };
    return this.#continueRun(run, 0, false);
  }

  paused(state: string): PausedLogin | undefined {
    const run = this.#pausedRun(state);
    return run?.uid ? { uid: run.uid, sub: run.input.sub, clientId: run.input.clientId } : undefined;
  }

  async resume(state: string, request: ActionRequest): Promise<PostLoginOutcome> {
    const run = this.#pausedRun(state);
    if (!run?.suspended) return { ok: false, failure: { code: 'invalid_request', description: 'the state of this /continue is unknown or expired' } };
    this.#paused.delete(state);
    const { index, file } = run.suspended;
    run.suspended = undefined;
    run.redirect = undefined;
    run.continueState = state;
    run.event.request = requestOf(request);
    // The action that redirected is found again by its file (the tenant's list may have changed meanwhile).
    const files = this.#modulesOf('postLogin').files;
    const at = files[index] === file ? index : files.indexOf(file);
    if (at < 0) return { ok: false, failure: { code: 'access_denied', description: `the action that redirected (${file}) is no longer a post-login action` } };
    return this.#continueRun(run, at, true);
  }

  #pausedRun(state: string): PostLoginRun | undefined {
    return this.#paused.get(state);
  }

  /** Runs (or resumes) the trigger from `from`; a redirect pauses the run under a new `state`, the end keeps the changes. */
  async #continueRun(run: PostLoginRun, from: number, resume: boolean): Promise<PostLoginOutcome> {
    const api = this.#postLoginApi(run);
    const result = await this.#run('postLogin', run.event, api, () => run.failure, run.who, { from, resume, redirected: () => run.redirect !== undefined });
    if (result.failure) return { ok: false, failure: result.failure };
    if (result.suspended && run.redirect) {
      if (!run.uid) {
        this.state.events.add({ type: 'action.denied', ...run.who, error: NO_BROWSER.code, detail: { trigger: 'postLogin', file: result.suspended.file, reason: NO_BROWSER.description } });
        return { ok: false, failure: NO_BROWSER };
      }
      const state = run.redirect.state;
      run.suspended = result.suspended;
      this.#paused.setFor(state, run, DEFAULTS.interactionLifetime);
      this.state.events.add({ type: 'action.redirect', ...run.who, detail: { file: result.suspended.file, url: run.redirect.url } });
      return { ok: 'redirect', redirect: { url: run.redirect.url, state } };
    }
    const { changes } = run;
    this.#writeMetadata(run.input.sub, run.metadata);
    this.#changes.set(`${run.input.sub}\n${run.input.clientId}`, changes);
    const before = this.#idTokenClaimNames.size;
    for (const name of Object.keys(changes.idToken)) this.#idTokenClaimNames.add(name);
    if (this.#idTokenClaimNames.size !== before) this.onNewIdTokenClaims();
    return { ok: true, changes, ...(run.multifactor ? { multifactor: run.multifactor } : {}) };
  }

  /** Auth0's post-login `api` for one run (a resumed run gets a new one over the same changes). */
  #postLoginApi(run: PostLoginRun) {
    const { changes, metadata, who } = run;
    const domain = new URL(this.state.issuer).host;
    return {
      idToken: { setCustomClaim: this.#claimSetter(changes.idToken, 'id_token', who) },
      accessToken: {
        setCustomClaim: this.#claimSetter(changes.accessToken, 'access_token', who),
        addScope: (scope: unknown) => void changes.addScopes.push(String(scope)),
        removeScope: (scope: unknown) => void changes.removeScopes.push(String(scope)),
      },
      access: {
        deny: (reason: unknown) => {
          run.failure ??= { code: 'access_denied', description: String(reason ?? '') };
        },
      },
      user: {
        setAppMetadata: (name: unknown, value: unknown) => {
          metadata.appMetadata[String(name)] = value ?? null;
        },
        setUserMetadata: (name: unknown, value: unknown) => {
          metadata.userMetadata[String(name)] = value ?? null;
        },
      },
      multifactor: {
        enable: (provider: unknown, options?: { allowRememberBrowser?: unknown }) => {
          const name = String(provider);
          if (name === 'none') {
            run.multifactor = undefined;
            return;
          }
          if (!OTP_PROVIDERS.has(name)) throw new Error(`api.multifactor.enable('${name}'): mock-idp simulates one-time passwords only (providers ${[...OTP_PROVIDERS].join(', ')}, or none)`);
          run.multifactor = { provider: name, allowRememberBrowser: options?.allowRememberBrowser === true };
        },
      },
      redirect: {
        sendUserTo: (url: unknown, options?: { query?: Record<string, unknown> }) => {
          let target: URL;
          try {
            target = new URL(String(url));
          } catch {
            throw new Error(`api.redirect.sendUserTo: ${String(url)} is not an absolute URL`);
          }
          if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error(`api.redirect.sendUserTo: ${target.protocol} URLs are not followed (http or https only)`);
          const state = randomBytes(24).toString('base64url');
          for (const [name, value] of Object.entries(options?.query ?? {})) target.searchParams.set(name, String(value));
          target.searchParams.set('state', state);
          run.redirect = { url: target.href, state };
        },
        encodeToken: (options: { secret?: unknown; payload?: Record<string, unknown>; expiresInSeconds?: unknown }) => {
          if (typeof options?.secret !== 'string' || options.secret === '') throw new Error('api.redirect.encodeToken: a secret is required');
          const iat = Math.floor(this.state.clock.now() / 1000);
          const lifetime = typeof options.expiresInSeconds === 'number' && options.expiresInSeconds > 0 ? options.expiresInSeconds : DEFAULT_SESSION_TOKEN_SECONDS;
          return signSessionToken({ ...options.payload, iss: domain, sub: run.input.sub, iat, exp: iat + lifetime }, options.secret);
        },
        validateToken: (options: { secret?: unknown; tokenParameterName?: unknown }) => {
          if (typeof options?.secret !== 'string' || options.secret === '') throw new Error('api.redirect.validateToken: a secret is required');
          if (!run.continueState) throw new SessionTokenError(`api.redirect.validateToken works in ${CONTINUE_HANDLER} only (after a /continue)`);
          const name = typeof options.tokenParameterName === 'string' ? options.tokenParameterName : 'session_token';
          const request = run.event.request as { body: Record<string, unknown>; query: Record<string, unknown> };
          const token = request.body[name] ?? request.query[name];
          if (typeof token !== 'string' || token === '') throw new SessionTokenError(`The session token is missing: no ${name} parameter on /continue`);
          const claims = verifySessionToken(token, options.secret);
          const now = this.state.clock.now() / 1000;
          if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.sub !== run.input.sub || claims.iss !== domain) throw new SessionTokenError('Missing or invalid standard claims');
          if (claims.exp <= now) throw new SessionTokenError('The session token is invalid: the token has expired');
          if (claims.state !== run.continueState) throw new SessionTokenError('The session token is invalid: State in the token does not match the /continue state.');
          return claims;
        },
      },
    };
  }

  #writeMetadata(sub: string, metadata: { appMetadata: Record<string, unknown>; userMetadata: Record<string, unknown> }): void {
    const patch = Object.fromEntries(Object.entries(metadata).filter(([, m]) => Object.keys(m).length > 0));
    if (Object.keys(patch).length === 0) return;
    const user = this.state.directory.findUser(sub);
    if (!user) {
      this.state.events.add({ type: 'action.metadata_ignored', sub, error: 'not_a_database_user', detail: { reason: "metadata of social connections' users is not kept" } });
      return;
    }
    updateUser(this.state, sub, patch);
  }

  async credentialsExchange(input: CredentialsExchangeInput): Promise<ActionOutcome> {
    const { state } = this;
    const who = { clientId: input.clientId };
    const changes: TokenChanges = { idToken: {}, accessToken: {}, addScopes: [], removeScopes: [] };
    let failure: ActionFailure | undefined;
    const app = state.directory.application(input.clientId);
    const event = {
      client: { client_id: input.clientId, name: app?.name ?? input.clientId, metadata: {} },
      resource_server: { identifier: input.audience },
      request: requestOf(input.request),
      transaction: { requested_scopes: [...input.requestedScopes] },
      accessToken: { scope: [...input.requestedScopes] },
      secrets: { ...state.tenant.actions.secrets },
      tenant: { id: state.tenant.name },
    };
    const apiObject = {
      accessToken: {
        setCustomClaim: this.#claimSetter(changes.accessToken, 'access_token', who),
        addScope: (scope: unknown) => void changes.addScopes.push(String(scope)),
        removeScope: (scope: unknown) => void changes.removeScopes.push(String(scope)),
      },
      access: {
        // Auth0: deny(code, reason) with code invalid_scope, invalid_request or server_error.
        deny: (code: unknown, reason: unknown) => {
          const c = ['invalid_scope', 'invalid_request', 'server_error'].includes(String(code)) ? String(code) : 'invalid_request';
          failure ??= { code: c, description: String(reason ?? code ?? '') };
        },
      },
    };
    const failed = (await this.#run('credentialsExchange', event, apiObject, () => failure, who)).failure;
    return failed ? { ok: false, failure: failed } : { ok: true, changes };
  }
}

/** One post-login run: its event, what its actions changed so far, and where it paused for a redirect. */
interface PostLoginRun {
  input: PostLoginInput;
  /** The login attempt (interaction uid) of an interactive login: only those may redirect. */
  uid: string | undefined;
  who: { sub: string; clientId: string };
  event: Record<string, unknown>;
  changes: TokenChanges;
  metadata: { appMetadata: Record<string, unknown>; userMetadata: Record<string, unknown> };
  failure?: ActionFailure | undefined;
  multifactor?: MultifactorRequest | undefined;
  redirect?: { url: string; state: string } | undefined;
  suspended?: { index: number; file: string } | undefined;
  /** The `state` of the `/continue` that resumed this run (validateToken compares the token's). */
  continueState?: string | undefined;
}

/** Auth0's `event.organization`: the organization of the login (a refresh: of the login it continues). */
function orgOf(state: MockState, input: PostLoginInput) {
  const id = input.organization ?? state.loginOrganizations.get(input.sub, input.clientId);
  const org = id ? state.directory.organization(id) : undefined;
  return org ? { id: org.id, name: org.name, display_name: org.displayName ?? org.name, metadata: { ...org.metadata } } : undefined;
}

function requestOf(request: ActionRequest) {
  return { ip: request.ip, hostname: request.hostname, user_agent: request.user_agent, query: { ...request.query }, body: { ...request.body }, language: 'en' };
}
