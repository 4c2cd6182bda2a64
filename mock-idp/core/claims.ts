import type { Directory, Person } from './directory.js';

/** OIDC standard claims of a person, as Auth0 puts them in ID tokens and /userinfo. */
export function profileClaims(person: Person): { sub: string } & Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: person.sub,
    name: person.name,
    nickname: person.nickname ?? (person.email.split('@')[0] || person.name),
    picture: person.picture,
    // SMS passwordless users have no email.
    email: person.email || undefined,
    email_verified: person.email ? person.emailVerified : undefined,
    given_name: person.givenName,
    family_name: person.familyName,
    ...person.claims,
  };
  return { sub: person.sub, ...Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) };
}

/**
 * Which claims each scope releases; custom claims of the tenant ride on `openid`, as an Auth0 Action adds them.
 * `amr` rides on `openid` too: it is set only by a login with a second factor (`["mfa"]`), so, as on Auth0,
 * ID tokens of password and social logins have none.
 */
export function claimsByScope(customClaimNames: Iterable<string>): Record<string, string[]> {
  return {
    openid: ['sub', 'sid', 'amr', 'org_id', 'org_name', ...customClaimNames],
    profile: ['name', 'nickname', 'picture', 'given_name', 'family_name', 'updated_at'],
    email: ['email', 'email_verified'],
  };
}

/** The profile claims a set of scopes releases for a person, as in their ID token and /userinfo. */
export function releasedClaims(person: Person, scopes: Iterable<string>): Record<string, unknown> {
  const byScope = claimsByScope(Object.keys(person.claims));
  const released = new Set(['openid', ...scopes].flatMap((s) => byScope[s] ?? []));
  return Object.fromEntries(Object.entries(profileClaims(person)).filter(([k]) => released.has(k)));
}

export function customClaimNames(directory: Directory): Set<string> {
  return new Set(directory.people().flatMap((p) => Object.keys(p.claims)));
}
