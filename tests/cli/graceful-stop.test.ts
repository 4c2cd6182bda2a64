/**
 * Stopping lets the requests in flight finish (issue 19): SIGTERM / SIGINT on `mock-idp start`, and
 * idp.close(), stop accepting connections, answer every request already received, close kept-alive
 * connections as soon as they are idle, and cut what is left after a bound (5 s).
 *
 * "In flight" is made certain, not left to timing: each request sends its headers and half of its body
 * before the signal, and the rest after it, so the mock cannot have answered it yet.
 */
import { once } from 'node:events';
import { Agent, request, type ClientRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startMockIdp } from '../../mock-idp/index.js';
import { startCli } from '../helpers/cli.js';

interface Held {
  /** Sends the rest of the body. */
  finish(): void;
  answer: Promise<{ status: number; body: string; at: number }>;
}

/**
 * A POST to the admin API whose body is held half-way: resolves once its connection is open and the
 * first half is written; `finish()` sends the rest. Kept-alive connections (the agent), as a browser's.
 */
async function heldPost(port: number, path: string, body: string, agent: Agent): Promise<Held> {
  const half = Math.floor(body.length / 2);
  let req!: ClientRequest;
  const answer = new Promise<{ status: number; body: string; at: number }>((resolve, reject) => {
    req = request({ host: '127.0.0.1', port, method: 'POST', path, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, at: Date.now() }));
    });
    req.on('error', reject);
  });
  // `Expect: 100-continue`: Node's server answers 100 Continue when it has received the request and
  // handed it to the app, so once it arrives the request is certainly in flight (no waiting on a clock).
  req.flushHeaders();
  await once(req, 'continue');
  req.write(body.slice(0, half));
  return { finish: () => req.end(body.slice(half)), answer };
}

/** Ten requests held in flight: five key rotations (each generates an RSA key) and five token mints. */
async function tenHeld(port: number, agent: Agent): Promise<Held[]> {
  const mint = JSON.stringify({ user: 'alice@example.com', audience: 'https://api.example.com' });
  return Promise.all([
    ...Array.from({ length: 5 }, () => heldPost(port, '/_mock/keys/rotate', '{ }', agent)),
    ...Array.from({ length: 5 }, () => heldPost(port, '/_mock/tokens', mint, agent)),
  ]);
}

describe('stopping with requests in flight', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`answers all 10 requests in flight at ${signal}, accepts no new connection meanwhile, and exits 0`, async () => {
      const { proc, port, output } = await startCli(['--port', '0']);
      const agent = new Agent({ keepAlive: true, maxSockets: 20 });
      try {
        const held = await tenHeld(port, agent);
        const exited = once(proc, 'exit') as Promise<[number | null, string | null]>;
        proc.kill(signal);
        while (!output().includes('stopping')) await sleep(10);

        // Stopped accepting: a new connection is refused while the ten are still open.
        await expect(fetch(`http://127.0.0.1:${port}/_mock/health`)).rejects.toThrow();

        for (const h of held) h.finish();
        const answers = await Promise.all(held.map((h) => h.answer));
        expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
        expect(answers.slice(5).every((a) => (JSON.parse(a.body) as { token?: string }).token)).toBe(true);

        const [code] = await exited;
        expect(code).toBe(0);
        // The kept-alive connections were closed once idle, not left to the 5 s cut.
        expect(Date.now() - Math.max(...answers.map((a) => a.at))).toBeLessThan(4_000);
        expect(output()).toContain('mock-idp stopped');
      } finally {
        agent.destroy();
      }
    });
  }
});

describe('idp.close()', () => {
  it('answers the requests in flight before it resolves, on kept-alive connections', async () => {
    const idp = await startMockIdp({ port: 0 });
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    try {
      const held = await tenHeld(idp.port, agent);
      let closed = false;
      const closing = idp.close().then(() => {
        closed = true;
      });
      await sleep(50);
      expect(closed).toBe(false);
      for (const h of held) h.finish();
      expect((await Promise.all(held.map((h) => h.answer))).map((a) => a.status)).toEqual(Array(10).fill(200));
      const started = Date.now();
      await closing;
      // At once: each kept-alive connection closes when its answer is sent (left alone it idles on for seconds).
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      agent.destroy();
    }
  });

  it('cuts a request that never completes after the 5 s bound, and resolves', async () => {
    const idp = await startMockIdp({ port: 0 });
    const agent = new Agent({ keepAlive: true });
    try {
      const stuck = await heldPost(idp.port, '/_mock/keys/rotate', '{ }', agent);
      const outcome = stuck.answer.then(() => 'answered', () => 'cut');
      const started = Date.now();
      await idp.close();
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(4_900);
      expect(took).toBeLessThan(7_000);
      expect(await outcome).toBe('cut');
    } finally {
      agent.destroy();
    }
  }, 15_000);
});
