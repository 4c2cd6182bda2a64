import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Compares a given password with a user's in constant time (over their digests, so the length leaks nothing either). */
export function passwordMatches(user: { password: string }, given: string | null | undefined): boolean {
  return typeof given === 'string' && timingSafeEqual(digest(user.password), digest(given));
}
