/**
 * `node dist/bench/children/mint.js <seconds>`: in one process on one core, `idp.mintToken()` (what a
 * load test of a user's API calls in-process) for a user's RS256 access token, one at a time, against
 * the raw RS256 `crypto.sign` rate (both per CPU-second of this process) of the same key over the same signing input size, alternated
 * (sign, mint, sign, mint) so that both see the same machine. Prints one JSON line.
 */
import { createPrivateKey, sign, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startMockIdp } from '../../mock-idp/index.js';
import { ROOT } from '../lib/paths.js';

const seconds = Number(process.argv[2] ?? 2);
const idp = await startMockIdp({ port: 0 });
const request = { user: 'alice@example.com', audience: 'https://api.example.com' };
const sample = (await idp.mintToken(request)).token;
const { keys } = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'dev-keys.json'), 'utf8')) as { keys: JsonWebKey[] };
const privateKey = createPrivateKey({ key: keys[0] as JsonWebKey, format: 'jwk' });
const data = Buffer.from(sample.slice(0, sample.lastIndexOf('.')));
if (decodeJwt(sample).sub !== 'auth0|65a1f0c2e4b0a1b2c3d4e5f1') throw new Error('bench: mintToken gave an unexpected token');

/** Operations per CPU-second of this process (threads included: WebCrypto signs on libuv's pool), which other work on the core does not move. */
async function rate(op: () => unknown, forMs: number): Promise<number> {
  let ops = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < forMs) {
    await op();
    ops++;
  }
  const cpu = process.cpuUsage(cpu0);
  return ops / ((cpu.user + cpu.system) / 1e6);
}

for (let i = 0; i < 30; i++) {
  sign('sha256', data, privateKey);
  await idp.mintToken(request);
}
const half = (seconds * 1000) / 4;
const signs = [await rate(() => sign('sha256', data, privateKey), half)];
const mints = [await rate(() => idp.mintToken(request), half)];
signs.push(await rate(() => sign('sha256', data, privateKey), half));
mints.push(await rate(() => idp.mintToken(request), half));
await idp.close();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
process.stdout.write(`${JSON.stringify({ signPerSec: mean(signs), mintPerSec: mean(mints), ratio: mean(mints) / mean(signs), tokenBytes: sample.length })}\n`);
