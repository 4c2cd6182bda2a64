/**
 * The RS (resource-server) cases of the failure-mode catalogue, RS-01 to RS-40:
 * what the fault presets and the conformance harness both state about a case,
 * its title, level and reference, held once, here in the lower layer. A fault
 * preset takes its level and reference from its case (catalogue.ts); the
 * conformance case definitions (conformance/cases.ts) add their teaching text
 * to these rows, through tools/faults/index.ts.
 */
import type { CatalogueCase } from './types.js';

const CASES = [
  { id: 'RS-01', title: 'No Authorization header', level: 'MUST', reference: 'RFC 6750 §3.1' },
  { id: 'RS-02', title: 'Another authentication scheme (Basic)', level: 'SHOULD', reference: 'RFC 6750 §3.1' },
  { id: 'RS-03', title: 'Lower- or upper-case `bearer` scheme', level: 'SHOULD', reference: 'RFC 9110 §11.1' },
  { id: 'RS-04', title: 'Token only in the query string', level: 'SHOULD', reference: 'RFC 6750 §2.3, RFC 9700' },
  { id: 'RS-05', title: 'Token in the header and in the query', level: 'SHOULD', reference: 'RFC 6750 §3.1' },
  { id: 'RS-06', title: 'Two Authorization headers', level: 'MUST', reference: 'RFC 6750 §3.1, RFC 9110 §5.3' },
  { id: 'RS-07', title: 'Header over 16 KiB', level: 'MUST', reference: 'RFC 6585 §5' },
  { id: 'RS-08', title: 'Garbage, one segment, five segments', level: 'MUST', reference: 'RFC 6750 §3.1' },
  { id: 'RS-09', title: 'Signature cut off (two segments)', level: 'MUST', reference: 'RFC 8725 §3.3' },
  { id: 'RS-10', title: 'Payload changed, old signature kept', level: 'MUST', reference: 'RFC 7515 §5.2' },
  { id: 'RS-11', title: 'One signature character flipped', level: 'MUST', reference: 'jwt_tool "broken signature"' },
  { id: 'RS-12', title: 'Signed by an attacker key under the real kid', level: 'MUST', reference: 'OpenID suite `invalid-sig-rs256`' },
  { id: 'RS-13', title: 'Expired token', level: 'MUST', reference: 'RFC 7519 §4.1.4' },
  { id: 'RS-14', title: 'Expiry at the clock-tolerance edges', level: 'SHOULD', reference: 'RFC 9068 §4' },
  { id: 'RS-15', title: 'No exp claim', level: 'MUST', reference: 'RFC 9068 §2.2' },
  { id: 'RS-16', title: 'Not valid yet (nbf in the future)', level: 'MUST', reference: 'RFC 7519 §4.1.5' },
  { id: 'RS-17', title: 'Issued in the future (iat one hour ahead)', level: 'SHOULD', reference: 'RFC 8725 §3.10' },
  { id: 'RS-18', title: 'Token for another API (wrong aud)', level: 'MUST', reference: 'RFC 9068 §4, RFC 8725 §3.9' },
  { id: 'RS-19', title: 'aud array with the API and /userinfo (Auth0 shape)', level: 'MUST', reference: 'RFC 9068 §4' },
  { id: 'RS-20', title: 'aud missing, or an array without the API', level: 'MUST', reference: 'RFC 9068 §2.2' },
  { id: 'RS-21', title: 'Token from another issuer (wrong iss)', level: 'MUST', reference: 'RFC 9068 §4, RFC 8725 §3.8' },
  { id: 'RS-22', title: 'iss without its trailing slash', level: 'MUST', reference: 'RFC 9068 §4' },
  { id: 'RS-23', title: 'alg none (any case), empty signature', level: 'MUST', reference: 'RFC 8725 §3.1, CVE-2015-9235, CVE-2022-23540' },
  { id: 'RS-24', title: 'RS256 header, empty signature', level: 'MUST', reference: 'CVE-2020-28042' },
  { id: 'RS-25', title: 'HS256 keyed with the RSA public key', level: 'MUST', reference: 'CVE-2016-10555, CVE-2022-23541' },
  { id: 'RS-26', title: 'HS256 with an empty secret', level: 'MUST', reference: 'CVE-2019-20933' },
  { id: 'RS-27', title: 'Algorithm not on the allow-list (RS512, PS256)', level: 'MUST', reference: 'RFC 8725 §3.1' },
  { id: 'RS-28', title: 'ES256 with r = s = 0 (psychic signature)', level: 'MUST', reference: 'CVE-2022-21449' },
  { id: 'RS-29', title: 'Embedded jwk header with the attacker\'s key', level: 'MUST', reference: 'CVE-2018-0114' },
  { id: 'RS-30', title: 'jku / x5u pointing at a canary URL', level: 'MUST', reference: 'RFC 8725 §3.10' },
  { id: 'RS-31', title: 'kid with a path, SQL or shell text', level: 'MUST', reference: 'RFC 8725 §3.10' },
  { id: 'RS-32', title: 'Unknown kid', level: 'MUST', reference: 'OIDC Core §10.1.1' },
  { id: 'RS-33', title: 'A flood of unknown kids', level: 'SHOULD', reference: 'jwks-rsa rate limit' },
  { id: 'RS-34', title: 'The IdP rotates its signing key', level: 'MUST', reference: 'OpenID suite `signing-key-rotation`' },
  { id: 'RS-35', title: 'Retired key still used', level: 'SHOULD', reference: 'OIDC Core §10.1.1' },
  { id: 'RS-36', title: 'No kid, several keys published', level: 'SHOULD', reference: 'OpenID suite `kid-absent-multiple-jwks`' },
  { id: 'RS-37', title: 'ID token sent as the access token', level: 'MUST', reference: 'RFC 9068 §2.1, RFC 8725 §3.11' },
  { id: 'RS-38', title: 'No sub claim', level: 'SHOULD', reference: 'RFC 9068 §2.2' },
  { id: 'RS-39', title: 'Valid token without the permission', level: 'MUST', reference: 'RFC 6750 §3.1' },
  { id: 'RS-40', title: 'Good token with the permission (baseline)', level: 'MUST', reference: '—' },
] as const satisfies readonly CatalogueCase[];

/** The id of a catalogue case, e.g. `'RS-23'`. */
export type CatalogueCaseId = (typeof CASES)[number]['id'];

/** Every RS case, in catalogue order. */
export const CATALOGUE_CASES: readonly CatalogueCase[] = Object.freeze(CASES.map((c) => Object.freeze({ ...c })));

const BY_ID = new Map<string, CatalogueCase>(CATALOGUE_CASES.map((c) => [c.id, c]));

/** The case with this id, e.g. `catalogueCase('RS-23')`. */
export function catalogueCase(id: CatalogueCaseId): CatalogueCase {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`no catalogue case ${id}`);
  return found;
}

/**
 * The RP (relying-party, login-app) cases of the failure-mode catalogue that the
 * login-app harness runs (`mock-idp conformance app`), with the login faults
 * (login-forge.ts) that plant them. The teaching text is in conformance/app/cases.ts.
 */
const RP_CASES = [
  { id: 'RP-00', title: 'Unfaulted login reaches the protected page (baseline)', level: 'MUST', reference: '—' },
  { id: 'RP-01', title: 'Callback state missing, wrong, or from another browser', level: 'MUST', reference: 'RFC 6749 §10.12, RFC 9700 §4.7' },
  { id: 'RP-02', title: 'Callback replayed (same code and state)', level: 'MUST', reference: 'RFC 9700 §4.5' },
  { id: 'RP-03', title: 'ID token nonce wrong or missing', level: 'MUST', reference: 'suite `oidcc-client-test-nonce-invalid` (Core 3.1.3.7-11)' },
  { id: 'RP-04', title: 'ID token from another issuer (wrong iss)', level: 'MUST', reference: '`oidcc-client-test-invalid-iss` (Core 3.1.3.7-2)' },
  { id: 'RP-05', title: 'ID token aud wrong or missing', level: 'MUST', reference: '`oidcc-client-test-invalid-aud`, `-missing-aud` (Core 3.1.3.7-3)' },
  { id: 'RP-06', title: 'ID token aud with a stranger added, or azp another client', level: 'MUST', reference: 'FAPI `invalid-secondary-aud` (Core 3.1.3.7-3/4/5)' },
  { id: 'RP-07', title: 'ID token aud as a one-element array', level: 'SHOULD', reference: 'FAPI `valid-aud-as-array`' },
  { id: 'RP-08', title: 'ID token sub or iat missing, iat a week old', level: 'MUST', reference: '`oidcc-client-test-missing-sub`, `-missing-iat`, FAPI `iat-is-week-in-past`' },
  { id: 'RP-09', title: 'ID token expired, or without exp', level: 'MUST', reference: 'FAPI `invalid-expired-exp`, `invalid-missing-exp` (Core 3.1.3.7-9)' },
  { id: 'RP-10', title: 'ID token with a bad signature (RS256, HS256 keyed with the public key)', level: 'MUST', reference: '`oidcc-client-test-invalid-sig-rs256`, `-hs256` (Core 3.1.3.7-6), CVE-2016-10555' },
  { id: 'RP-11', title: 'ID token with alg none, or another algorithm than registered', level: 'MUST', reference: '`oidcc-client-test-idtoken-sig-none`, FAPI `invalid-null-alg`, `invalid-alternate-alg`' },
  { id: 'RP-12', title: 'ID token without kid (one key published)', level: 'SHOULD', reference: '`oidcc-client-test-kid-absent-single-jwks`' },
  { id: 'RP-13', title: 'ID token signed by a key published after the app fetched the JWKS', level: 'MUST', reference: '`oidcc-client-test-signing-key-rotation` (Core §10.1.1)' },
  { id: 'RP-14', title: 'The JWKS also holds an unparseable key', level: 'MUST', reference: '`oidcc-client-test-ignores-unparseable-key-in-jwks` (RFC 7517 §5)' },
  { id: 'RP-15', title: 'userinfo sub differs from the ID token sub', level: 'MUST', reference: '`oidcc-client-test-userinfo-invalid-sub` (Core 5.3.2)' },
  { id: 'RP-16', title: 'Discovery issuer differs from the expected one', level: 'MUST', reference: '`oidcc-client-test-discovery-issuer-mismatch` (Discovery 1.0 §4.3)' },
  { id: 'RP-17', title: 'error=access_denied on the callback', level: 'MUST', reference: 'RFC 6749 §4.1.2.1' },
  { id: 'RP-18', title: 'The app sends PKCE with S256', level: 'SHOULD', reference: 'RFC 9700 §2.1.1, RFC 7636' },
  { id: 'RP-21', title: 'Refresh returns an ID token for another user', level: 'MUST', reference: '`refresh-token-invalid-*` (Core 12.2)' },
  { id: 'RP-24', title: 'Back-channel logout_token faults', level: 'MUST', reference: 'Back-Channel Logout 1.0 §2.6, §2.8' },
  { id: 'RP-25', title: "The app's own session idle and absolute limits, where it states them", level: 'MUST', reference: 'OWASP ASVS V3.3' },
] as const satisfies ReadonlyArray<Omit<CatalogueCase, 'id'> & { id: `RP-${string}` }>;

export type RpCaseId = (typeof RP_CASES)[number]['id'];

/** Every RP case the login-app harness runs, in catalogue order. */
export const RP_CATALOGUE_CASES: ReadonlyArray<Omit<CatalogueCase, 'id'> & { id: RpCaseId }> = Object.freeze(RP_CASES.map((c) => Object.freeze({ ...c })));

/** The RP case with this id. */
export function rpCatalogueCase(id: RpCaseId): (typeof RP_CATALOGUE_CASES)[number] {
  const found = RP_CATALOGUE_CASES.find((c) => c.id === id);
  if (!found) throw new Error(`no catalogue case ${id}`);
  return found;
}
