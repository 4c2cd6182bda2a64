/**
 * A soak of the token endpoint (issue 19): rounds of client-credentials and refresh-token requests
 * leave RSS flat once warmed up. A generous bound and no timing; the figures per round are
 * `npm run bench`'s (`BENCH_ONLY=concurrency`), whose workload this is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { soakRound } from '../../bench/measure/concurrency.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API } from '../helpers/oauth.js';

const ROUNDS = 5;
const CHAINS = 10;
const PER_CHAIN = 5;
/** RSS may move this much after the warm-up round (GC timing, the allocator); a leak of ~100 KiB a request crosses it. */
const BOUND_MIB = 48;

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

describe('a soak of /oauth/token (client credentials, and refresh with rotation)', () => {
  it(`keeps RSS within ${BOUND_MIB} MiB of the first round after the warm-up, over ${ROUNDS} rounds of ${CHAINS * PER_CHAIN * 2} requests`, { timeout: 120_000 }, async () => {
    // Each chain is one login whose refresh token is rotated round after round.
    const chains = await Promise.all(Array.from({ length: CHAINS }, async () => (await idp.loginForTokens({ user: 'bob@example.com', audience: API })).refresh_token!));
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      expect(await soakRound(idp.issuer, chains, PER_CHAIN), `round ${round}: answers other than 200`).toBe(0);
      rounds.push(rssMiB());
    }
    // Round 0 is the warm-up (JIT, first allocations); the later ones are compared with round 1.
    const growth = Math.max(...rounds.slice(2)) - rounds[1]!;
    expect(growth, `RSS per round (MiB): ${rounds.map((r) => r.toFixed(1)).join(', ')}`).toBeLessThanOrEqual(BOUND_MIB);
  });
});
