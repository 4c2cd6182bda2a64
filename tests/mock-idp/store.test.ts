import { describe, expect, it } from 'vitest';
import { Clock } from '../../mock-idp/core/clock.js';
import { Store } from '../../mock-idp/core/store.js';
import { adapterOn } from '../../mock-idp/oidc/adapter.js';

describe('the provider store', () => {
  it('sweeps expired entries that nobody reads again, so memory stays flat under load', () => {
    const clock = new Clock();
    const store = new Store(() => 0, undefined, clock);
    store.upsert('AuthorizationCode', 'old', { grantId: 'g' } as never, 60);
    store.upsert('Session', 'kept', {} as never, 3600);
    clock.advance(61);
    store.sweep();
    expect(store.size).toBe(1);
    expect(store.get('Session', 'kept')).toBeDefined();
  });

  it('finds the immediately previous refresh token unconsumed within the reuse interval, however often it is consumed again', async () => {
    const store = new Store(() => 10);
    const adapter = adapterOn(store)('RefreshToken');
    await adapter.upsert('rt1', { grantId: 'g1', clientId: 'app' } as never, 60);
    await adapter.upsert('rt2', { grantId: 'g1', clientId: 'app' } as never, 60);
    for (let i = 0; i < 3; i++) {
      await adapter.consume('rt1');
      expect((await adapter.find('rt1'))?.consumed).toBeUndefined();
    }
    // Once rt2 is rotated, rt1 is the second-to-last token: consumed, whatever the interval.
    await adapter.consume('rt2');
    expect((await adapter.find('rt1'))?.consumed).toBeTypeOf('number');
    expect((await adapter.find('rt2'))?.consumed).toBeUndefined();
  });

  it('reports a consumed refresh token as consumed when the client has no reuse interval', () => {
    const store = new Store(() => 0);
    store.upsert('RefreshToken', 'rt1', { grantId: 'g1', clientId: 'app' } as never, 60);
    store.consume('RefreshToken', 'rt1');
    expect(store.findRefreshToken('rt1')?.consumed).toBeTypeOf('number');
  });

  it('revokes every grant, refresh token and session of one user and nobody else', () => {
    const store = new Store(() => 0);
    store.upsert('Grant', 'g-alice', { jti: 'g-alice', accountId: 'alice' } as never, 60);
    store.upsert('RefreshToken', 'rt-alice', { grantId: 'g-alice', accountId: 'alice' } as never, 60);
    store.upsert('Session', 's-alice', { accountId: 'alice' } as never, 60);
    store.upsert('RefreshToken', 'rt-bob', { grantId: 'g-bob', accountId: 'bob' } as never, 60);
    store.revokeUser('alice');
    expect(store.get('RefreshToken', 'rt-alice')).toBeUndefined();
    expect(store.get('RefreshToken', 'rt-bob')).toBeDefined();
    expect(store.get('Session', 's-alice')).toBeUndefined();
    expect(store.get('Grant', 'g-alice')).toBeUndefined();
    expect(store.size).toBe(1);
  });
});

describe('what an unauthenticated caller can make is bounded', () => {
  it('keeps at most the pending limit of anonymous sessions and login attempts, dropping the oldest and saying so', () => {
    const evictions: number[] = [];
    const store = new Store(() => 0, { maxPending: 3, onEvicted: (n) => evictions.push(n) });
    store.upsert('Session', 'signed-in', { accountId: 'alice' }, 60);
    for (const id of ['a1', 'a2', 'a3']) store.upsert('Session', id, {}, 60);
    store.upsert('Interaction', 'i1', { uid: 'i1' }, 60);
    store.upsert('Interaction', 'i2', { uid: 'i2' }, 60);
    expect(['a1', 'a2'].map((id) => store.get('Session', id))).toEqual([undefined, undefined]);
    expect(store.get('Session', 'a3')).toBeDefined();
    expect(store.findByUid('Interaction', 'i2')).toBeDefined();
    // A session someone signed in to is never dropped for room.
    expect(store.get('Session', 'signed-in')).toBeDefined();
    expect(evictions).toEqual([1, 1]);
  });

  it('stops counting a session as pending once someone signs in to it', () => {
    const store = new Store(() => 0, { maxPending: 1 });
    store.upsert('Session', 's1', {}, 60);
    store.upsert('Session', 's1', { accountId: 'bob' }, 60);
    store.upsert('Session', 's2', {}, 60);
    store.upsert('Session', 's3', {}, 60);
    expect(store.get('Session', 's1')).toBeDefined();
    expect(store.get('Session', 's2')).toBeUndefined();
  });
});
