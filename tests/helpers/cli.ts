/** The built CLI (dist/bin/mock-idp.mjs, built by `pretest`) run as a shell script or CI job runs it. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { killAtEnd } from './children.js';

export const CLI = join(process.cwd(), 'dist', 'bin', 'mock-idp.mjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

export interface RunningCli {
  proc: ChildProcess;
  /** The issuer it printed. */
  issuer: string;
  /** The port it listens on (its `listening 127.0.0.1:<port>` line, else the issuer's). */
  port: number;
  /** What it printed up to "Ready.". */
  out: string;
  /** Everything it printed so far. */
  output(): string;
}

/** `mock-idp start <args>` as a child process with `env`, resolved once it prints "Ready." (killed after the test). */
export async function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunningCli> {
  // Killed after the test, also when the test fails before stopping it.
  const proc = killAtEnd(spawn(process.execPath, [CLI, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env }), 'test');
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('Ready.')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`mock-idp start exited with ${code}: ${out}`)));
  });
  const issuer = /issuer\s+(\S+)/.exec(out)?.[1];
  if (!issuer) throw new Error(`no issuer printed: ${out}`);
  const port = Number(/listening\s+127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? new URL(issuer).port);
  return { proc, issuer, port, out, output: () => out };
}
