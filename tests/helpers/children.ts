/**
 * Child processes the shared helpers start, killed by tests/setup.ts after each test (`'test'`) or after
 * each file (`'file'`). The helpers register no hooks themselves: vitest runs the files of a worker in
 * one module graph (`isolate: false` in vitest.config.ts), so a hook registered when a helper module is
 * first imported would serve only the first file that imports it; a setup file runs for every file.
 */
import type { ChildProcess } from 'node:child_process';

export type Lifetime = 'test' | 'file';

const children: Record<Lifetime, Set<ChildProcess>> = { test: new Set(), file: new Set() };

/** Kills `proc` (SIGKILL) at the end of the current test or file, unless it has exited by then. */
export function killAtEnd<P extends ChildProcess>(proc: P, lifetime: Lifetime): P {
  children[lifetime].add(proc);
  proc.once('exit', () => children[lifetime].delete(proc));
  return proc;
}

/** Called by tests/setup.ts. */
export function killChildren(lifetime: Lifetime): void {
  for (const proc of children[lifetime]) proc.kill('SIGKILL');
  children[lifetime].clear();
}
