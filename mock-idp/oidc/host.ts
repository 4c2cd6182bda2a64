import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { customClaimNames } from '../core/claims.js';
import { Directory } from '../core/directory.js';
import type { MockState } from '../core/state.js';
import { TenantConfigError, type TenantProblem } from '../core/tenant/load.js';
import { sendBackchannelLogout, type EndedSession } from './backchannel-logout.js';
import { toClientMetadata } from './clients.js';
import { buildProvider } from './provider.js';
import { logProviderEvents } from './provider-events.js';
import { recordTokenTimeline } from './token-timeline.js';
import { notFound } from './middleware/not-found.js';
import type { OidcViews } from './views.js';

/** oidc-provider prints this on Node 20; mock-idp supports Node >= 20.19, so say that it is expected. */
const release = process.release as { lts?: string };
if (!release.lts || release.lts < 'Jod') {
  console.warn(`mock-idp: the "Unsupported runtime" warning above comes from oidc-provider, which prefers Node 22; mock-idp supports Node >= 20.19 and runs fine on ${process.version}`);
}

export interface OidcHostOptions {
  /**
   * oidc-provider's own proxy setting (Koa's `proxy`): the URLs it builds (discovery's endpoints,
   * redirects) and its secure cookies follow X-Forwarded-Proto and X-Forwarded-Host.
   */
  trustProxy?: boolean;
}

/**
 * What a built provider depends on besides the people of the tenant (its users, the social and passwordless
 * connections' people, the organizations' members): the rest of the tenant, the custom claims it releases, the
 * keys. The provider reads people at each request, through the live directory.
 */
function providerInputs(state: MockState, directory: Directory): string {
  const { users: _users, socialConnections, passwordless, organizations, ...tenant } = directory.tenant;
  return JSON.stringify([
    tenant,
    socialConnections.map(({ user: _user, users: _people, ...connection }) => connection),
    Object.entries(passwordless).map(([name, { users: _people, ...connection }]) => [name, connection]),
    organizations.map(({ members: _members, ...org }) => org),
    [...customClaimNames(directory)].sort(),
    [...(state.actions?.idTokenClaimNames ?? [])],
    state.keys.signingKeys,
    state.cookieKeys,
  ]);
}

/** A Directory that is always `current()`: what a provider built once reads at each request. */
function liveDirectory(current: () => Directory): Directory {
  return new Proxy(Object.create(Directory.prototype) as Directory, {
    get(_target, key) {
      const directory = current();
      const value: unknown = Reflect.get(directory, key, directory);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(directory) : value;
    },
  });
}

/**
 * The oidc-provider side of one mock: the provider instance for the live
 * tenant and keys, rebuilt (through MockState.onRebuild) whenever either changes.
 * A change to the tenant's people alone (a first social or passwordless login,
 * a user created, blocked or given a role) builds nothing: the provider reads
 * the live directory at each request.
 */
export class OidcHost {
  #provider!: Provider;
  #callback!: ReturnType<Provider['callback']>;
  /** The directory the provider's requests read (liveDirectory). */
  #directory!: Directory;
  /** providerInputs of the live provider. */
  #inputs: string | undefined;

  constructor(state: MockState, views: OidcViews, options: OidcHostOptions = {}) {
    const live = liveDirectory(() => this.#directory);
    state.onRebuild((directory) => {
      const inputs = providerInputs(state, directory);
      if (inputs === this.#inputs) {
        return () => {
          this.#directory = directory;
        };
      }
      // The build reads the candidate directory; the live one stays until the commit (another builder may refuse it).
      const current = this.#directory;
      this.#directory = directory;
      let provider: Provider;
      try {
        provider = buildProvider(state, live, views);
        provider.proxy = options.trustProxy === true;
        logProviderEvents(provider, state.events);
        provider.use(recordTokenTimeline(provider, state, live));
        provider.use(notFound(views));
      } finally {
        this.#directory = current;
      }
      return () => {
        this.#directory = directory;
        this.#inputs = inputs;
        this.#provider = provider;
        this.#callback = provider.callback();
      };
    });
    // Sessions the mock ends itself (admin API: revoke, block, delete) log their applications out too.
    state.onSessionEnd((session) => sendBackchannelLogout(this.#provider, state.events, session as EndedSession));
  }

  get provider(): Provider {
    return this.#provider;
  }

  /** The provider's own request handler (all OIDC/OAuth endpoints). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.#callback(req, res) as Promise<void>;
  }

  /**
   * Validates every application of a tenant with oidc-provider's own client
   * validation, which otherwise runs only on a client's first use (an
   * `http://` callback of a native app would surface as `invalid_redirect_uri`
   * on the first /authorize). Throws TenantConfigError listing each problem.
   */
  async validateApplications(directory: Directory, source: string): Promise<void> {
    const problems: TenantProblem[] = [];
    for (const [i, app] of directory.tenant.applications.entries()) {
      try {
        await this.#provider.Client.validate(toClientMetadata(app));
      } catch (err) {
        const { error_description: description, message } = err as { error_description?: string; message?: string };
        problems.push({ path: `$.applications[${i}]`, message: `oidc-provider refuses application "${app.clientId}": ${description ?? message}` });
      }
    }
    if (problems.length) throw new TenantConfigError(source, problems);
  }
}
