/**
 * `node dist/bench/children/in-process.js <rounds>`: in a fresh process, the
 * time to import mock-idp (dist/mock-idp/index.js), then `rounds` rounds of
 * startMockIdp({ port: 0 }) → resolved → first 200 on discovery → close().
 * `node dist/bench/children/in-process.js --import-only <specifier>` times the
 * import of one package alone. Prints one JSON line.
 */
import { getStatus } from '../lib/http.js';

const bootMs = performance.now(); // node's own start-up, up to this module running
if (process.argv[2] === '--import-only') {
  const specifier = process.argv[3] ?? 'oidc-provider';
  const t0 = performance.now();
  await import(specifier);
  process.stdout.write(`${JSON.stringify({ bootMs, importMs: performance.now() - t0 })}\n`);
} else {
  const rounds = Number(process.argv[2] ?? 5);
  const t0 = performance.now();
  const { startMockIdp } = await import('../../mock-idp/index.js');
  const importMs = performance.now() - t0;
  const startMs: number[] = [];
  const discoveryMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const idp = await startMockIdp({ port: 0 });
    startMs.push(performance.now() - t);
    const status = await getStatus('127.0.0.1', idp.port, '/.well-known/openid-configuration');
    if (status !== 200) throw new Error(`discovery answered ${status}`);
    discoveryMs.push(performance.now() - t);
    await idp.close();
  }
  process.stdout.write(`${JSON.stringify({ bootMs, importMs, startMs, discoveryMs })}\n`);
}
