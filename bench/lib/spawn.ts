import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Core the measured servers run on; the bench (load generator, poller) runs on core 0. */
export const SERVER_CORE = 1;

/** The cores this process may use, as taskset lists them ("0,1", "0-3"), or undefined without taskset. */
function ownCores(): string | undefined {
  const out = spawnSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' });
  return out.status === 0 ? /:\s*(\S+)\s*$/.exec(out.stdout)?.[1] : undefined;
}

const expand = (list: string): number[] =>
  list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a ?? Number.NaN] : Array.from({ length: b - (a ?? b) + 1 }, (_, i) => (a ?? b) + i);
  });

let cached: { all: string; pinnable: boolean } | undefined;
/**
 * The machine's cores as the bench started (BENCH_ALL_CORES, set before the
 * bench re-executes itself on core 0, which its children inherit) and whether
 * servers can be pinned apart from it: taskset works and core 0 and SERVER_CORE are both usable.
 */
export function cores(): { all: string; pinnable: boolean } {
  if (!cached) {
    const all = process.env.BENCH_ALL_CORES ?? ownCores();
    const list = all ? expand(all) : [];
    cached = { all: all ?? 'inherited', pinnable: list.includes(0) && list.includes(SERVER_CORE) };
  }
  return cached;
}

let pinning = true;
/** Whether servers are pinned (when the machine allows it); the tiny scale turns it off (bench/run.ts). */
export function setPinning(enabled: boolean): void {
  pinning = enabled;
}

export const canPin = (): boolean => pinning && cores().pinnable;

/** A free TCP port on loopback (bound once and released; the race with another process is accepted). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ChildOptions {
  /** Arguments to node (script and its arguments). */
  args: string[];
  env?: Record<string, string>;
  /**
   * `server` (default): pinned to SERVER_CORE with taskset, when available.
   * `all`: every core (undoes the bench process's own pinning to core 0, which children inherit).
   * `none`: as inherited.
   */
  pin?: 'server' | 'all' | 'none';
}

export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` in its output; rejects if it exits or after timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after 3 s; resolves when it has exited. */
  stop(): Promise<void>;
  /** The cores it may run on, as given to taskset, or `inherited`. */
  readonly cores: string;
}

/**
 * Spawns `node <args>`, under `taskset -c <cores>` (taskset execs node, so the
 * pid is node's). Exit is observed; output is kept for diagnostics.
 */
export function spawnNode(options: ChildOptions): Child {
  const pin = options.pin ?? 'server';
  const allowed = pin === 'none' || !canPin() ? 'inherited' : pin === 'server' ? String(SERVER_CORE) : cores().all;
  const [command, args] = allowed === 'inherited' ? [process.execPath, options.args] : ['taskset', ['-c', allowed, process.execPath, ...options.args]];
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  let exited = false;
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<void>((resolve) => {
    const onExit = () => {
      exited = true;
      for (const l of listeners) l();
      resolve();
    };
    child.once('exit', onExit);
    child.once('error', (err) => {
      text += `\nbench: cannot spawn ${command}: ${err.message}\n`;
      onExit();
    });
  });
  const pid = child.pid ?? -1;

  return {
    pid,
    process: child,
    cores: allowed,
    output: () => text,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) return done(() => resolve(match));
          if (exited) return done(() => reject(new Error(`bench: child exited before printing ${pattern}:\n${text}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`bench: no ${pattern} within ${timeoutMs} ms:\n${text}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Stops every child, ignoring errors (for finally blocks). */
export async function stopAll(children: Array<Child | undefined>): Promise<void> {
  await Promise.all(children.map((c) => c?.stop().catch(() => undefined)));
}
