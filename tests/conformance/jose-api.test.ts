/**
 * describeApiConformance inside an app's own suite: the careful jose API (jwtVerify
 * + createRemoteJWKSet) gets one test per catalogue case, warnings included.
 */
import { afterAll, beforeAll } from 'vitest';
import type { MockIdp } from '../../mock-idp/index.js';
import { startMockIdp } from '../../mock-idp/index.js';
import { describeApiConformance } from '../../mock-idp/conformance/vitest.js';
import { startProtectedApi, type RunningApi } from '../fixtures/flawed-apis/index.js';
import { API, FAST, PERMISSION, RFC9068 } from './helpers.js';

let idp: MockIdp;
let api: RunningApi;

beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  api = await startProtectedApi({ issuer: idp.issuer, audience: API, permission: PERMISSION });
});
afterAll(async () => {
  await api.close();
  await idp.close();
});

describeApiConformance(() => ({ idp, url: `${api.url}/orders`, audience: API, permission: PERMISSION, ...FAST, ...RFC9068 }), {
  name: 'the careful jose API meets the whole catalogue',
  failOnWarnings: true,
});
