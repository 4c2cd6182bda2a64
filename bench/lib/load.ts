import autocannon from 'autocannon';
import { percentileSorted, round3 } from './stats.js';

export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  /** 2xx responses per second over the measured run. */
  rps: number;
  /** Latency of 2xx responses, ms (from every response time, not autocannon's 1 ms buckets). */
  p50: number;
  p99: number;
  responses: number;
  non2xx: number;
  errors: number;
}

function once(target: LoadTarget, connections: number, seconds: number, latencies?: number[]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: target.method ?? 'GET',
        ...(target.headers ? { headers: target.headers } : {}),
        ...(target.body !== undefined ? { body: target.body } : {}),
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        // autocannon stops at the first sample tick after `duration`: tick every 100 ms, not every second.
        sampleInt: 100,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    if (latencies) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      });
    }
  });
}

/**
 * Warm-up (discarded), then a measured run at the same concurrency. A run too short for any answer to
 * complete (the tiny scale's 0.3 s on a busy machine) is run again, up to three times: a window with no
 * response has no latency to report.
 */
export async function runLoad(target: LoadTarget, connections: number, warmupSeconds: number, seconds: number): Promise<LoadResult> {
  if (warmupSeconds > 0) await once(target, connections, warmupSeconds);
  let latencies: number[] = [];
  let started = performance.now();
  let result = await once(target, connections, seconds, latencies);
  for (let retry = 0; retry < 2 && result['2xx'] === 0 && result.non2xx === 0; retry++) {
    latencies = [];
    started = performance.now();
    result = await once(target, connections, seconds, latencies);
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    connections,
    seconds: round3(elapsed),
    rps: round3(result['2xx'] / elapsed),
    p50: round3(percentileSorted(latencies, 50)),
    p99: round3(percentileSorted(latencies, 99)),
    responses: result['2xx'] + result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
