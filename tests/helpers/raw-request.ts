/** One HTTP request with exactly the headers given, the Host header included (fetch cannot set Host). */
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, `{}` when it is not JSON (an HTML page, nothing). */
  json: { error?: string } & Record<string, unknown>;
}

export interface RawRequest {
  method?: string;
  /** Sent as they are: give `host` to send another Host than `127.0.0.1:<port>`. */
  headers?: Record<string, string>;
  /** With a body (`''` too), a Content-Length header. */
  body?: string;
}

/** Sends `path` to 127.0.0.1:`port` on a connection of its own and reads the whole answer. */
export function rawRequest(port: number, path: string, { method = 'GET', headers = {}, body }: RawRequest = {}): Promise<RawAnswer> {
  const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { ...length, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json = {};
        try {
          json = JSON.parse(text);
        } catch {
          // an HTML page or nothing
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
