import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { MockIdpError } from '../errors.js';
import { tenantSchema, type Tenant, type TenantInput } from './schema.js';

export interface TenantProblem {
  /** JSON path of the offending value, e.g. `$.users[1].email`. */
  path: string;
  message: string;
}

/** A tenant file or object that cannot be used; `problems` lists every one found. */
export class TenantConfigError extends MockIdpError {
  constructor(
    readonly source: string,
    readonly problems: TenantProblem[],
  ) {
    super('ERR_TENANT_INVALID', `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  }
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    const k = String(key);
    return /^[A-Za-z_$][\w$]*$/.test(k) ? `${acc}.${k}` : `${acc}[${JSON.stringify(k)}]`;
  }, '$');
}

/** Validates a tenant object, filling defaults; throws TenantConfigError listing every problem. */
export function parseTenant(input: unknown, source = 'tenant'): Tenant {
  // A tenant is parsed once per start or change: zod's compiled fast path would cost more to build (about 7 ms) than it saves.
  const result = tenantSchema.safeParse(input, { jitless: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue): TenantProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: jsonPath([...issue.path, key]), message: 'unknown key (check its spelling)' }));
    }
    return [{ path: jsonPath(issue.path), message: issue.message }];
  });
  throw new TenantConfigError(source, problems);
}

/**
 * The last tenant each file gave, by its text: a process that starts many mocks from one file (a test
 * suite, the default fixture) validates it once, then hands each start its own copy. An edited file
 * (other text) is validated again.
 */
const parsedFiles = new Map<string, { text: string; tenant: Tenant }>();

/** Reads and validates a tenant file. */
export function loadTenantFile(file: string): Tenant {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TenantConfigError(file, [{ path: '$', message: `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})` }]);
  }
  const known = parsedFiles.get(file);
  if (known?.text === text) return structuredClone(known.tenant);
  const ready = prevalidatedTenant(text);
  if (ready) {
    parsedFiles.set(file, { text, tenant: ready });
    return structuredClone(ready);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new TenantConfigError(file, [{ path: '$', message: `not valid JSON: ${(cause as Error).message}` }]);
  }
  const tenant = parseTenant(json, file);
  parsedFiles.set(file, { text, tenant: structuredClone(tenant) });
  return tenant;
}

/** The file the build writes beside this module (build.mjs): the shipped tenant files validated, by the SHA-256 of their text. */
export const PREVALIDATED_FILE = 'prevalidated-tenants.json';
const digestOf = (text: string) => createHash('sha256').update(text).digest('base64url');
let prevalidated: Map<string, Tenant> | undefined;

/**
 * The tenant a file's text gives, as the build validated it (the shipped fixture: a start with the default
 * tenant runs no zod); undefined for any other text, and when running from the sources (no file beside
 * them: the schema there may be newer than any build).
 */
function prevalidatedTenant(text: string): Tenant | undefined {
  if (!prevalidated) {
    prevalidated = new Map();
    try {
      const entries = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), PREVALIDATED_FILE), 'utf8')) as Record<string, Tenant>;
      for (const [digest, tenant] of Object.entries(entries)) prevalidated.set(digest, tenant);
    } catch {
      // Not built, or unreadable: every file is validated.
    }
  }
  return prevalidated.get(digestOf(text));
}

/** The build's `PREVALIDATED_FILE` for these tenant files (each must validate, and its result survive JSON). */
export function prevalidate(files: readonly string[]): string {
  const entries: Record<string, Tenant> = {};
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const tenant = parseTenant(JSON.parse(text), file);
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(tenant)), tenant)) throw new Error(`${file}: its validated tenant does not survive JSON`);
    entries[digestOf(text)] = tenant;
  }
  return `${JSON.stringify(entries)}\n`;
}

export type { Tenant, TenantInput };
