/** A raw HTTP client for the fuzz suite: node:http, so Host and odd headers go out as given. */
import { request as httpRequest } from 'node:http';

export type HeaderValue = string | string[];

export interface RawRequest {
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  path: string;
  headers: Record<string, HeaderValue>;
  body?: Buffer | undefined;
  /** `chunked` sends the body without a Content-Length. */
  framing?: 'length' | 'chunked';
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Up to the first 2 KiB of the body. */
  preview: string;
  bytes: number;
  ms: number;
}

export class NoAnswer extends Error {
  constructor(readonly reason: 'timeout' | 'closed', message: string, readonly ms: number) {
    super(message);
    this.name = 'NoAnswer';
  }
}

const PREVIEW = 2048;

/**
 * Sends one request on a fresh connection and reads the whole answer. Rejects with
 * NoAnswer when nothing (complete) comes back within `timeoutMs` or the server closes
 * the connection without an answer; rejects with the client's own error (a header
 * Node refuses to send) otherwise.
 */
export function send(port: number, req: RawRequest, timeoutMs = 5_000): Promise<RawAnswer> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void) => {
      if (!settled) {
        settled = true;
        fn();
      }
    };
    const elapsed = () => Math.round(performance.now() - started);
    const headers: Record<string, HeaderValue> = { ...req.headers };
    const body = req.body;
    if (body !== undefined && body.length > 0 && req.framing !== 'chunked' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['Content-Length'] = String(body.length);
    }
    const outgoing = httpRequest({
      host: '127.0.0.1',
      port,
      method: req.method,
      path: req.path,
      headers,
      agent: false,
      setHost: !Object.keys(headers).some((h) => h.toLowerCase() === 'host'),
      signal,
    });
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        if (bytes < PREVIEW) chunks.push(chunk);
        bytes += chunk.length;
      });
      res.on('end', () =>
        done(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, preview: Buffer.concat(chunks).subarray(0, PREVIEW).toString('utf8'), bytes, ms: elapsed() })),
      );
      res.on('error', (err) => done(() => reject(noAnswer(err, signal, timeoutMs, elapsed()))));
      res.on('aborted', () => done(() => reject(noAnswer(new Error('answer cut short'), signal, timeoutMs, elapsed()))));
    });
    outgoing.on('error', (err) => done(() => reject(noAnswer(err, signal, timeoutMs, elapsed()))));
    if (body !== undefined && body.length > 0) outgoing.write(body);
    outgoing.end();
  });
}

function noAnswer(err: Error, signal: AbortSignal, timeoutMs: number, ms: number): Error {
  if (signal.aborted) return new NoAnswer('timeout', `no complete answer within ${timeoutMs} ms`, ms);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNREFUSED' || err.message === 'socket hang up' || err.message === 'answer cut short') {
    return new NoAnswer('closed', `connection closed without a complete answer (${code ?? err.message})`, ms);
  }
  return err;
}
