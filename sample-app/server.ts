/** Starts sample-app on config.host:config.port (port 0 picks a free port), loopback only by default. */
import type { RequestListener } from 'node:http';
import { listen } from '../mock-idp/http/listen.js';
import { createSampleApp } from './app.js';
import type { SampleAppConfig } from './config.js';

export interface RunningApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens first, so that with port 0 the app's base URL (its callback) is the port it got. */
export async function startSampleApp(config: SampleAppConfig): Promise<RunningApp> {
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  const { url, port, close } = await listen((req, res) => handler(req, res), config.host, config.port);
  handler = createSampleApp({ ...config, baseURL: config.baseURL ?? url });
  return { url, port, close };
}
