/** Step 2, when the baseline fails: why the API refuses a good token. */
import type { MintRequest } from '../../start.js';
import { bearerChallenge } from '../challenge.js';
import { MintRefusedError } from '../errors.js';
import { describeAnswer, is2xx } from '../judge.js';
import type { Answer, Diagnosis } from '../types.js';
import { bearer, now, type Run } from './run.js';

/** The baseline failed: find the likely misconfiguration by trying variants of the good token. */
export async function diagnose(run: Run, baseline: Answer, fetchesBefore: number | undefined): Promise<Diagnosis> {
  const got = describeAnswer(baseline);
  const causes: string[] = [];
  const tried: Diagnosis['tried'] = [];
  const { issuer, jwksUri } = run.driver;
  if (baseline.kind !== 'response') {
    causes.push(`the API did not answer a request with a good token (${got}): it hangs or crashes while checking tokens; is its JWKS URL (${jwksUri}) reachable from it?`);
    return { got, causes, tried };
  }
  const { status } = baseline;
  const description = bearerChallenge(baseline.wwwAuthenticate)?.params.error_description;
  if (status === 404 || status === 405) {
    causes.push(`the endpoint answers ${status} to a good token: check the URL (${run.settings.url.href}) and the method (${run.settings.method})`);
    return { got, causes, tried };
  }
  if (status === 403) {
    const scope = bearerChallenge(baseline.wwwAuthenticate)?.params.scope;
    causes.push(`the API refused the permission the token carries (${run.settings.permissions.join(' ')})${scope ? `: it asks for "${scope}"` : ''}; pass the permission the endpoint requires`);
    return { got, causes, tried };
  }
  const variants: Array<{ variant: string; cause: string; extra: Partial<MintRequest> }> = [];
  const t = now();
  if (issuer.endsWith('/')) {
    variants.push({ variant: `iss "${issuer.slice(0, -1)}" (no trailing slash)`, cause: `issuer: the API expects "${issuer.slice(0, -1)}" but the IdP's issuer is "${issuer}" — configure it exactly, trailing slash included (issuers are compared character for character)`, extra: { claims: { iss: issuer.slice(0, -1) } } });
  } else {
    variants.push({ variant: `iss "${issuer}/" (with a trailing slash)`, cause: `issuer: the API expects "${issuer}/" but the IdP's issuer is "${issuer}" — configure it exactly`, extra: { claims: { iss: `${issuer}/` } } });
  }
  const audience = run.settings.audience;
  const otherAudience = audience.endsWith('/') ? audience.slice(0, -1) : `${audience}/`;
  variants.push({ variant: `aud "${otherAudience}"`, cause: `audience: the API expects "${otherAudience}", not "${audience}" — pass the API identifier it is configured with (or fix its audience)`, extra: { audience: otherAudience } });
  variants.push({ variant: `aud [${audience}, ${issuer}userinfo]`, cause: `audience: the API accepts only an aud array (as Auth0 issues with openid), not the string "${audience}" — compare aud by membership`, extra: { claims: { aud: [audience, `${issuer}userinfo`] } } });
  if (run.settings.tokenDialect?.startsWith('rfc9068') === true) {
    variants.push({ variant: 'typ JWT, azp (Auth0 token profile)', cause: "token dialect: the API accepts Auth0's default access-token profile (typ JWT, azp), not RFC 9068's (typ at+jwt, client_id) — run with the tenant's dialect (drop --token-dialect)", extra: { tokenDialect: 'access_token_authz' } });
  } else {
    variants.push({ variant: 'typ at+jwt, client_id, jti (RFC 9068 token profile)', cause: "token dialect: the API accepts only RFC 9068 access tokens (typ at+jwt, client_id, jti), not Auth0's default profile (typ JWT, azp) that Auth0 issues unless the API's token dialect is rfc9068_profile — set the API's tokenDialect to rfc9068_profile_authz (in the tenant, as on Auth0) or pass --token-dialect rfc9068_profile_authz; or let the API accept typ JWT", extra: { tokenDialect: 'rfc9068_profile_authz' } });
  }
  variants.push({ variant: 'iat 2 h ago, exp in 24 h', cause: 'clock: the API accepts a token valid from 2 h ago to 24 h ahead but not one valid for the next 10 minutes — its clock is off (or it rejects recent iat values); check its time', extra: { claims: { iat: t - 7200, exp: t + 86_400 } } });
  for (const v of variants) {
    let token: string;
    try {
      token = await run.mint(v.extra);
    } catch (err) {
      if (err instanceof MintRefusedError) continue;
      throw err;
    }
    const { answer } = await run.call(bearer(token));
    tried.push({ variant: v.variant, got: describeAnswer(answer) });
    if (answer.kind === 'response' && is2xx(answer.status)) causes.push(v.cause);
  }
  if (causes.length === 0) {
    const fetchesAfter = await run.driver.jwksFetches();
    if (fetchesBefore !== undefined && fetchesAfter !== undefined && fetchesAfter === fetchesBefore) {
      causes.push(`JWKS: the API never fetched the IdP's keys (${jwksUri}) while refusing good tokens — its JWKS URL (or the issuer it discovers it from) points elsewhere, or it cannot reach the IdP`);
    }
    if (status >= 500) causes.push(`the API failed with ${status} on a good token${status === 503 ? ': it probably cannot fetch the IdP\'s keys' : ''}; see its log`);
    causes.push(`the API refused a good token${description ? ` saying "${description}"` : ''}; check its issuer (${issuer}), JWKS URL (${jwksUri}), audience (${audience}), allowed algorithm (RS256) and clock`);
  }
  return { got, causes, tried };
}
