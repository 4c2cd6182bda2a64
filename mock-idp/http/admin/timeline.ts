import type { Context } from 'koa';
import type { MockState } from '../../core/state.js';
import { HttpError } from '../errors.js';

const one = (ctx: Context, name: string): string | undefined => {
  const value = ctx.query[name];
  if (value !== undefined && typeof value !== 'string') throw new HttpError(400, `${name}: give it once`);
  return value === '' ? undefined : value;
};

/**
 * GET /_mock/timeline: the token timeline (core/events-timeline.ts) with the mock's now, so that a
 * reader can tell what has expired; `?user=` (sub or email), `?session=` (sid), `?client=`, `?since=` (seq) filter it.
 */
export function timelineAnswer(state: MockState, ctx: Context): { now: string; clockOffset: number; entries: ReturnType<MockState['timeline']['list']> } {
  const since = Number(one(ctx, 'since') ?? 0);
  if (!Number.isInteger(since) || since < 0) throw new HttpError(400, 'since: expected a whole number');
  ctx.set('Cache-Control', 'no-store');
  return {
    now: state.clock.date().toISOString(),
    clockOffset: state.clock.offset,
    entries: state.timeline.list({ since, user: one(ctx, 'user'), session: one(ctx, 'session'), client: one(ctx, 'client') }),
  };
}
