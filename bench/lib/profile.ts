/**
 * `--cpu-prof DIR` (BENCH_CPU_PROF): the measured children run under `node --cpu-prof` (mock-idp from its
 * unbundled dist/mock-idp/cli/main.js, so that frames name their package and folder), each writing
 * DIR/<name>.cpuprofile when it stops; the bench then summarises each one: the samples' self time by
 * component (an npm package, a mock-idp layer such as `mock-idp/oidc`, node's internals, the
 * native/GC/idle buckets) and by function. Start-up is left out (samples before the first
 * `skipMs`, default 1.5 s).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  /** Sampled ms after the skipped start-up. */
  totalMs: number;
  /** [component, ms, share] by self time, largest first. */
  components: Array<[string, number, number]>;
  /** The same with node's internals and native frames (crypto, sockets, GC excepted) charged to the nearest caller that is a package or mock-idp's own code: what each component makes the process do. */
  charged: Array<[string, number, number]>;
  /** [function at file:line, ms, share] by self time, largest first. */
  functions: Array<[string, number, number]>;
}

/** node flags that make a child write `<dir>/<name>.cpuprofile` on exit, when the bench profiles. */
export const profileArgs = (config: Pick<BenchConfig, 'cpuProfDir'>, name: string): string[] =>
  config.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', config.cpuProfDir, '--cpu-prof-name', `${name}.cpuprofile`] : [];

/** Where a frame's code lives: an npm package, a folder of this repository, node's internals, or a V8 bucket. */
export function componentOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return `(${functionName.replace(/^\((.*)\)$/, '$1') || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const own = /dist\/((?:mock-idp\/[\w-]+)|sample-app|sample-api|bench|bin)/.exec(url);
  return own?.[1] ?? url;
}

const top = (map: Map<string, number>, total: number, n: number): Array<[string, number, number]> =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, ms]) => [k, Math.round(ms), Math.round((ms / total) * 1000) / 1000]);

export function summarizeProfile(file: string, skipMs = 1_500, n = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of (node as { children?: number[] }).children ?? []) parentOf.set(child, node.id);
  const isOwned = (frame: CallFrame) => frame.url !== '' && !frame.url.startsWith('node:');
  /** The component a sample is charged to: its own frame's, or the nearest owned caller's; idle, GC and the program bucket stay apart. */
  const chargedTo = (id: number): string => {
    const leaf = byId.get(id)?.callFrame;
    if (!leaf || ['(idle)', '(garbage collector)', '(program)'].includes(leaf.functionName)) return leaf ? componentOf(leaf) : '(unknown)';
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && isOwned(frame)) return componentOf(frame);
    }
    return componentOf(leaf);
  };
  const components = new Map<string, number>();
  const charged = new Map<string, number>();
  const functions = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    const frame = byId.get(id)?.callFrame;
    if (!frame || t - profile.startTime < skipMs * 1000) return;
    const ms = delta / 1000;
    total += ms;
    const component = componentOf(frame);
    components.set(component, (components.get(component) ?? 0) + ms);
    const owner = chargedTo(id);
    charged.set(owner, (charged.get(owner) ?? 0) + ms);
    const where = frame.url ? ` ${frame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, '')}:${frame.lineNumber + 1}` : '';
    const fn = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  });
  return { file, totalMs: Math.round(total), components: top(components, total, n), charged: top(charged, total, n), functions: top(functions, total, n) };
}

/** The profiles this run wrote into `dir` (written since `sinceMs`, epoch ms: not those an earlier run left there), summarised. */
export function summarizeProfiles(dir: string, sinceMs = 0): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && statSync(join(dir, f)).mtimeMs >= sinceMs)
    .sort()
    .map((f) => summarizeProfile(join(dir, f)));
}

/** A short markdown section per profile: the top components and functions by self time. */
export function profilesMarkdown(summaries: readonly ProfileSummary[]): string {
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  return summaries
    .map((s) => [
      `### ${s.file.replace(/.*\//, '')} (${s.totalMs} ms sampled after start-up)`,
      '| component (self) | ms | share | component (node internals charged to their caller) | ms | share |',
      '| --- | ---: | ---: | --- | ---: | ---: |',
      ...s.components.slice(0, 10).map(([k, ms, share], i) => {
        const [c = '', cms = '', cshare] = s.charged[i] ?? [];
        return `| ${k} | ${ms} | ${pct(share)} | ${c} | ${cms} | ${cshare === undefined ? '' : pct(cshare)} |`;
      }),
      '',
      '| function (self) | ms | share |',
      '| --- | ---: | ---: |',
      ...s.functions.slice(0, 10).map(([k, ms, share]) => `| \`${k.replace(/\|/g, '\\|')}\` | ${ms} | ${pct(share)} |`),
    ].join('\n'))
    .join('\n\n');
}
