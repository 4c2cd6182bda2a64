/**
 * `node dist/bench/children/sign-rate.js <seconds>`: RS256 signatures per
 * second (of wall clock, and of this process's CPU) with node:crypto on this (pinned) core, with mock-idp's own 2048-bit
 * development key and a JWT-sized signing input. Prints one JSON line.
 */
import { createPrivateKey, sign, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/paths.js';

const seconds = Number(process.argv[2] ?? 2);
const { keys } = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'dev-keys.json'), 'utf8')) as { keys: JsonWebKey[] };
const privateKey = createPrivateKey({ key: keys[0] as JsonWebKey, format: 'jwk' });
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const data = Buffer.from(`${b64({ alg: 'RS256', typ: 'at+jwt', kid: 'bench' })}.${b64({
  iss: 'http://localhost:4000/', sub: 'orders-worker@clients', aud: 'https://api.example.com', azp: 'orders-worker',
  scope: 'read:orders', permissions: ['read:orders'], gty: 'client-credentials', iat: 1700000000, exp: 1700086400, jti: 'x'.repeat(43),
})}`);

for (let i = 0; i < 50; i++) sign('sha256', data, privateKey); // warm-up
let ops = 0;
const cpu0 = process.cpuUsage();
const start = performance.now();
const end = start + seconds * 1000;
while (performance.now() < end) {
  for (let i = 0; i < 8; i++) sign('sha256', data, privateKey);
  ops += 8;
}
const elapsed = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
// Per CPU-second too: on a shared core the wall-clock rate drops when others run, the CPU cost per signature does not.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ opsPerSec: ops / elapsed, opsPerCpuSec: ops / cpuSeconds, ops, seconds: elapsed, modulusBits: Buffer.from(keys[0]?.n ?? '', 'base64url').length * 8 })}\n`);
