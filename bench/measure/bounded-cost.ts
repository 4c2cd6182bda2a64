/**
 * 7. Bounded cost: what revoking one user costs among many grants (the store's
 * account and grant indexes, in-process), and the RSS of a `mock-idp start`
 * child after many anonymous `GET /activate` requests (sessions nobody signed
 * in to: 10-minute lifetime and a cap on pending entries).
 */
import { Store } from '../../mock-idp/core/store.js';
import type { BenchConfig } from '../lib/config.js';
import { atMost, figure, type SectionResult } from '../lib/figures.js';
import { RssSampler } from '../lib/proc.js';
import { sleep } from '../lib/stats.js';
import { startMockIdpChild } from './issuance.js';

/** Grants, refresh and access tokens for `users` accounts, then the time of revoking one of them, `samples` times. */
function revokeTimes(users: number, samples: number): number[] {
  const store = new Store(() => 0);
  for (let i = 0; i < users; i++) {
    const accountId = `auth0|user-${i}`;
    const grantId = `grant-${i}`;
    store.upsert('Grant', grantId, { jti: grantId, accountId }, 3600);
    store.upsert('RefreshToken', `rt-${i}`, { grantId, accountId, clientId: 'app' }, 3600);
    store.upsert('AccessToken', `at-${i}`, { grantId, accountId, clientId: 'app' }, 3600);
    store.upsert('Session', `s-${i}`, { accountId }, 3600);
  }
  const times: number[] = [];
  for (let k = 0; k < samples; k++) {
    const t0 = performance.now();
    store.revokeUser(`auth0|user-${Math.floor((k * users) / samples)}`);
    times.push(performance.now() - t0);
  }
  return times;
}

/** `count` GET /activate requests, `concurrency` at a time. */
async function anonymousActivates(base: string, count: number, concurrency: number): Promise<number> {
  let sent = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < count) {
        sent++;
        const response = await fetch(`${base}/activate`).catch(() => undefined);
        if (response?.status !== 200) failed++;
        await response?.arrayBuffer();
      }
    }),
  );
  return failed;
}

export async function measureBoundedCost(config: BenchConfig): Promise<SectionResult> {
  const users = config.scale === 'full' ? 50_000 : 500;
  const activates = config.scale === 'full' ? 100_000 : 100;
  const revoke = revokeTimes(users, 50);

  const { child, base } = await startMockIdpChild();
  const sampler = new RssSampler(child.pid, 200);
  try {
    await sleep(300);
    const before = sampler.current();
    const t0 = performance.now();
    const failed = await anonymousActivates(base, activates, 10);
    const seconds = (performance.now() - t0) / 1000;
    const after = sampler.current();
    return {
      figures: {
        revokeUser: figure(`revoke one user among ${users.toLocaleString('en')} grants`, 'ms', revoke, atMost(10, 'ms')),
        activateRss: figure(`RSS after ${activates.toLocaleString('en')} anonymous GET /activate`, 'MiB', [after]),
        activateGrowth: figure(`RSS growth over those requests`, 'MiB', [after - before], atMost(60, 'MiB')),
      },
      details: { users, activates, failed, seconds, rssBeforeMiB: before, rssAfterMiB: after, revokeMs: revoke },
    };
  } finally {
    sampler.stop();
    await child.stop();
  }
}
