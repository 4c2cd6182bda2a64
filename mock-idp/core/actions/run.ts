import type { Person } from '../directory.js';
import type { MockState } from '../state.js';
import { RESERVED_CLAIMS } from '../tenant/schema.js';
import { updateUser } from '../tenant/edits.js';
import { ActionLoadError, ActionModules, type Handler } from './modules.js';
import type { ActionFailure, ActionOutcome, ActionRequest, Actions, CredentialsExchangeInput, PostLoginInput, TokenChanges } from './types.js';

/** What `api.multifactor.enable` asks for; the MFA feature (issue 16) installs `ActionRunner.multifactor` to act on it. */
export interface MultifactorRequest {
  sub: string;
  clientId: string;
  provider: string;
  options?: unknown;
}

const MFA_UNAVAILABLE = 'api.multifactor.enable: mock-idp has no multi-factor authentication yet (issue 16, "MFA and passwordless"); remove the call or wait for that issue';
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
  /** Set by the MFA feature; until then `api.multifactor.enable` throws MFA_UNAVAILABLE. */
  multifactor: ((request: MultifactorRequest) => void) | undefined;

  constructor(
    private readonly state: MockState,
    private readonly baseDir: string,
    /** Called when a run set an ID-token claim no run set before (the provider rebuilds to release it). */
    private readonly onNewIdTokenClaims: () => void = () => {},
  ) {}

  get idTokenClaimNames(): ReadonlySet<string> {
    return this.#idTokenClaimNames;
  }

  #modulesOf(trigger: 'postLogin' | 'credentialsExchange'): ActionModules {
    const files = ActionModules.resolve(this.baseDir, this.state.tenant.actions[trigger]);
    const key = `${trigger}\n${files.join('\n')}`;
    let modules = this.#modules.get(key);
    if (!modules) {
      const exportName = trigger === 'postLogin' ? 'onExecutePostLogin' : 'onExecuteCredentialsExchange';
      modules = new ActionModules(files, exportName, (err) => this.#reportReload(err));
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

  /** Runs the handlers in order until one denies; a thrown error or the timeout ends the run as a failure. */
  async #run(trigger: 'postLogin' | 'credentialsExchange', event: unknown, api: unknown, denied: () => ActionFailure | undefined, who: { sub?: string; clientId: string }): Promise<ActionFailure | undefined> {
    const handlers = await this.#modulesOf(trigger).handlers();
    if (handlers.length === 0) return undefined;
    const { timeoutMs } = this.state.tenant.actions;
    let current = handlers[0]!.file;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(TIMED_OUT), { timedOut: true })), timeoutMs);
    });
    const all = (async () => {
      for (const { file, handler } of handlers) {
        current = file;
        await (handler as Handler)(event, api);
        if (denied()) return;
      }
    })();
    try {
      await Promise.race([all, timeout]);
      const failure = denied();
      if (failure) this.state.events.add({ type: 'action.denied', ...who, error: failure.code, detail: { trigger, file: current, reason: failure.description } });
      return failure;
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
      return { code: 'access_denied', description: e.message };
    } finally {
      clearTimeout(timer);
      // A hanging action keeps running in the background: its rejection is not the caller's business.
      all.catch(() => {});
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

  async postLogin(input: PostLoginInput): Promise<ActionOutcome> {
    const { state } = this;
    const person = state.directory.person(input.sub);
    if (!person) return { ok: false, failure: { code: 'access_denied', description: 'user not found' } };
    const who = { sub: input.sub, clientId: input.clientId };
    const interactive = input.protocol !== 'oauth2-refresh-token';
    const key = `${input.sub}\n${input.clientId}`;
    const logins = (this.#logins.get(input.sub) ?? 0) + (interactive ? 1 : 0);
    this.#logins.set(input.sub, logins);
    const changes: TokenChanges = { idToken: {}, accessToken: {}, addScopes: [], removeScopes: [] };
    const metadata: { appMetadata: Record<string, unknown>; userMetadata: Record<string, unknown> } = { appMetadata: {}, userMetadata: {} };
    let failure: ActionFailure | undefined;
    const user = state.directory.findUser(input.sub);
    const app = state.directory.application(input.clientId);
    const api = state.directory.api(input.audience ?? '');
    const event = {
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
    };
    const apiObject = {
      idToken: { setCustomClaim: this.#claimSetter(changes.idToken, 'id_token', who) },
      accessToken: {
        setCustomClaim: this.#claimSetter(changes.accessToken, 'access_token', who),
        addScope: (scope: unknown) => void changes.addScopes.push(String(scope)),
        removeScope: (scope: unknown) => void changes.removeScopes.push(String(scope)),
      },
      access: {
        deny: (reason: unknown) => {
          failure ??= { code: 'access_denied', description: String(reason ?? '') };
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
        enable: (provider: unknown, options?: unknown) => {
          if (!this.multifactor) throw new Error(MFA_UNAVAILABLE);
          this.multifactor({ ...who, provider: String(provider), options });
        },
      },
      redirect: {
        sendUserTo: () => {
          throw new Error('api.redirect.sendUserTo: mock-idp does not support redirect Actions yet (see docs/auth0-differences.md)');
        },
      },
    };
    const failed = await this.#run('postLogin', event, apiObject, () => failure, who);
    if (failed) return { ok: false, failure: failed };
    this.#writeMetadata(input.sub, metadata);
    this.#changes.set(key, changes);
    const before = this.#idTokenClaimNames.size;
    for (const name of Object.keys(changes.idToken)) this.#idTokenClaimNames.add(name);
    if (this.#idTokenClaimNames.size !== before) this.onNewIdTokenClaims();
    return { ok: true, changes };
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
    const failed = await this.#run('credentialsExchange', event, apiObject, () => failure, who);
    return failed ? { ok: false, failure: failed } : { ok: true, changes };
  }
}

/** Auth0's `event.organization`: the organization of the login (a refresh: of the login it continues). */
function orgOf(state: MockState, input: PostLoginInput) {
  const id = input.organization ?? state.loginOrganizations.get(input.sub, input.clientId);
  const org = id ? state.directory.organization(id) : undefined;
  return org ? { id: org.id, name: org.name, display_name: org.displayName ?? org.name, metadata: {} } : undefined;
}

function requestOf(request: ActionRequest) {
  return { ip: request.ip, hostname: request.hostname, user_agent: request.user_agent, query: { ...request.query }, body: { ...request.body }, language: 'en' };
}
