import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { parseTenant } from './tenant/load.js';
import type { Tenant, TenantInput } from './tenant/schema.js';
import { KeyRing, type KeyInfo, type PrivateJwk } from './keys.js';
import { buildProvider } from '../oidc/provider.js';
import { disallowedGrantType } from '../oidc/errors.js';
import { OfflineRequests } from '../oidc/offline-access.js';
import { Store } from './store.js';
import { Directory } from './directory.js';
import { EventLog } from './events.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** oidc-provider events worth a line in the event log. */
const LOGGED_EVENTS = [
  'authorization.success', 'authorization.error', 'grant.success', 'grant.error', 'grant.revoked',
  'end_session.success', 'revocation.success', 'userinfo.error', 'server_error', 'refresh_token.consumed',
] as const;

/**
 * The live state of one mock IdP: the tenant (directory), the signing keys,
 * the store, the event log, and the oidc-provider instance built from them.
 */
export class IdpRuntime {
  readonly directory: Directory;
  readonly keys: KeyRing;
  readonly store: Store;
  readonly events = new EventLog();
  /** prompt=none requests that asked for offline_access (see provider/offline-access.ts). */
  readonly offlineRequests = new OfflineRequests();
  readonly cookieKeys = [randomBytes(32).toString('base64url')];
  /** GET requests of the JWKS served so far (how often relying parties fetched the keys). */
  jwksFetches = 0;
  #provider!: Provider;
  #handler!: Handler;

  constructor(readonly issuer: string, private readonly initialTenant: Tenant, private readonly initialKeys: readonly PrivateJwk[]) {
    const tenant = initialTenant;
    const keys = initialKeys;
    this.directory = new Directory(tenant);
    this.keys = new KeyRing(keys);
    this.store = new Store((clientId) => this.directory.application(clientId)?.refreshToken.reuseInterval ?? 0);
    this.rebuild();
  }

  get provider(): Provider {
    return this.#provider;
  }

  /** The provider's own request handler (all OIDC/OAuth endpoints). */
  get handler(): Handler {
    return this.#handler;
  }

  /** Builds a provider for the current tenant and keys; state in the store carries over. */
  rebuild(): void {
    const provider = buildProvider({ issuer: this.issuer, directory: this.directory, keys: this.keys, store: this.store, offlineRequests: this.offlineRequests, cookieKeys: this.cookieKeys });
    const on = provider.on.bind(provider) as (event: string, listener: (...args: unknown[]) => void) => void;
    for (const name of LOGGED_EVENTS) {
      on(name, (ctx, second) => {
        const oidc = (ctx as { oidc?: { route?: string; client?: { clientId: string; grantTypeAllowed(type: string): boolean }; session?: { accountId?: string }; params?: { grant_type?: unknown } } } | undefined)?.oidc;
        const grantType = name.startsWith('grant.') && typeof oidc?.params?.grant_type === 'string' ? oidc.params.grant_type : undefined;
        // The answer to a disallowed grant type is rewritten to Auth0's unauthorized_client (provider/errors.ts); so is its event.
        const rewritten = name === 'grant.error' && disallowedGrantType(oidc) ? 'unauthorized_client' : undefined;
        const error = rewritten ?? (second instanceof Error ? ((second as { error?: string }).error ?? second.message) : undefined);
        this.events.add({
          type: name,
          ...(oidc?.client ? { clientId: oidc.client.clientId } : {}),
          ...(oidc?.session?.accountId ? { sub: oidc.session.accountId } : {}),
          ...(error ? { error } : {}),
          ...(typeof second === 'string' ? { detail: { id: second } } : {}),
          ...(grantType ? { detail: { grant_type: grantType } } : {}),
        });
        if (name === 'server_error') console.error('mock-idp: server error', second);
      });
    }
    this.#provider = provider;
    const callback = provider.callback();
    this.#handler = async (req, res) => {
      await callback(req, res);
    };
  }

  /**
   * Replaces the tenant after validating it (a refused tenant changes nothing).
   * Sessions, grants and refresh tokens are kept.
   */
  replaceTenant(input: TenantInput): Tenant {
    const tenant = parseTenant(structuredClone(input), 'tenant update');
    this.directory.tenant = tenant;
    this.rebuild();
    this.events.add({ type: 'tenant.updated' });
    return tenant;
  }

  /** Back to the start: the tenant and keys it started with, no sessions, grants or tokens, an empty event log. */
  reset(): void {
    this.directory.tenant = this.initialTenant;
    this.keys.reset(this.initialKeys);
    this.store.clear();
    this.offlineRequests.clear();
    this.events.clear();
    this.jwksFetches = 0;
    this.rebuild();
    this.events.add({ type: 'reset' });
  }

  async rotateKeys(next?: PrivateJwk): Promise<KeyInfo[]> {
    const keys = await this.keys.rotate(next);
    this.rebuild();
    this.events.add({ type: 'keys.rotated', detail: { active: this.keys.active.kid } });
    return keys;
  }

  /** Publishes a next key in the JWKS without signing with it; `rotateKeys()` promotes it. */
  async publishNextKey(next?: PrivateJwk): Promise<KeyInfo[]> {
    const keys = await this.keys.publishNext(next);
    this.rebuild();
    this.events.add({ type: 'keys.published', detail: { next: keys.find((k) => k.status === 'next')?.kid } });
    return keys;
  }

  retireKey(kid?: string): KeyInfo[] {
    const keys = this.keys.retire(kid);
    this.rebuild();
    this.events.add({ type: 'keys.retired', detail: { published: keys.map((k) => k.kid) } });
    return keys;
  }
}
