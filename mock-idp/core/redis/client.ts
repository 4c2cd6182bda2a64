import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { MockIdpError } from '../errors.js';

/** `connected()`: whether the first connection succeeded; before it, a failure is final (the start is refused), after it node-redis retries. */
function redisClient(url: string, connected: () => boolean) {
  return createClient({ url, socket: { connectTimeout: 5_000, reconnectStrategy: (retries, cause) => (connected() ? Math.min(retries * 100, 2_000) : cause) } });
}

/** A connected node-redis client (the `redis` package). */
export type RedisConnection = ReturnType<typeof redisClient>;

/** Redis cannot be reached, or answered something the mock cannot use. */
export class RedisStateError extends MockIdpError {
  declare readonly code: 'ERR_REDIS';
  constructor(message: string) {
    super('ERR_REDIS', message);
  }
}

/**
 * Connects to `url` (`redis://HOST:PORT`, `rediss://` for TLS, credentials and `/DB` as node-redis takes them).
 * A server that does not answer within a few seconds is RedisStateError, not a hang; once connected,
 * node-redis reconnects by itself and a dropped connection is logged.
 */
export async function connectRedis(url: string): Promise<RedisConnection> {
  if (!/^rediss?:\/\//.test(url)) throw new RedisStateError(`redis: expected a redis://HOST:PORT URL, got ${JSON.stringify(url)}`);
  let connected = false;
  const client = redisClient(url, () => connected);
  let reported = false;
  client.on('error', (err: Error) => {
    if (!reported && connected) console.error(`mock-idp: redis ${url}: ${err.message}`);
    reported = true;
  });
  client.on('ready', () => {
    reported = false;
  });
  try {
    await Promise.race([client.connect(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5_000).unref())]);
    connected = true;
  } catch (err) {
    if (client.isOpen) client.destroy();
    throw new RedisStateError(`cannot connect to redis at ${url}: ${(err as Error).message}`);
  }
  return client;
}

/** A Lua script run by its SHA1 (EVALSHA), loaded on first use (NOSCRIPT) and again after a server restart. */
export class LuaScript {
  readonly #sha: string;
  constructor(readonly source: string) {
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisConnection, keys: string[], args: Array<string | number>): Promise<unknown> {
    const options = { keys, arguments: args.map(String) };
    try {
      return await client.evalSha(this.#sha, options);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return client.eval(this.source, options);
    }
  }
}

/** `prefix` with Redis's glob characters escaped, for SCAN MATCH. */
export function globEscape(prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** The key prefix of a tenant on a shared redis-server when none is given: its issuer's. */
export function defaultRedisPrefix(issuer: string): string {
  return `mock-idp:${issuer}:`;
}
