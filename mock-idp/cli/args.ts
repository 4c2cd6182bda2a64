import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Bad command-line arguments: exit code 2 with one line naming the mistake (the usage only with --help). */
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

/** An http(s) URL. */
export function parseHttpUrl(flag: string, value: string): URL {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new UsageError(`--${flag} must be an http(s) URL, got "${value}"`);
  return url;
}

/** A number from a flag for a schema to check; a blank or non-numeric value is NaN, which the schema refuses. */
export const numberFlag = (value: string | undefined): number | undefined => (value === undefined ? undefined : value.trim() === '' ? Number.NaN : Number(value));

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions ("strat" → "start" is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate `word` was most likely meant to be: the nearest by edit distance when it is
 * close enough to be a typo (1 edit up to 4 letters, 2 up to 8, else 3), or the one it
 * abbreviates (`--expires` for `--expires-in`); undefined when none is.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  const limit = typed.length <= 4 ? 1 : typed.length <= 8 ? 2 : 3;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate ?? (typed.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(typed)) : undefined);
}

/** `; did you mean X?` for the nearest candidate, or nothing. */
export function didYouMean(word: string, candidates: readonly string[], show: (candidate: string) => string = (c) => c): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : `; did you mean ${show(match)}?`;
}

type ParseArgsError = Error & { code: string };
const isParseArgsError = (err: unknown): err is ParseArgsError => typeof (err as { code?: unknown })?.code === 'string' && (err as ParseArgsError).code.startsWith('ERR_PARSE_ARGS');

export interface ParsedCommandLine<T extends ParseArgsOptionsConfig> {
  values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true; args: string[] }>>['values'];
  positionals: string[];
}

/**
 * parseArgs (strict, positionals allowed), whose mistakes become one-line UsageErrors instead of
 * Node's messages. `unknownOption(flag, positionals)` words an option `options` does not have
 * (e.g. with the nearest valid one); a value missing or given to a boolean is worded here.
 * With -h / --help anywhere, a mistake elsewhere does not hide the help: `help` is returned set.
 */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(
  args: string[],
  options: T,
  unknownOption: (flag: string, positionals: string[]) => string,
): ParsedCommandLine<T> {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (err) {
    if (!isParseArgsError(err)) throw err;
    const loose = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
    if ('help' in options && loose.values.help === true) return { values: { help: true }, positionals: loose.positionals } as unknown as ParsedCommandLine<T>;
    // The word after an unknown option is likely its value (`--prot 4000`), not a command.
    const positionals = loose.tokens.flatMap((token, i) => {
      const before = loose.tokens[i - 1];
      const valueOfUnknown = before?.kind === 'option' && !options[before.name] && before.value === undefined;
      return token.kind === 'positional' && !valueOfUnknown ? [token.value] : [];
    });
    for (const token of loose.tokens) {
      if (token.kind !== 'option') continue;
      const option = options[token.name];
      if (!option) throw new UsageError(unknownOption(token.rawName, positionals));
      if (option.type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value, got "${token.value}"`);
      if (option.type === 'string' && token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
      if (option.type === 'string' && !token.inlineValue && token.value?.startsWith('-')) {
        throw new UsageError(`${token.rawName} needs a value: "${token.value}" reads as an option (for a value that starts with "-", write ${token.rawName}=${token.value})`);
      }
    }
    throw new UsageError(err.message.split('\n')[0]!);
  }
}

/**
 * Words a schema's issues by the flags behind the fields, in one line: `--audience is required; --port ...`.
 * `flagOf` maps a field (the first element of an issue's path) to its flag; `describe` may word an issue
 * itself (e.g. a field in milliseconds whose flag is in seconds).
 */
export function flagIssues(
  error: z.ZodError,
  flagOf: Readonly<Record<string, string>>,
  describe: (issue: z.core.$ZodIssue, flag: string) => string | undefined = () => undefined,
): string {
  return error.issues
    .map((issue) => {
      const field = String(issue.path[0] ?? '');
      const flag = `--${flagOf[field] ?? field}`;
      return describe(issue, flag) ?? `${flag} ${issue.message}`;
    })
    .join('; ');
}
