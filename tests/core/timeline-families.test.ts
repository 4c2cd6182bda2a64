/**
 * The timeline's per-family index (core/events-timeline.ts): an ID token's session reaches the earlier
 * entries of its family only, `familyOf` reads a family's entries only while the timeline still holds
 * them, and `list({ since })` answers the tail after `since`.
 */
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../mock-idp/core/events.js';
import { Timeline } from '../../mock-idp/core/events-timeline.js';

const timelineOf = (size: number) => new Timeline(new EventLog(), () => undefined, size);

describe('Timeline families', () => {
  it("gives a family's earlier entries the session its ID token names, and no other family's", () => {
    const t = timelineOf(10);
    t.add({ kind: 'issued', token: 'access_token', family: 'g1', sub: 'u1' });
    t.add({ kind: 'issued', token: 'access_token', family: 'g2', sub: 'u2' });
    t.add({ kind: 'issued', token: 'id_token', family: 'g1', sub: 'u1', session: 's1' });
    expect(t.list().map((e) => [e.family, e.session])).toEqual([['g1', 's1'], ['g2', undefined], ['g1', 's1']]);
    expect(t.familyOf('g1')).toEqual({ session: 's1', sub: 'u1' });
    expect(t.familyOf('g2')).toEqual({ sub: 'u2' });
  });

  it('forgets a family once its entries have left the bounded timeline', () => {
    const t = timelineOf(2);
    t.add({ kind: 'issued', token: 'refresh_token', family: 'old', sub: 'u1', clientId: 'app' });
    t.add({ kind: 'issued', token: 'access_token', family: 'new', sub: 'u2' });
    t.add({ kind: 'issued', token: 'id_token', family: 'new', sub: 'u2', session: 's2' });
    expect(t.familyOf('old')).toEqual({});
    expect(t.familyOf('new')).toEqual({ session: 's2', sub: 'u2' });
    // An entry of the forgotten family starts it again, with no session learnt from before.
    t.add({ kind: 'rotated', token: 'refresh_token', family: 'old' });
    expect(t.familyOf('old')).toEqual({});
  });

  it('lists the entries after `since` in order, filtered, and none after a clear', () => {
    const t = timelineOf(100);
    for (let i = 0; i < 10; i++) t.add({ kind: 'issued', token: 'access_token', family: `g${i}`, clientId: i % 2 ? 'odd' : 'even' });
    expect(t.list({ since: 7 }).map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(t.list({ since: 4, client: 'odd' }).map((e) => e.seq)).toEqual([6, 8, 10]);
    expect(t.list({ since: 10 })).toEqual([]);
    t.clear();
    expect(t.list()).toEqual([]);
    expect(t.familyOf('g9')).toEqual({});
  });
});
