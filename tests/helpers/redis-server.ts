import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { freePort } from './free-port.js';

/** Debian's redis-server (`apt-get install -y redis-server`); .ci/run installs it. */
export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
export const redisServerAvailable = existsSync(REDIS_SERVER);

if (!redisServerAvailable) {
  const how = `redis-server not found at ${REDIS_SERVER}: install it with "apt-get update && apt-get install -y redis-server" (or set REDIS_SERVER_PATH)`;
  // In CI the Redis tests must run: a missing server is a failure, not a skip.
  if (process.env.CI) throw new Error(how);
  console.warn(`skipping the Redis tests. ${how}`);
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts a throw-away redis-server on a free port (no RDB, no AOF), resolved once it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const proc: ChildProcess = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const ready = await new Promise<boolean>((resolve) => {
      proc.stdout!.on('data', (chunk: Buffer) => {
        out += chunk;
        if (out.includes('Ready to accept connections')) resolve(true);
      });
      proc.once('exit', () => resolve(false));
    });
    if (ready) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: async () => {
          if (proc.exitCode !== null) return;
          proc.kill('SIGTERM');
          await once(proc, 'exit');
        },
      };
    }
    // Another process took the port between freePort() and the bind: try another.
    if (attempt >= 3 || !out.includes('Address already in use')) throw new Error(`redis-server did not start: ${out}`);
  }
}
