/** forgeToken: the good token, or one preset's deviation from it. */
import { faultsForCase, findFault } from './catalogue.js';
import { FaultInputError, UnknownFaultError } from './errors.js';
import { buildGoodToken } from './good-token.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLOCK_TOLERANCE, RECIPES, type ForgeEnv } from './recipes.js';
import type { FaultContext, GoodTokenInput } from './types.js';

function canaryUrlOf(ctx: FaultContext): () => string {
  return () => {
    const url = ctx.canaryUrl;
    if (url === undefined) throw new FaultInputError('this fault needs a canaryUrl in the fault context');
    if (!URL.canParse(url)) throw new FaultInputError(`canaryUrl is not a URL: ${url}`);
    return url;
  };
}

function clockToleranceOf(ctx: FaultContext): number {
  const tolerance = ctx.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE;
  if (!Number.isInteger(tolerance) || tolerance < 0) throw new FaultInputError('clockTolerance must be a whole number of seconds, 0 or more');
  return tolerance;
}

function clientIdOf(ctx: FaultContext, input: GoodTokenInput): string {
  // `azp` in Auth0's token dialect, `client_id` in RFC 9068's.
  const named = input.claims?.azp ?? input.claims?.client_id;
  return ctx.clientId ?? (typeof named === 'string' ? named : DEFAULT_CLIENT_ID);
}

/**
 * Forges the token of a fault preset (id compared case-insensitively), or the
 * good token when `faultId` is undefined. Throws UnknownFaultError for an id
 * that names no preset, FaultInputError when the input cannot express the fault.
 */
export async function forgeToken(faultId: string | undefined, input: GoodTokenInput, ctx: FaultContext): Promise<string> {
  const preset = faultId === undefined ? undefined : findFault(faultId);
  if (faultId !== undefined && preset === undefined) {
    throw new UnknownFaultError(faultId, faultsForCase(faultId).map((variant) => variant.id));
  }
  const good = await buildGoodToken(input, ctx.key);
  if (preset === undefined) return good.token;
  const env: ForgeEnv = {
    good,
    input,
    key: ctx.key,
    clockTolerance: clockToleranceOf(ctx),
    clientId: clientIdOf(ctx, input),
    canaryUrl: canaryUrlOf(ctx),
  };
  return RECIPES[preset.id](env);
}
