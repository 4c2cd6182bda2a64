/**
 * One bounded request to the API under test, on node:http so that a header can
 * be sent twice (fetch merges duplicates) and any size. Never throws: a hang is
 * a `timeout` answer, a reset or refused connection a `dropped` one.
 */
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Answer } from './types.js';

export interface RequestSpec {
  method: string;
  url: string;
  /** Header lines in order; a name given twice is sent twice. */
  headers: Array<[string, string]>;
  body?: string;
  timeoutMs: number;
}

const BODY_LIMIT = 500;

export function send(spec: RequestSpec): Promise<Answer> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of spec.headers) {
    const key = name.toLowerCase();
    const previous = headers[key];
    headers[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [String(previous)]), value];
  }
  if (spec.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = Buffer.byteLength(spec.body);
  }
  const url = new URL(spec.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<Answer>((resolve) => {
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = request(url, { method: spec.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < BODY_LIMIT) chunks.push(chunk);
        size += chunk.length;
      });
      const done = () =>
        settle({
          kind: 'response',
          status: res.statusCode ?? 0,
          wwwAuthenticate: res.headersDistinct['www-authenticate'] ?? [],
          body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT),
          ms: ms(),
        });
      res.on('end', done);
      // a body cut short still carries the status line and headers
      res.on('error', done);
      res.on('aborted', done);
    });
    const timer = setTimeout(() => {
      settle({ kind: 'timeout', ms: ms() });
      req.destroy();
    }, spec.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => settle({ kind: 'dropped', message: err.code ?? err.message, ms: ms() }));
    req.end(spec.body);
  });
}

/** `Bearer eyJhbGciOi…` for reports: tokens are long and may be replayable. */
export function shorten(value: string, keep = 24): string {
  return value.length <= keep + 12 ? value : `${value.slice(0, keep)}…(${value.length} chars)`;
}
