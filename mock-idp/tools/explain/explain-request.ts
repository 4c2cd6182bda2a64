import { z } from 'zod';
import type { IdpRuntime } from '../../core/state.js';
import { HttpError } from '../../http/errors.js';
import { issuesMessage } from '../../core/issues.js';
import { explainToken, type TokenExplanation } from './explain-token.js';

/** The body of `POST /_mock/explain` and the argument of `idp.explainToken()`. */
export const explainRequestSchema = z.strictObject({
  token: z.string().trim().min(1),
  /** The API identifier the token is meant for. */
  audience: z.string().min(1).optional(),
  /** Seconds of leeway for exp, nbf and iat; default 0. */
  clockTolerance: z.number().int().min(0).max(3600).optional(),
});

export type ExplainRequest = z.input<typeof explainRequestSchema>;

/** Validates the request (400 naming every wrong field) and explains the token against this mock's issuer and keys. */
export async function explainFor(runtime: IdpRuntime, input: unknown): Promise<TokenExplanation> {
  const result = explainRequestSchema.safeParse(input, { jitless: true });
  if (!result.success) throw new HttpError(400, issuesMessage(result.error));
  const { token, ...options } = result.data;
  return explainToken({ issuer: runtime.issuer, publicKeys: runtime.keys.publicKeys }, token, options);
}
