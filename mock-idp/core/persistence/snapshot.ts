import { z } from 'zod';
import { MockIdpError } from '../errors.js';
import type { BruteForceSnapshot } from '../brute-force.js';
import type { PrivateJwk } from '../keys.js';
import type { MfaSnapshot } from '../mfa.js';
import type { Invitation } from '../organizations.js';
import type { EmailLink, OutboxEmail } from '../outbox.js';
import type { PasswordlessSnapshot } from '../passwordless.js';
import type { StoreSnapshot } from '../store.js';
import type { TenantInput } from '../tenant/schema.js';

/** The `format` of a mock-idp state file, and the newest `version` this mock-idp reads and writes. */
export const STATE_FORMAT = 'mock-idp-state';
export const STATE_VERSION = 1;

/**
 * A whole run-time state as JSON: what `--data-dir` keeps in `state.json`, what
 * `GET /_mock/state` exports and `POST /_mock/state` imports. The tenant file is
 * the seed: `tenant` is present only once the tenant was changed at run time
 * (sign-ups, admin and Management API edits), and `seed` says which seed it grew from.
 */
export interface StateSnapshot {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  savedAt: string;
  issuer: string;
  /** sha256 of the seed tenant (the tenant file as parsed). */
  seed: string;
  /** Seconds the mock's clock was ahead of the real time (stored expiries are on that clock). */
  clockOffset: number;
  tenant?: TenantInput | undefined;
  keys: { keys: PrivateJwk[]; next: string | null };
  /** The keys session cookies are signed with: without them no browser session survives. */
  cookieKeys: string[];
  store: StoreSnapshot;
  outbox: OutboxEmail[];
  emailLinks: Array<[string, EmailLink]>;
  bruteForce: BruteForceSnapshot;
  /** MFA enrolled at run time, recovery codes, wrong-code locks, pending MFA tokens (absent in files from before they were kept). */
  mfa?: MfaSnapshot | undefined;
  /** Passwordless codes not yet used or expired. */
  passwordless?: PasswordlessSnapshot | undefined;
  /** Pending organization invitations (absent in states written before they were kept). */
  invitations?: Invitation[] | undefined;
  /** The organization of each user's last login per application, `[sub, clientId, orgId]` (`org_id` of its refreshes; absent likewise). */
  loginOrganizations?: Array<[string, string, string]> | undefined;
}

/** A state file or body that cannot be used: `ERR_STATE_CORRUPT` (not a state, or damaged) or `ERR_STATE_NEWER` (a newer format). */
export class StateFileError extends MockIdpError {
  declare readonly code: 'ERR_STATE_CORRUPT' | 'ERR_STATE_NEWER';
  constructor(
    code: 'ERR_STATE_CORRUPT' | 'ERR_STATE_NEWER',
    readonly source: string,
    message: string,
  ) {
    super(code, message);
  }
}

const record = z.record(z.string(), z.unknown());
/** The key ring's part of a state (`StateSnapshot['keys']`): also what `POST /_mock/keys/restore` takes. */
export const keyRingSnapshotSchema = z.object({ keys: z.array(record.and(z.object({ kid: z.string(), d: z.string() }))).min(1), next: z.string().nullable() });
const SHAPE = z.object({
  format: z.literal(STATE_FORMAT),
  version: z.literal(STATE_VERSION),
  savedAt: z.string(),
  issuer: z.string(),
  seed: z.string(),
  clockOffset: z.number().min(0),
  tenant: record.optional(),
  keys: keyRingSnapshotSchema,
  cookieKeys: z.array(z.string().min(1)).min(1),
  store: z.object({
    entries: z.array(z.tuple([z.string(), z.string(), record, z.number().nullable()])),
    families: z.array(z.tuple([z.string(), z.object({ id: z.string(), at: z.number() })])),
  }),
  outbox: z.array(record),
  emailLinks: z.array(z.tuple([z.string(), z.object({ kind: z.enum(['verify_email', 'reset_password']), sub: z.string(), expiresAt: z.number() })])),
  bruteForce: z.array(z.object({ sub: z.string(), ip: z.string(), count: z.number().int().min(0), last: z.number(), ticket: z.string().optional() })),
  mfa: z
    .object({
      enrolled: z.array(z.tuple([z.string(), z.string()])),
      recoveryCodes: z.array(z.tuple([z.string(), z.string()])),
      emailFactor: z.array(z.string()),
      failures: z.array(z.tuple([z.string(), z.object({ count: z.number().int().min(0), lockedUntil: z.number().optional() })])),
      tokens: z.array(z.tuple([z.string(), z.object({ value: record, expiresAt: z.number() })])),
      oobCodes: z.array(z.tuple([z.string(), z.object({ value: record, expiresAt: z.number() })])),
    })
    .optional(),
  passwordless: z.array(z.tuple([z.string(), z.object({ code: z.string(), expiresAt: z.number(), failures: z.number().int().min(0) })])).optional(),
  invitations: z
    .array(z.object({ id: z.string(), ticketId: z.string(), organizationId: z.string(), clientId: z.string(), inviterName: z.string(), inviteeEmail: z.string(), roles: z.array(z.string()), createdAt: z.number(), expiresAt: z.number() }))
    .optional(),
  loginOrganizations: z.array(z.tuple([z.string(), z.string(), z.string()])).optional(),
});

/**
 * Checks a parsed state (from `source`, named in the errors): a newer format is refused as such, anything
 * not exactly a state of this format as corrupt. Never a partial or silently reset state.
 */
export function checkSnapshot(value: unknown, source: string): StateSnapshot {
  return checkShape(value, source, SHAPE) as StateSnapshot;
}

/** The same check for a state without its store: what replicas on Redis share (core/redis/shared-state.ts). */
export function checkSharedSnapshot(value: unknown, source: string): Omit<StateSnapshot, 'store'> {
  return checkShape(value, source, SHAPE.omit({ store: true })) as Omit<StateSnapshot, 'store'>;
}

function checkShape(value: unknown, source: string, shape: z.ZodType): unknown {
  const head = (typeof value === 'object' && value !== null ? value : {}) as { format?: unknown; version?: unknown };
  if (head.format !== STATE_FORMAT) throw new StateFileError('ERR_STATE_CORRUPT', source, `${source} is not a mock-idp state (no "format": "${STATE_FORMAT}")`);
  if (typeof head.version === 'number' && Number.isInteger(head.version) && head.version > STATE_VERSION) {
    throw new StateFileError('ERR_STATE_NEWER', source, `${source} was written by a newer mock-idp (state format version ${head.version}; this one reads version ${STATE_VERSION}): upgrade mock-idp, or use another data directory`);
  }
  const parsed = shape.safeParse(value);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const at = issue ? `$.${issue.path.join('.')}: ${issue.message}` : 'unreadable';
    throw new StateFileError('ERR_STATE_CORRUPT', source, `${source} is a damaged mock-idp state (${at}); it was left as it is`);
  }
  return parsed.data;
}

/** Parses the text of a state file. */
export function parseSnapshot(text: string, source: string): StateSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new StateFileError('ERR_STATE_CORRUPT', source, `${source} is not valid JSON (${(cause as Error).message}): a damaged mock-idp state; it was left as it is`);
  }
  return checkSnapshot(value, source);
}
