import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const MiB = 1024 * 1024;

/** VmRSS of a process in MiB from /proc/<pid>/status; NaN when unreadable (not Linux, or it exited). */
export function readRssMiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? (Number(match[1]) * 1024) / MiB : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** utime + stime of a process in seconds from /proc/<pid>/stat (clock ticks assumed 100/s, Linux's USER_HZ). */
export function readCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Measures the CPU a process used over an interval, as a share of one core (1 = one core busy). */
export function cpuMeter(pid: number): () => number {
  const cpu0 = readCpuSeconds(pid);
  const t0 = performance.now();
  return () => (readCpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000);
}

/** CPU of this process (all threads) over an interval, as a share of one core. */
export function selfCpuMeter(): () => number {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const d = process.cpuUsage(cpu0);
    return (d.user + d.system) / 1000 / (performance.now() - t0);
  };
}

export interface RssSample {
  /** ms since the sampler started. */
  t: number;
  mib: number;
}

/** Samples a process's RSS every intervalMs (100 ms by default) until stopped. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly t0 = performance.now();

  constructor(private readonly pid: number, intervalMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const mib = readRssMiB(this.pid);
    if (!Number.isNaN(mib)) this.samples.push({ t: performance.now() - this.t0, mib });
  }

  /** ms since the sampler started, to mark phases. */
  now(): number {
    return performance.now() - this.t0;
  }

  /** Samples taken in [from, to) (ms since start). */
  between(from: number, to: number): number[] {
    return this.samples.filter((s) => s.t >= from && s.t < to).map((s) => s.mib);
  }

  /** The newest sample, taken now. */
  current(): number {
    this.sample();
    return this.samples[this.samples.length - 1]?.mib ?? Number.NaN;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
