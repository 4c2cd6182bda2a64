/**
 * `node --expose-gc dist/bench/children/refresh-tokens.js <count>`: what stored refresh tokens cost.
 * In one process: a mock, one real headless login (offline_access) whose refresh token and grant are
 * the model; then `count` copies of that pair (each token with its own grant, as each login leaves
 * them) loaded through `idp.importState()`, the public way state gets in. Reports the JS heap after a
 * full GC and the RSS before and after, the cost per token, and how long a refresh exchange and a
 * sweep take with them stored. Prints one JSON line.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { startMockIdp, type StateSnapshot } from '../../mock-idp/index.js';

const MiB = 1024 * 1024;
const count = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const heap = () => {
  gc();
  gc();
  return { heap: process.memoryUsage().heapUsed / MiB, rss: process.memoryUsage().rss / MiB };
};

const idp = await startMockIdp({ port: 0 });
const first = await idp.loginForTokens({ user: 'alice@example.com', audience: 'https://api.example.com' });
if (!first.refresh_token) throw new Error('bench: the login gave no refresh token');
const snapshot: StateSnapshot = idp.exportState();
const token = snapshot.store.entries.find(([model]) => model === 'RefreshToken');
const grant = snapshot.store.entries.find(([model, id]) => model === 'Grant' && id === token?.[2].grantId);
if (!token || !grant) throw new Error('bench: no refresh token and grant in the exported state');
const before = heap();
const id = () => randomBytes(32).toString('base64url');
const copies: StateSnapshot['store']['entries'] = [];
for (let i = 0; i < count; i++) {
  const grantId = id();
  const jti = id();
  copies.push(['Grant', grantId, { ...grant[2], jti: grantId }, grant[3]], ['RefreshToken', jti, { ...token[2], grantId, jti }, token[3]]);
}
idp.importState({ ...snapshot, store: { ...snapshot.store, entries: [...snapshot.store.entries, ...copies] } });
copies.length = 0;
const after = heap();
const stored = idp.exportState().store.entries.filter(([model]) => model === 'RefreshToken').length;
const t0 = performance.now();
// A new connection: the login's keep-alive socket may have timed out on the server while the state loaded.
const response = await new Promise<{ status: number }>((resolve, reject) => {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '', client_id: 'sample-app', client_secret: 'sample-app-secret' }).toString();
  const req = request(`${idp.issuer}oauth/token`, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
    res.resume();
    res.once('end', () => resolve({ status: res.statusCode ?? 0 }));
  });
  req.once('error', reject);
  req.end(body);
});
const refreshMs = performance.now() - t0;
await idp.close();
process.stdout.write(
  `${JSON.stringify({
    count,
    stored,
    refreshStatus: response.status,
    refreshMs,
    heapBeforeMiB: before.heap,
    heapAfterMiB: after.heap,
    rssBeforeMiB: before.rss,
    rssAfterMiB: after.rss,
    bytesPerToken: ((after.heap - before.heap) * MiB) / count,
  })}\n`,
);
