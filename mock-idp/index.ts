export { startMockIdp, type MockIdp, type MockIdpCa, type MockIdpClock, type MockIdpOptions } from './start.js';
export { parseTenant, loadTenantFile, TenantConfigError, type TenantProblem } from './core/tenant/load.js';
export { TOKEN_DIALECTS, type Role, type Tenant, type TenantInput, type TokenDialect, type User } from './core/tenant/schema.js';
export type { NewUserInput, RoleInput, UserInput } from './core/tenant/edits.js';
export { DEFAULTS } from './core/tenant/defaults.js';
export { MockIdpError, InvalidInput, UnknownUser, UnknownClient, DuplicateUser, StartOptionsError, WeakPassword, SignupDisabled, InvalidEmailLink } from './core/errors.js';
export type { EmailKind, OutboxEmail } from './core/outbox.js';
export { PASSWORD_POLICY_LEVELS, type PasswordPolicyLevel, type PasswordRule, type PasswordStrengthFailure } from './core/password-policy.js';
export { KeyRingError, type KeyInfo, type PrivateJwk } from './core/keys.js';
// The errors module only: the rest of core/tls is loaded by startMockIdp({ https: true }).
export { TlsError, type TlsErrorCode } from './core/tls/errors.js';
export type { MockEvent } from './core/events.js';
export type { ClockReading } from './core/clock.js';
export type { MintRequest, MintedToken } from './tools/mint/index.js';
export type { ExplainRequest, CheckName, TokenCheck, TokenExplanation } from './tools/explain/index.js';
export { HeadlessBrowser, loginThroughApp, HeadlessLoginError, fetchTrustingCa, type Page, type HeadlessBrowserOptions, type HeadlessLoginOptions, type LoginThroughAppOptions, type TokenSet } from './tools/headless/index.js';
export { FAULTS, findFault, type FaultPreset } from './tools/faults/index.js';
export { runApiConformance, runAppConformance, APP_CONFORMANCE_CASES, type AppConformanceOptions, type AppConformanceReport, renderConformanceDoc, CONFORMANCE_CASES, ConformanceSetupError, type ApiConformanceOptions, type ConformanceReport, type CheckResult, type IdpDriver } from './conformance/index.js';
