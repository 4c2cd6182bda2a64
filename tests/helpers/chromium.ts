import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

if (!chromiumAvailable) {
  const how = `Chromium not found at ${CHROMIUM}: install it with "apt-get update && apt-get install -y chromium" (or set CHROMIUM_PATH)`;
  // In CI the browser tests must run: a missing browser is a failure, not a skip.
  if (process.env.CI) throw new Error(how);
  console.warn(`skipping the real-browser tests. ${how}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Where screenshots go (`test-artifacts/`, ignored by git). */
export function artifactPath(name: string): string {
  const dir = join(process.cwd(), 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** Where the README's screenshots go: `docs/screenshots/` (committed) under `npm run screenshots`, a scratch folder otherwise. */
export function docsScreenshotPath(name: string): string {
  // `npm run screenshots` writes the README's pictures; a plain test run writes them to a scratch folder, so
  // `npm test` leaves the tree clean (the pictures show times and ids, so they differ on every run).
  const dir = process.env.UPDATE_SCREENSHOTS
    ? join(process.cwd(), 'docs', 'screenshots')
    : join(tmpdir(), 'mock-idp-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
