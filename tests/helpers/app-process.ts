/**
 * A test app (tests/apps/<name>/) run as a user runs theirs: `node <entry>` from its own folder,
 * configured only by environment values, as a separate process. It prints `Listening on <url>`
 * once it listens; that line gives its URL (port 0 where the app does not need to know its own
 * URL up front).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killAtEnd } from './children.js';
import { freePort } from './free-port.js';

export const APPS_DIR = join(process.cwd(), 'tests', 'apps');

/** The environment a child starts from: the test's, minus NODE_EXTRA_CA_CERTS (a child trusts only what it is given). */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _ignored, ...env } = process.env;
  return { ...env, ...extra };
}

export interface AppProcess {
  proc: ChildProcess;
  /** The URL the app printed (`Listening on <url>`). */
  url: string;
  /** Everything it wrote to stdout and stderr so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node <entry>` in tests/apps/<app> with `env` and waits for its `Listening on <url>` line. */
export async function startAppProcess(app: string, env: Record<string, string>, entry = 'app.js'): Promise<AppProcess> {
  const proc = spawn(process.execPath, [entry], { cwd: join(APPS_DIR, app), stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(env) });
  killAtEnd(proc, 'file');
  let out = '';
  proc.stderr.on('data', (d: Buffer) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      const listening = /Listening on (http\S+)/.exec(out);
      if (listening) resolve(listening[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`${app} exited with ${code} before listening:\n${out}`)));
  });
  return {
    proc,
    url,
    output: () => out,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await once(proc, 'exit');
    },
  };
}

/**
 * For an app that must know its own URL before it starts (its BASE_URL or callback URL, registered
 * in the tenant as in Auth0's dashboard): a free port, tried again with another if it was taken
 * between the check and the app's listen.
 */
export async function startAppOnFreePort(app: string, env: (port: number) => Record<string, string> | Promise<Record<string, string>>, entry = 'app.js'): Promise<AppProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startAppProcess(app, { ...(await env(port)), PORT: String(port) }, entry);
    } catch (error) {
      if (attempt === 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

/** Runs a one-shot script of tests/apps/<app> (`node <entry>` from its folder) to its end. */
export async function runAppScript(app: string, entry: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [entry], { cwd: join(APPS_DIR, app), stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(env) });
  killAtEnd(proc, 'file');
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d));
  proc.stderr.on('data', (d: Buffer) => (stderr += d));
  const [code] = (await once(proc, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** An app's package.json, as `npm install` in its folder would read it. */
export function appManifest(app: string): { name: string; private?: boolean; dependencies: Record<string, string> } {
  return JSON.parse(readFileSync(join(APPS_DIR, app, 'package.json'), 'utf8'));
}
