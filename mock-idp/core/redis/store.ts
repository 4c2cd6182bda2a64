import type { Clock } from '../clock.js';
import { BoundedMap } from '../bounded-map.js';
import { asReusable, KEPT_AFTER_EXPIRY, REUSE_REVOKES, type ConsumeOutcome, type ReuseIntervalOf, type StateStore, type StoredPayload } from '../store.js';
import { globEscape, LuaScript, type RedisConnection } from './client.js';

/*
 * Key layout under the tenant's prefix P (oidc-provider's example Redis adapter has the same idea:
 * one key per entry, index keys beside it). Everything of oidc-provider's models is under `P o:`,
 * so a reset clears them without touching the shared state document (redis/shared-state.ts).
 *
 *   P o:<Model>:<id>                hash  p = payload JSON, c = consumed (epoch s), x = expiry (ms, mock's clock), g = grant id
 *   P o:uid:<Model>:<uid>           string → id            (findByUid)
 *   P o:userCode:<Model>:<code>     string → id            (findByUserCode)
 *   P o:grant:<grantId>             set of entry keys       (revokeByGrantId)
 *   P o:family:<grantId>            hash  id, at            (the refresh-token family's previous token)
 *   P o:account:<sub>:grants        set of grant ids        (revokeUser)
 *   P o:account:<sub>:sessions      set of session ids      (sessionsOf, revokeUser)
 *
 * Every key has a Redis TTL (PEXPIRE) of the entry's lifetime, real time, and the entry's expiry on
 * the mock's clock in `x`: an entry whose `x` is past reads as absent, so time travel (the clock's offset
 * is shared, redis/shared-state.ts) expires it on every replica; Redis drops it at its TTL. Index keys
 * live as long as the longest entry they point to. Index entries are not removed when an entry goes;
 * every lookup checks the entry it reaches (still there, same uid, same account).
 */

/** Deletes a grant's entries, its set and its family (`grant`: the grant id; prefix in `P`). */
const REVOKE_GRANT = `
local function revokeGrant(P, grant)
  local set = P .. 'o:grant:' .. grant
  local members = redis.call('SMEMBERS', set)
  for i = 1, #members do redis.call('UNLINK', members[i]) end
  redis.call('UNLINK', set, P .. 'o:family:' .. grant)
end
`;

/** Adds `member` to `set`, and keeps the set at least `ms` longer (0: for ever). */
const ADD_TO = `
local function addTo(set, member, ms)
  local existed = redis.call('EXISTS', set) == 1
  local ttl = -2
  if existed then ttl = redis.call('PTTL', set) end
  redis.call('SADD', set, member)
  if ms == 0 then redis.call('PERSIST', set)
  elseif (not existed) or (ttl >= 0 and ttl < ms) then redis.call('PEXPIRE', set, ms) end
end
`;

/** KEYS: entry, uid index, user-code index, grant set, account's grants, account's sessions ('' when none). ARGV: payload, ms, x, grantId, consumed, id. */
const UPSERT = new LuaScript(`${ADD_TO}
local ms = tonumber(ARGV[2])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'p', ARGV[1])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'x', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'g', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'c', ARGV[5]) end
if ms > 0 then redis.call('PEXPIRE', KEYS[1], ms) end
for i = 2, 3 do
  if KEYS[i] ~= '' then
    if ms > 0 then redis.call('SET', KEYS[i], ARGV[6], 'PX', ms) else redis.call('SET', KEYS[i], ARGV[6]) end
  end
end
if KEYS[4] ~= '' then addTo(KEYS[4], KEYS[1], ms) end
if KEYS[5] ~= '' then addTo(KEYS[5], ARGV[4], ms) end
if KEYS[6] ~= '' then addTo(KEYS[6], ARGV[6], ms) end
return 1
`);

/**
 * The one atomic step of a use: of N racing consumes of one entry exactly one finds it unconsumed.
 * KEYS: entry, family. ARGV: now (ms, mock's clock), now (s), reuse interval (ms), is a refresh token,
 * revokes on reuse, id, P. A refresh token consumed already is still `consumed` when it is the family's
 * previous token within the interval (Auth0's reuse interval, counted from the first rotation); any other
 * use of a consumed entry is `reused`, and for codes and refresh tokens revokes the grant, here, in the same step.
 */
const CONSUME = new LuaScript(`${REVOKE_GRANT}
local x = redis.call('HGET', KEYS[1], 'x')
if redis.call('EXISTS', KEYS[1]) == 0 or (x and tonumber(x) <= tonumber(ARGV[1])) then return 'missing' end
if not redis.call('HGET', KEYS[1], 'c') then
  redis.call('HSET', KEYS[1], 'c', ARGV[2])
  if ARGV[4] == '1' and redis.call('HEXISTS', KEYS[1], 'g') == 1 then
    redis.call('HSET', KEYS[2], 'id', ARGV[6], 'at', ARGV[1])
    local ttl = redis.call('PTTL', KEYS[1])
    if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
  end
  return 'consumed'
end
if ARGV[4] == '1' and tonumber(ARGV[3]) > 0 then
  local previous = redis.call('HMGET', KEYS[2], 'id', 'at')
  if previous[1] == ARGV[6] and tonumber(ARGV[1]) - tonumber(previous[2]) <= tonumber(ARGV[3]) then return 'consumed' end
end
local grant = redis.call('HGET', KEYS[1], 'g')
if ARGV[5] == '1' and grant then revokeGrant(ARGV[7], grant) end
return 'reused'
`);

/** KEYS: none. ARGV: P, grant id. */
const REVOKE = new LuaScript(`${REVOKE_GRANT}
revokeGrant(ARGV[1], ARGV[2])
return 1
`);

/** ARGV: P, sub. Every grant of the user, then their sessions. */
const REVOKE_USER = new LuaScript(`${REVOKE_GRANT}
local base = ARGV[1] .. 'o:account:' .. ARGV[2]
local grants = redis.call('SMEMBERS', base .. ':grants')
for i = 1, #grants do revokeGrant(ARGV[1], grants[i]) end
local sessions = redis.call('SMEMBERS', base .. ':sessions')
for i = 1, #sessions do redis.call('UNLINK', ARGV[1] .. 'o:Session:' .. sessions[i]) end
redis.call('UNLINK', base .. ':grants', base .. ':sessions')
return 1
`);

/**
 * A refresh token and its family's previous token in one round trip. KEYS: entry. ARGV: P.
 * Answers [the entry's hash as HGETALL gives it, [previous id, at] or nil].
 */
const FIND_REFRESH = new LuaScript(`
local grant = redis.call('HGET', KEYS[1], 'g')
local previous = false
if grant then previous = redis.call('HMGET', ARGV[1] .. 'o:family:' .. grant, 'id', 'at') end
return { redis.call('HGETALL', KEYS[1]), previous }
`);

/** The application and family of refresh tokens found lately (they never change): a consume then needs no extra read. */
const KNOWN_REFRESH_TOKENS = 10_000;

/**
 * oidc-provider's models in Redis, shared by every replica on the same prefix: what core/store.ts
 * keeps in memory, with the same answers. Each call is one round trip (a Lua script where
 * several keys change together).
 */
export class RedisStore implements StateStore {
  readonly #o: string;
  readonly #refreshTokens: BoundedMap<string, { clientId: string | undefined; grantId: string | undefined }>;

  constructor(
    private readonly client: RedisConnection,
    private readonly prefix: string,
    private readonly reuseIntervalOf: ReuseIntervalOf,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.#o = `${prefix}o:`;
    this.#refreshTokens = new BoundedMap(KNOWN_REFRESH_TOKENS, clock);
  }

  #entry(name: string, id: string): string {
    return `${this.#o}${name}:${id}`;
  }

  async get(name: string, id: string): Promise<StoredPayload | undefined> {
    return this.#payloadOf(await this.client.hGetAll(this.#entry(name, id)));
  }

  /** An entry's payload from its hash; undefined when absent or past its expiry on the mock's clock. */
  #payloadOf(hash: Record<string, string | undefined>): StoredPayload | undefined {
    if (hash.p === undefined) return undefined;
    if (hash.x !== undefined && Number(hash.x) <= this.clock.now()) return undefined;
    const payload = JSON.parse(hash.p) as StoredPayload;
    if (hash.c !== undefined) payload.consumed = Number(hash.c);
    return payload;
  }

  async upsert(name: string, id: string, payload: StoredPayload, expiresIn: number): Promise<void> {
    const keptFor = expiresIn ? expiresIn + (KEPT_AFTER_EXPIRY[name] ?? 0) : 0;
    const grantId = name === 'Grant' ? (payload.jti ?? id) : payload.grantId;
    const { consumed, ...rest } = payload;
    const o = this.#o;
    const account = payload.accountId === undefined ? undefined : `${o}account:${payload.accountId}`;
    const keys = [
      this.#entry(name, id),
      payload.uid === undefined ? '' : `${o}uid:${name}:${payload.uid}`,
      payload.userCode === undefined ? '' : `${o}userCode:${name}:${payload.userCode}`,
      grantId === undefined ? '' : `${o}grant:${grantId}`,
      account && grantId !== undefined ? `${account}:grants` : '',
      account && name === 'Session' ? `${account}:sessions` : '',
    ];
    const ms = keptFor * 1000;
    await UPSERT.run(this.client, keys, [JSON.stringify(rest), ms, ms ? this.clock.now() + ms : '', grantId ?? '', consumed === undefined ? '' : String(consumed), id]);
  }

  async #byIndex(name: string, index: 'uid' | 'userCode', value: string): Promise<StoredPayload | undefined> {
    const id = await this.client.get(`${this.#o}${index}:${name}:${value}`);
    if (id === null) return undefined;
    const payload = await this.get(name, id);
    return payload?.[index] === value ? payload : undefined;
  }

  findByUid(name: string, uid: string): Promise<StoredPayload | undefined> {
    return this.#byIndex(name, 'uid', uid);
  }

  findByUserCode(name: string, userCode: string): Promise<StoredPayload | undefined> {
    return this.#byIndex(name, 'userCode', userCode);
  }

  async findRefreshToken(id: string): Promise<StoredPayload | undefined> {
    const [flat, family] = (await FIND_REFRESH.run(this.client, [this.#entry('RefreshToken', id)], [this.prefix])) as [string[], Array<string | null> | null];
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
    const payload = this.#payloadOf(hash);
    if (payload) this.#refreshTokens.set(id, { clientId: payload.clientId, grantId: payload.grantId });
    const [previousId, at] = family ?? [];
    return asReusable(id, payload, previousId && at ? { id: previousId, at: Number(at) } : undefined, this.reuseIntervalOf, this.clock.now());
  }

  async consume(name: string, id: string): Promise<ConsumeOutcome> {
    // The reuse interval is the application's: which one (and the family) oidc-provider's find just read; else read it first. The step itself is atomic.
    const known = name === 'RefreshToken' ? this.#refreshTokens.get(id) : undefined;
    const json = name === 'RefreshToken' && !known ? await this.client.hGet(this.#entry(name, id), 'p') : undefined;
    const { clientId, grantId } = known ?? (json ? (JSON.parse(json) as StoredPayload) : {});
    const interval = typeof clientId === 'string' ? this.reuseIntervalOf(clientId) * 1000 : 0;
    const now = this.clock.now();
    const outcome = await CONSUME.run(this.client, [this.#entry(name, id), `${this.#o}family:${grantId ?? ''}`], [now, Math.floor(now / 1000), interval, name === 'RefreshToken' ? 1 : 0, REUSE_REVOKES.has(name) ? 1 : 0, id, this.prefix]);
    return outcome as ConsumeOutcome;
  }

  async destroy(name: string, id: string): Promise<void> {
    await this.client.unlink(this.#entry(name, id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await REVOKE.run(this.client, [], [this.prefix, grantId]);
  }

  async sessionsOf(accountId: string): Promise<StoredPayload[]> {
    const ids = await this.client.sMembers(`${this.#o}account:${accountId}:sessions`);
    const sessions = await Promise.all(ids.map((id) => this.get('Session', id)));
    return sessions.filter((s): s is StoredPayload => s?.accountId === accountId);
  }

  async revokeUser(accountId: string): Promise<void> {
    await REVOKE_USER.run(this.client, [], [this.prefix, accountId]);
  }

  /** The keys of this tenant's entries and indexes, a SCAN batch at a time. */
  async *#keys(): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, keys] = (await this.client.sendCommand(['SCAN', cursor, 'MATCH', `${globEscape(this.#o)}*`, 'COUNT', '1000'])) as [string, string[]];
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }

  /** Removes every entry of this tenant (its prefix), not the shared state document. */
  async clear(): Promise<void> {
    for await (const keys of this.#keys()) await this.client.unlink(keys);
  }

}
