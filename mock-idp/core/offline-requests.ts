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
  readonly #noted = new Map<string, number>();

  constructor(private readonly clock: Pick<Clock, 'now'> = new Clock()) {}

  note(marks: RequestMarks, now = this.clock.now()): void {
    const key = keyOf(marks);
    if (key === undefined) return;
    for (const [k, expires] of this.#noted) if (expires <= now) this.#noted.delete(k);
    this.#noted.set(key, now + DEFAULTS.authorizationCodeLifetime * 1000);
  }

  asked(marks: RequestMarks, now = this.clock.now()): boolean {
    const key = keyOf(marks);
    return key !== undefined && (this.#noted.get(key) ?? 0) > now;
  }

  clear(): void {
    this.#noted.clear();
  }
}
