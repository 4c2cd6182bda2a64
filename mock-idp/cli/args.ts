/** Bad command-line arguments: exit code 2 with the usage text. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A port number from 0 to 65535, or `fallback` when absent. */
export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${value}"`);
  return port;
}

/** A whole number of seconds within [min, max]. */
export function parseSeconds(flag: string, value: string, min: number, max = 10 * 365 * 24 * 3600): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number of seconds from ${min} to ${max}, got "${value}"`);
  return n;
}

/** An http(s) URL. */
export function parseHttpUrl(flag: string, value: string): URL {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new UsageError(`--${flag} must be an http(s) URL, got "${value}"`);
  return url;
}
