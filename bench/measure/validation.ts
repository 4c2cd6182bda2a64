/**
 * 4. Validation overhead: sample-api (on SERVER_CORE) GET /orders with a
 * valid token minted by a running mock-idp, against GET /public/orders (the
 * same route without auth) in the same process, interleaved round by round.
 */
import { atLeast, figure, type SectionResult } from '../lib/figures.js';
import { postForm } from '../lib/http.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { dist } from '../lib/paths.js';
import { profileArgs } from '../lib/profile.js';
import { cpuMeter } from '../lib/proc.js';
import { spawnNode, stopAll, type Child } from '../lib/spawn.js';
import type { BenchConfig } from '../lib/config.js';
import { M2M_FORM, startMockIdpChild } from './issuance.js';

interface Run extends LoadResult {
  route: 'public' | 'validated';
  round: number;
  serverCpu: number;
}

export async function measureValidation(config: BenchConfig): Promise<SectionResult> {
  let idp: Child | undefined;
  let api: Child | undefined;
  try {
    const started = await startMockIdpChild();
    idp = started.child;
    const { json } = await postForm(`${started.base}/oauth/token`, M2M_FORM);
    const token = json.access_token;
    if (typeof token !== 'string') throw new Error(`bench: no access token from mock-idp: ${JSON.stringify(json)}`);

    api = spawnNode({ args: [...profileArgs(config, 'validation-sample-api'), dist('sample-api/main.js')], env: { PORT: '0', ISSUER_BASE_URL: `${started.base.replace('127.0.0.1', 'localhost')}/` } });
    const [, apiUrl] = await api.waitFor(/listening on (http:\/\/\S+)/);
    const routes = {
      public: { url: `${apiUrl}/public/orders` },
      validated: { url: `${apiUrl}/orders`, headers: { authorization: `Bearer ${token}` } },
    };
    for (const [name, target] of Object.entries(routes)) {
      const response = await fetch(target.url, { headers: 'headers' in target ? target.headers : {} });
      if (response.status !== 200) throw new Error(`bench: sample-api ${name} route answered ${response.status}: ${await response.text()}`);
    }

    const connections = Math.max(...config.connections);
    const runs: Run[] = [];
    for (let round = 0; round < config.rounds; round++) {
      for (const route of ['public', 'validated'] as const) {
        const cpu = cpuMeter(api.pid);
        const result = await runLoad(routes[route], connections, config.warmupSeconds, config.measureSeconds);
        runs.push({ ...result, route, round, serverCpu: cpu() });
      }
    }
    const of = (route: Run['route']) => runs.filter((r) => r.route === route);
    const ratios = of('validated').map((r, i) => r.rps / (of('public')[i]?.rps ?? Number.NaN));
    return {
      figures: {
        publicRps: figure(`Validation: sample-api GET /public/orders (no auth), ${connections} conn`, 'req/s', of('public').map((r) => r.rps)),
        validatedRps: figure(`Validation: sample-api GET /orders (RS256 token), ${connections} conn`, 'req/s', of('validated').map((r) => r.rps)),
        validatedP99: figure(`Validation: sample-api GET /orders p99, ${connections} conn`, 'ms', of('validated').map((r) => r.p99)),
        ratio: figure('Validation: validated ÷ no-auth throughput', '×', ratios, atLeast(0.55, '×', '≥ 0.55×')),
        perRequestCostUs: figure('Validation: added cost per request (1/validated − 1/public)', 'µs', of('validated').map((r, i) => (1 / r.rps - 1 / (of('public')[i]?.rps ?? Number.NaN)) * 1e6)),
      },
      details: { runs, connections, apiCores: api.cores },
    };
  } finally {
    await stopAll([api, idp]);
  }
}
