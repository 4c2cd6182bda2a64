export { startMockIdp, type MockIdp, type MockIdpOptions } from './start.js';
export { parseTenant, loadTenantFile, TenantConfigError, type TenantProblem } from './config/load-tenant.js';
export type { Tenant, TenantInput } from './config/schema.js';
export { DEFAULTS } from './config/defaults.js';
export type { KeyInfo, PrivateJwk } from './keys/key-ring.js';
export type { MockEvent } from './runtime/event-log.js';
