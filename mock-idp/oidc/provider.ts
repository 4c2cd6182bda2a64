import Provider, { errors, type Configuration } from 'oidc-provider';
import type { KeyRing } from '../core/keys.js';
import { PASSWORD_GRANT_PARAMETERS, PASSWORD_GRANTS, passwordGrant } from './grants/password.js';
import type { Directory } from '../core/directory.js';
import { deviceCodeInputPage, deviceConfirmPage, deviceSuccessPage } from '../http/views/device-pages.js';
import { logoutPage, messagePage } from '../http/views/message-page.js';
import { accessTokenShape } from './access-token-shape.js';
import { claimsConfig, customClaimNames, findAccountIn } from './accounts.js';
import { toClientMetadata } from './clients.js';
import { unauthorizedClientAsOnAuth0 } from './errors.js';
import { grantLoader } from './grants.js';
import { lifetimes, rotateRefreshToken } from './lifetimes.js';
import { expiresWithSession, issueRefreshToken, type OfflineRequests } from './offline-access.js';
import { resourceIndicators, OIDC_SCOPES } from './resource-servers.js';
import type { Store } from '../core/store.js';
import { isAllowedWebOrigin } from '../core/web-origins.js';

/** Auth0's endpoint paths. */
export const ROUTES = {
  authorization: '/authorize',
  token: '/oauth/token',
  userinfo: '/userinfo',
  jwks: '/.well-known/jwks.json',
  revocation: '/oauth/revoke',
  end_session: '/oidc/logout',
  device_authorization: '/oauth/device/code',
  code_verification: '/activate',
} as const;

/** Cookie names of the IdP; prefixed so they never clash with an app's cookies on the same host. */
export const COOKIE_NAMES = { session: 'mockidp_session', interaction: 'mockidp_interaction', resume: 'mockidp_resume' } as const;

export interface ProviderParts {
  issuer: string;
  directory: Directory;
  keys: KeyRing;
  store: Store;
  offlineRequests: OfflineRequests;
  cookieKeys: string[];
}

/**
 * The oidc-provider instance for the tenant as it is now. Keys and tenant
 * changes build a new instance over the same store, so sessions, grants and
 * refresh tokens survive them.
 */
export function buildProvider({ issuer, directory, keys, store, offlineRequests, cookieKeys }: ProviderParts): Provider {
  const configuration: Configuration = {
    adapter: store.adapterFor,
    clients: directory.tenant.applications.map(toClientMetadata),
    jwks: { keys: keys.signingKeys },
    cookies: { keys: cookieKeys, names: COOKIE_NAMES },
    claims: claimsConfig(customClaimNames(directory)),
    scopes: [...OIDC_SCOPES],
    extraParams: ['audience', 'connection'],
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    findAccount: findAccountIn(directory),
    loadExistingGrant: grantLoader(directory),
    rotateRefreshToken: rotateRefreshToken(directory),
    issueRefreshToken: issueRefreshToken(directory, offlineRequests),
    expiresWithSession: expiresWithSession(directory, offlineRequests),
    ttl: lifetimes(directory),
    routes: ROUTES,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    formats: { customizers: { jwt: accessTokenShape(directory) } },
    clientBasedCORS: (_ctx, origin, client) => isAllowedWebOrigin(directory, origin, client.clientId),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: {
        enabled: true,
        // oidc-provider's own default rule, stated here so that it does not print a NOTICE on every start:
        // only the application a token was issued to may revoke it.
        allowedPolicy: (_ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      userinfo: { enabled: true },
      // Auth0's device authorization flow: POST /oauth/device/code, the user confirms at /activate.
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx, form, _out, err) => {
          ctx.type = 'html';
          ctx.body = deviceCodeInputPage(form, err ? (err.name === 'AbortedError' ? 'The sign-in was cancelled.' : 'That code is not valid (wrong, expired or used). Try again.') : undefined);
        },
        userCodeConfirmSource: (ctx, form, client, _deviceInfo, userCode) => {
          ctx.type = 'html';
          ctx.body = deviceConfirmPage(form, client.clientName ?? client.clientId, userCode);
        },
        successSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = deviceSuccessPage(ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId ?? 'the application');
        },
      },
      // auth0-spa-js's silent authentication without refresh tokens: a hidden iframe posts the answer to its parent.
      webMessageResponseMode: { enabled: true, ack: 'individual-draft-01' },
      resourceIndicators: resourceIndicators(directory),
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = messagePage('Logged out', 'You are signed out of mock-idp.');
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = messagePage('Something went wrong', 'The request could not be completed.', {
        error: String(out.error),
        description: out.error_description,
      });
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.use(unauthorizedClientAsOnAuth0);
  const password = passwordGrant(directory);
  for (const grantType of PASSWORD_GRANTS) provider.registerGrantType(grantType, password, PASSWORD_GRANT_PARAMETERS);
  return provider;
}

