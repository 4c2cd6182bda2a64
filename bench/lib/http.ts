import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sleep } from './stats.js';

/** One GET without keep-alive; resolves with the status (0 on a connection error) when the headers arrive. */
export function getStatus(host: string, port: number, path: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, agent: false, timeout: timeoutMs }, (res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
    req.end();
  });
}

export interface PollResult {
  /** performance.now() when a 200 arrived. */
  at: number;
  attempts: number;
}

/**
 * Polls GET path every `intervalMs` (an attempt starts at most every intervalMs;
 * one at a time) until it answers 200; throws after timeoutMs.
 */
export async function pollUntil200(host: string, port: number, path: string, intervalMs = 2, timeoutMs = 15_000): Promise<PollResult> {
  const start = performance.now();
  let attempts = 0;
  for (;;) {
    const began = performance.now();
    attempts++;
    const status = await getStatus(host, port, path);
    if (status === 200) return { at: performance.now(), attempts };
    if (performance.now() - start > timeoutMs) throw new Error(`bench: ${host}:${port}${path} not 200 within ${timeoutMs} ms (last status ${status})`);
    const wait = intervalMs - (performance.now() - began);
    if (wait > 0) await sleep(wait);
  }
}

/** POSTs a form and returns the parsed JSON body (to mint a token, or to check an endpoint before loading it). */
export async function postForm(url: string, form: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: response.status, json };
}
