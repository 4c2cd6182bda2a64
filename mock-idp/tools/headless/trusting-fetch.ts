import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';

/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * A `fetch` that trusts `ca` (PEM, e.g. a mock's `idp.ca.certPem`) on top of the system roots,
 * for this process only. Node reads NODE_EXTRA_CA_CERTS once, at process start, and its global
 * fetch takes no CA, so a process that starts an HTTPS mock in itself (a test, the local stack)
 * uses this where an SDK takes a custom fetch (express-openid-connect's `customFetch`, the
 * headless browser). Built on node:https; `redirect: 'follow'` follows up to 20 redirects,
 * `manual` returns them; `error` refuses them.
 */
export function fetchTrustingCa(ca: string | readonly string[]): typeof fetch {
  // `ca` replaces Node's roots for a connection: keep them.
  const agent = new Agent({ ca: [...rootCertificates, ...(typeof ca === 'string' ? [ca] : ca)] });
  const trusting = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let request = new Request(input, init);
    let body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    for (let hops = 0; ; hops++) {
      const response = await send(request, body, agent);
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null || request.redirect === 'manual') return response;
      await response.body?.cancel();
      if (request.redirect === 'error') throw new TypeError('fetch failed', { cause: new Error(`redirect to ${location} refused (redirect: 'error')`) });
      if (hops === 20) throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
      // As fetch does: 303, and 301/302 after a POST, become a GET without a body.
      const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && request.method === 'POST');
      const headers = new Headers(request.headers);
      if (toGet) for (const name of ['content-type', 'content-length']) headers.delete(name);
      request = new Request(new URL(location, response.url), { method: toGet ? 'GET' : request.method, headers, redirect: request.redirect, signal: request.signal });
      if (toGet) body = undefined;
    }
  };
  return trusting as typeof fetch;
}

function send(request: Request, body: Buffer | undefined, agent: Agent): Promise<Response> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (body) headers['content-length'] = String(body.length);
  const options: RequestOptions = { method: request.method, headers, signal: request.signal };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 502;
      const responseHeaders = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
      const noBody = NULL_BODY.has(status) || request.method === 'HEAD';
      if (noBody) res.resume();
      const response = new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage ?? '', headers: responseHeaders });
      // A constructed Response has no URL; fetch's has the one it answered for.
      Object.defineProperty(response, 'url', { value: url.href });
      resolve(response);
    };
    const req = url.protocol === 'https:' ? httpsRequest(url, { ...options, agent }, onResponse) : httpRequest(url, options, onResponse);
    // fetch's own way of failing: a TypeError with the network error as its cause.
    req.on('error', (error) => reject(request.signal.aborted ? request.signal.reason : new TypeError('fetch failed', { cause: error })));
    req.end(body);
  });
}
