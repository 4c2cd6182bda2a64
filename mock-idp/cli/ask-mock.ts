import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mockIdpHome } from '../core/tls/home.js';

/**
 * The fetch to ask a mock with: for an https issuer, one that also trusts the local TEST CA of
 * MOCK_IDP_HOME when there is one (a mock started with --https on this machine), so that
 * `mock-idp token --issuer https://localhost:4000/` needs no NODE_EXTRA_CA_CERTS.
 */
async function fetchFor(issuer: URL): Promise<typeof fetch> {
  if (issuer.protocol !== 'https:') return fetch;
  const ca = await readFile(join(mockIdpHome(), 'ca', 'ca.pem'), 'utf8').catch(() => undefined);
  if (ca === undefined) return fetch;
  return (await import('../tools/headless/trusting-fetch.js')).fetchTrustingCa(ca);
}

/**
 * POSTs a JSON body to a running mock-idp's admin API (`<issuer>_mock/<path>`), or GETs it when
 * `body` is undefined, and returns its JSON answer.
 */
export async function askRunningMock(issuer: URL, path: string, body: unknown, adminToken: string | undefined): Promise<unknown> {
  const base = issuer.href.endsWith('/') ? issuer.href : `${issuer.href}/`;
  const url = new URL(`_mock/${path}`, base).href;
  const send = await fetchFor(issuer);
  let response: Response;
  try {
    const authorization = adminToken !== undefined ? { authorization: `Bearer ${adminToken}` } : {};
    const request: RequestInit =
      body === undefined ? { method: 'GET', headers: authorization } : { method: 'POST', headers: { 'content-type': 'application/json', ...authorization }, body: JSON.stringify(body) };
    response = await send(url, { ...request, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach the mock-idp at ${url} (${cause?.code ?? cause?.message ?? (err as Error).message}): is it running with this issuer?`);
  }
  const text = await response.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (!response.ok) {
    const { error, error_description: description } = (answer ?? {}) as { error?: string; error_description?: string };
    const hint = response.status === 401 ? ' (pass the admin token with --admin-token)' : '';
    throw new Error(`${url} answered ${response.status}${error ? ` ${error}` : ''}: ${description ?? (text.slice(0, 200) || 'no message')}${hint}`);
  }
  if (answer === undefined) throw new Error(`${url} answered ${response.status} without JSON: is this a mock-idp?`);
  return answer;
}
