/**
 * mintToken validates a request it saw lately once (tools/mint/mint-token.ts, by its JSON text): a load
 * test minting the same request over and over skips the schema; each mint still gets its own copy, a
 * changed request is validated again, and a bad one is refused as before.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Directory } from '../../mock-idp/core/directory.js';
import { InvalidInput } from '../../mock-idp/core/errors.js';
import { KeyRing, readKeyFile } from '../../mock-idp/core/keys.js';
import { PACKAGE_PATHS } from '../../mock-idp/core/package-paths.js';
import { loadTenantFile } from '../../mock-idp/core/tenant/load.js';
import { mintRequestSchema } from '../../mock-idp/tools/mint/mint-request.js';
import { mintToken, parseMintRequest } from '../../mock-idp/tools/mint/mint-token.js';

const context = { issuer: 'http://localhost:4000/', keys: new KeyRing(readKeyFile(PACKAGE_PATHS.devKeys)), directory: new Directory(loadTenantFile(PACKAGE_PATHS.defaultTenant)) };
const API = 'https://api.example.com';
afterEach(() => vi.restoreAllMocks());

describe('mintToken of a repeated request', () => {
  it('validates it once, and a changed one again', async () => {
    const parse = vi.spyOn(mintRequestSchema, 'safeParse');
    // A text no other file of this worker mints (the cache is per process).
    const tier = `gold-${randomUUID()}`;
    const request = { user: 'alice@example.com', audience: API, permissions: ['read:orders'], claims: { 'https://example.com/tier': tier } };
    const first = decodeJwt((await mintToken(context, request)).token);
    const second = decodeJwt((await mintToken(context, { ...request })).token);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(second.permissions).toEqual(['read:orders']);
    expect(second['https://example.com/tier']).toBe(tier);
    expect(second.sub).toBe(first.sub);
    request.claims['https://example.com/tier'] = 'silver';
    expect(decodeJwt((await mintToken(context, request)).token)['https://example.com/tier']).toBe('silver');
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('gives each caller its own copy of a remembered request: changing one changes no later mint', async () => {
    const request = { user: 'alice@example.com', audience: API, permissions: [`read:${randomUUID()}`] };
    const first = parseMintRequest(request);
    first.permissions!.push('delete:everything');
    expect(parseMintRequest(request).permissions).toEqual(request.permissions);
    expect(decodeJwt((await mintToken(context, request)).token).permissions).toEqual(request.permissions);
  });

  it('refuses an unknown field JSON would drop, after the same request without it was remembered', async () => {
    const request = { user: 'alice@example.com', audience: API, permissions: [`read:${randomUUID()}`] };
    await mintToken(context, request);
    await expect(mintToken(context, { ...request, bogus: undefined })).rejects.toBeInstanceOf(InvalidInput);
  });

  it('refuses a bad request each time it comes', async () => {
    const bad = { user: 'alice@example.com', audience: API, expiresIn: -1 };
    await expect(mintToken(context, bad)).rejects.toBeInstanceOf(InvalidInput);
    await expect(mintToken(context, bad)).rejects.toBeInstanceOf(InvalidInput);
  });
});
