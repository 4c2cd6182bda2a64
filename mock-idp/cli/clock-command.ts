import { formatDuration, parseDuration, type ClockReading } from '../core/clock.js';
import { InvalidInput } from '../core/errors.js';
import { DEFAULTS } from '../core/tenant/defaults.js';
import { parseHttpUrl, UsageError } from './args.js';
import { askRunningMock } from './ask-mock.js';

export interface ClockFlags {
  issuer?: string | undefined;
  'admin-token'?: string | undefined;
  json?: boolean | undefined;
}

/** The reading as one line: how far ahead, and the mock's now. */
export function renderClock({ offset, now, epoch }: ClockReading): string {
  return `${offset === 0 ? 'real time' : `ahead by ${formatDuration(offset)} (${offset} s)`}: now ${now} (epoch ${epoch})\n`;
}

/**
 * `mock-idp clock [advance DURATION]`: shows (GET <issuer>_mock/clock) or moves forward
 * (POST <issuer>_mock/clock) the running mock's clock. A bad duration is a usage error (exit 2).
 */
export async function runClock(flags: ClockFlags, args: string[]): Promise<number> {
  const [verb, amount, ...extra] = args;
  if (verb !== undefined && verb !== 'advance') throw new UsageError(`unknown clock command "${verb}" (mock-idp clock, or mock-idp clock advance 30d)`);
  if (verb === 'advance' && amount === undefined) throw new UsageError('clock advance needs a duration, e.g. 30d, 12h, 90m or seconds');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}" for "clock"`);
  let advance: number | undefined;
  if (amount !== undefined) {
    try {
      advance = parseDuration(amount);
    } catch (err) {
      if (err instanceof InvalidInput) throw new UsageError(err.message);
      throw err;
    }
  }
  const issuer = parseHttpUrl('issuer', flags.issuer ?? `http://localhost:${DEFAULTS.port}/`);
  const reading = (await askRunningMock(issuer, 'clock', advance === undefined ? undefined : { advance }, flags['admin-token'])) as ClockReading;
  if (typeof reading.offset !== 'number') throw new Error(`${issuer.href} answered without a clock: is this a mock-idp?`);
  process.stdout.write(flags.json ? `${JSON.stringify(reading, null, 2)}\n` : renderClock(reading));
  return 0;
}
