import { z } from 'zod';
import { TOKEN_DIALECTS } from '../../core/tenant/schema.js';

/** The body of `POST /_mock/tokens` and the argument of `idp.mintToken()`. */
export const mintRequestSchema = z
  .strictObject({
    /** A user (email or `sub`) the token is for ... */
    user: z.string().min(1).optional(),
    /** ... or a machine-to-machine client (client credentials shape: `sub` = `<client>@clients`). */
    client: z.string().min(1).optional(),
    /** `access` (default): an API access token; `id`: an ID token for an application. */
    kind: z.enum(['access', 'id']).default('access'),
    /** The API (`aud`) of an access token. */
    audience: z.string().min(1).optional(),
    /** The application: `azp` of a user's access token, `aud` of an ID token. */
    clientId: z.string().min(1).optional(),
    /** Replaces the permissions the tenant gives (RBAC roles or the client grant). */
    permissions: z.array(z.string().min(1)).optional(),
    /** Replaces the default `scope` (the permissions, space-separated). */
    scope: z.string().optional(),
    /** Extra claims, added last. */
    claims: z.record(z.string(), z.unknown()).optional(),
    /** Lifetime in seconds (default: the API's / application's lifetime). */
    expiresIn: z.number().int().positive().max(10 * 365 * 24 * 3600).optional(),
    /** The token dialect of the access token (header `typ`, `azp` / `client_id`, `jti`, `gty`, `permissions`); default the API's `tokenDialect`. */
    tokenDialect: z.enum(TOKEN_DIALECTS).optional(),
    /** A fault preset id (see `mock-idp faults`), e.g. `RS-13` or `RS-23-mixedcase`. */
    fault: z.string().min(1).optional(),
    /** For RS-30 (`jku` / `x5u`): the canary URL the header points at. */
    canaryUrl: z.url().optional(),
    /** The API's clock tolerance, for the tolerance-edge faults (RS-13, RS-14, RS-16). */
    clockTolerance: z.number().int().min(0).max(3600).optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.user === undefined) === (r.client === undefined)) ctx.addIssue({ code: 'custom', path: ['user'], message: 'give exactly one of "user" or "client"' });
    if (r.kind === 'access' && r.audience === undefined) ctx.addIssue({ code: 'custom', path: ['audience'], message: 'an access token needs an audience (the API identifier)' });
    if (r.kind === 'id' && r.client !== undefined) ctx.addIssue({ code: 'custom', path: ['client'], message: 'ID tokens are for users, not clients' });
    if (r.kind === 'id' && r.fault !== undefined) ctx.addIssue({ code: 'custom', path: ['fault'], message: 'fault presets forge access tokens (kind "access")' });
  });

export type MintRequest = z.input<typeof mintRequestSchema>;
export type ParsedMintRequest = z.output<typeof mintRequestSchema>;
