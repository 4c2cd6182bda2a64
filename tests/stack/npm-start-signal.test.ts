/** SIGTERM sent to the `npm start` process itself (a process manager, `kill <npm pid>`) stops the whole stack. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FREE_PORTS } from '../helpers/stack-process.js';

/** Every process below `pid` (Linux /proc), so a failing run leaves no stack behind. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid !== parent) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

let leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  leftovers = [];
});

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch {
    return true;
  }
}

describe.runIf(process.platform === 'linux')('npm start and signals', () => {
  it('stops every server when npm itself gets SIGTERM (npm signals only the shell it runs the script in)', { timeout: 60_000 }, async () => {
    const npm = spawn('npm', ['start', '--silent'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...FREE_PORTS } });
    let out = '';
    const ready = await new Promise<boolean>((resolve) => {
      npm.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('Ctrl-C stops them all.')) resolve(true);
      });
      npm.once('exit', () => resolve(false));
    });
    expect(ready, out).toBe(true);
    const idp = /^ {2}mock-idp\s+(http\S+)/m.exec(out.slice(out.indexOf('Local stack:')))?.[1] ?? '';
    expect(await refused(`${idp}.well-known/openid-configuration`)).toBe(false);
    leftovers = descendants(npm.pid ?? 0);

    npm.kill('SIGTERM');
    // The stack notices within a second and then closes gracefully (at most 5 s); wait on the port, not a clock.
    const deadline = Date.now() + 10_000;
    while (!(await refused(`${idp}.well-known/openid-configuration`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await refused(`${idp}.well-known/openid-configuration`)).toBe(true);
  });
});
