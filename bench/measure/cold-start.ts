/**
 * 1. Cold start: process spawn → first 200 on discovery, polled every 2 ms
 * from the bench process. mock-idp's CLI against oauth2-mock-server and a
 * plain `node -e` http server (the floor), interleaved round by round.
 */
import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import { atMost, figure, withPeer, type SectionResult } from '../lib/figures.js';
import { fmt } from '../lib/markdown.js';
import { summarize } from '../lib/stats.js';
import { pollUntil200 } from '../lib/http.js';
import { dist } from '../lib/paths.js';
import { freePort, spawnNode } from '../lib/spawn.js';
import type { BenchConfig } from '../lib/config.js';

const DISCOVERY = '/.well-known/openid-configuration';
const FLOOR = "require('node:http').createServer((q, s) => s.end('{}')).listen(Number(process.argv[1]), 'localhost')";

interface Target {
  name: string;
  args: (port: number) => string[];
}

const targets = (): Target[] => [
  { name: 'mockIdp', args: (port) => [dist('bin/mock-idp.mjs'), 'start', '--port', String(port)] },
  { name: 'oauth2MockServer', args: (port) => [dist('bench/children/oauth2-mock-server.js'), String(port)] },
  { name: 'nodeHttp', args: (port) => ['-e', FLOOR, String(port)] },
];

/** One spawn → 200, in ms. The child may use every core (the poller is light). */
async function coldStart(target: Target, host: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnNode({ args: target.args(port), pin: 'all' });
  try {
    const { at } = await pollUntil200(host, port, DISCOVERY, 2, 15_000);
    return at - t0;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${child.output()}`);
  } finally {
    await child.stop();
  }
}

export async function measureColdStart(config: BenchConfig): Promise<SectionResult> {
  const list = targets();
  // The servers listen on `localhost`: poll the address it resolves to, looked up once (not on every poll).
  const { address: host } = await lookup('localhost');
  const times: Record<string, number[]> = Object.fromEntries(list.map((t) => [t.name, []]));
  for (let i = 0; i < config.repeats; i++) {
    for (const target of list) times[target.name]?.push(await coldStart(target, host));
  }
  const ms = (name: string) => times[name] ?? [];
  const overFloor = ms('mockIdp').map((v, i) => v - (ms('nodeHttp')[i] ?? Number.NaN));
  const ratio = ms('mockIdp').map((v, i) => v / (ms('oauth2MockServer')[i] ?? Number.NaN));
  const peer = `oauth2-mock-server ${fmt(summarize(ms('oauth2MockServer')).median)} ms, floor ${fmt(summarize(ms('nodeHttp')).median)} ms`;
  return {
    figures: {
      mockIdp: withPeer(figure('Cold start: mock-idp CLI, spawn → 200 discovery', 'ms', ms('mockIdp'), atMost(150, 'ms')), peer),
      ratioToOauth2: withPeer(figure('Cold start: mock-idp ÷ oauth2-mock-server (same round)', '×', ratio, atMost(0.6, '×', '≤ 0.6×')), peer),
      oauth2MockServer: figure('Cold start: oauth2-mock-server 8 (generates RS256 key)', 'ms', ms('oauth2MockServer')),
      nodeHttp: figure('Cold start: plain node -e http server (floor)', 'ms', ms('nodeHttp')),
      mockIdpOverFloor: figure('Cold start: mock-idp minus floor (same round)', 'ms', overFloor),
    },
    details: { times, pollIntervalMs: 2, polledAddress: host, childCores: 'all' },
  };
}
