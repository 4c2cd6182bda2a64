/** Serves the built sample-spa on config.host:config.port (port 0 picks a free port), loopback only by default. */
import { listen } from '../mock-idp/http/listen.js';
import { createSpaApp } from './app.js';
import type { SpaConfig } from './config.js';

export interface RunningSpa {
  /** The SPA's origin, e.g. http://localhost:5173: its callback, logout URL and web origin. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startSpa(config: SpaConfig): Promise<RunningSpa> {
  const { url, port, close } = await listen(createSpaApp(config), config.host, config.port);
  return { url, port, close };
}
