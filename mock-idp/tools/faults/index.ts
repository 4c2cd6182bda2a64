/**
 * The bad-token catalogue of mock-idp: named, documented forgeries of an
 * access token, one per forgeable RS case, for conformance harnesses and teaching.
 */
export type {
  CaseLevel,
  CatalogueCase,
  FaultContext,
  FaultExpectation,
  FaultParameter,
  FaultPreset,
  GoodTokenInput,
  JoseErrorCode,
  JoseErrorDoc,
  SigningKey,
} from './types.js';
export { CATALOGUE_CASES, catalogueCase, RP_CATALOGUE_CASES, rpCatalogueCase, type CatalogueCaseId, type RpCaseId } from './cases.js';
export { FAULTS, faultsForCase, findFault, type FaultId } from './catalogue.js';
export { forgeToken } from './forge.js';
export { flipSignature, signJws } from './compact.js';
export { FaultInputError, UnknownFaultError } from './errors.js';
export { DEFAULT_LIFETIME, DEFAULT_SUBJECT, signGoodToken } from './good-token.js';
export { cachedSigningKey, signingKeyFromJwk } from './signing-key.js';
/** A new RS256 signing key (private JWK with kid) for an IdP to rotate to (the harness's RS-34 key, made ahead of time). */
export { generateSigningKey } from '../../core/keys.js';
export { ATTACKER_EC_KID, ATTACKER_RSA_KID, attackerEcKey, attackerRsaKey, type AttackerKey } from './attacker-keys.js';
export {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLOCK_TOLERANCE,
  ESCALATED_PERMISSION,
  ID_TOKEN_NONCE,
  KID_INJECTIONS,
  OVERSIZE_TOKEN_LENGTH,
  TAMPERED_SUBJECT,
  WRONG_AUDIENCE,
  WRONG_ISSUER,
} from './recipes.js';
export { BACKCHANNEL_LOGOUT_EVENT, LOGOUT_TOKEN_FAULTS, forgeLogoutToken, type ForgedLogoutToken, type LogoutTokenFault } from './logout-forge.js';
export { LOGIN_FAULT_IDS, OTHER_SUBJECT, SHORT_EXPIRES_IN, STRANGER_CLIENT, isLoginFaultId, loginTamper, planLoginFault, type LoginFaultContext, type LoginFaultId, type PlantedLoginFault } from './login-forge.js';
