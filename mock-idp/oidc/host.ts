import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Directory } from '../core/directory.js';
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
 * The oidc-provider side of one mock: the provider instance for the live
 * tenant and keys, rebuilt (through MockState.onRebuild) whenever either changes.
 */
export class OidcHost {
  #provider!: Provider;
  #callback!: ReturnType<Provider['callback']>;

  constructor(state: MockState, views: OidcViews, options: OidcHostOptions = {}) {
    state.onRebuild((directory) => {
      const provider = buildProvider(state, directory, views);
      provider.proxy = options.trustProxy === true;
      logProviderEvents(provider, state.events);
      provider.use(recordTokenTimeline(provider, state, directory));
      provider.use(notFound(views));
      return () => {
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
