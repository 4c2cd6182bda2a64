import { z } from 'zod';
import { InvalidInput } from '../../core/errors.js';
import { issueField, issuesMessage } from '../../core/issues.js';
import { explainToken, type ExplainContext, type TokenExplanation } from './explain-token.js';

/** The body of `POST /_mock/explain` and the argument of `idp.explainToken()`. */
export const explainRequestSchema = z.strictObject({
  token: z.string().trim().min(1),
  /** The API identifier the token is meant for. */
  audience: z.string().min(1).optional(),
  /** Seconds of leeway for exp, nbf and iat; default 0. */
  clockTolerance: z.number().int().min(0).max(3600).optional(),
});

export type ExplainRequest = z.input<typeof explainRequestSchema>;

/** Validates the request (InvalidInput naming every wrong field) and explains the token against an issuer and its keys. */
export async function explainFor(context: ExplainContext, input: unknown): Promise<TokenExplanation> {
  const result = explainRequestSchema.safeParse(input, { jitless: true });
  if (!result.success) throw new InvalidInput(issuesMessage(result.error), result.error.issues[0] && issueField(result.error.issues[0]));
  const { token, ...options } = result.data;
  return explainToken(context, token, options);
}
