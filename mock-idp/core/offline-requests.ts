import { BoundedMap } from './bounded-map.js';
import { Clock } from './clock.js';
import { DEFAULTS } from './tenant/defaults.js';

/** What identifies one authorization request in the code it yields: its PKCE challenge, or else its nonce. */
export interface RequestMarks {
  clientId: string;
  codeChallenge?: string | undefined;
  nonce?: string | undefined;
}

const keyOf = ({ clientId, codeChallenge, nonce }: RequestMarks) => {
  const mark = codeChallenge ?? nonce;
  return mark === undefined ? undefined : `${clientId}\n${mark}`;
};

/**
 * Authorization requests that asked for `offline_access` with `prompt=none`.
 * Auth0 answers them with a refresh token (auth0-spa-js's iframe fallback
 * after a reload relies on it); oidc-provider keeps `offline_access` only
 * with `prompt=consent`, which `none` excludes. Such requests are noted on
 * their way in and the code they yield is recognised at the token endpoint
 * (oidc/offline-access.ts).
 */
export class OfflineRequests {
  readonly #noted: BoundedMap<string, true>;

  constructor(clock: Pick<Clock, 'now'> = new Clock()) {
    this.#noted = new BoundedMap(DEFAULTS.maxPendingEntries, clock);
  }

  note(marks: RequestMarks): void {
    const key = keyOf(marks);
    if (key !== undefined) this.#noted.setFor(key, true, DEFAULTS.authorizationCodeLifetime);
  }

  asked(marks: RequestMarks): boolean {
    const key = keyOf(marks);
    return key !== undefined && this.#noted.has(key);
  }

  clear(): void {
    this.#noted.clear();
  }
}
