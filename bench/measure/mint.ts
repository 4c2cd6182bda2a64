/**
 * In-process `mintToken`: tokens/s of `idp.mintToken()` (a user's RS256 access token) as a ratio of
 * the raw RS256 sign rate in the same process on the same core (children/mint.ts), one child per round
 * on SERVER_CORE. Close to 1 means minting costs a signature and little else.
 */
import { atLeast, figure, withPeer, type SectionResult } from '../lib/figures.js';
import { fmt } from '../lib/markdown.js';
import { dist } from '../lib/paths.js';
import { profileArgs } from '../lib/profile.js';
import { spawnNode } from '../lib/spawn.js';
import { summarize } from '../lib/stats.js';
import type { BenchConfig } from '../lib/config.js';

interface MintRun {
  signPerSec: number;
  mintPerSec: number;
  ratio: number;
  tokenBytes: number;
}

export async function measureMint(config: BenchConfig): Promise<SectionResult> {
  const runs: MintRun[] = [];
  for (let round = 0; round < config.rounds; round++) {
    const child = spawnNode({ args: [...profileArgs(config, `mint-${round}`), dist('bench/children/mint.js'), String(config.measureSeconds)] });
    try {
      const [line] = await child.waitFor(/^\{.*\}$/m, 30_000 + config.measureSeconds * 1000);
      runs.push(JSON.parse(line) as MintRun);
      // It exits by itself; under --cpu-prof a SIGTERM before that would lose its profile.
      if (config.cpuProfDir && child.process.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5_000).unref() && child.process.once('exit', resolve));
    } finally {
      await child.stop();
    }
  }
  const sign = summarize(runs.map((r) => r.signPerSec)).median;
  return {
    figures: {
      mintRate: withPeer(figure('mintToken in-process: access tokens per CPU-second', 'tokens/s', runs.map((r) => r.mintPerSec)), `raw RS256 sign ${fmt(sign)} per CPU-second`),
      mintRatio: figure('mintToken in-process ÷ raw RS256 sign rate (same process)', '×', runs.map((r) => r.ratio), atLeast(0.9, '×', '≥ 0.9× (~1)')),
      mintOverheadUs: figure('mintToken in-process: cost beyond the signature (1/mint − 1/sign)', 'µs', runs.map((r) => (1 / r.mintPerSec - 1 / r.signPerSec) * 1e6)),
    },
    details: { runs },
  };
}
