/** Starts the Orders API on config.host:config.port (port 0 picks a free port), loopback only by default. */
import { listen } from '../mock-idp/http/listen.js';
import { createApiApp } from './app.js';
import type { ApiConfig } from './config.js';

export interface RunningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startApi(config: ApiConfig): Promise<RunningApi> {
  const { url, port, close } = await listen(createApiApp(config), config.host, config.port);
  return { url, port, close };
}
