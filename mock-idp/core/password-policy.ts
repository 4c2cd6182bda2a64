/**
 * Auth0's password strength levels of a database connection (`passwordPolicy`,
 * with `password_complexity_options.min_length`), and the structured failure
 * Auth0 answers a weak password with (`PasswordStrengthError`, code
 * `invalid_password`): `description` lists every rule with `verified`, `policy`
 * is the rules as a bulleted text. The rules and their wording are those of
 * Auth0's documentation and of its open-source policy library
 * (password-sheriff): none = non-empty; low = 6 characters; fair = 8 with lower
 * case, upper case and a digit; good = 8 with 3 of the 4 kinds (lower, upper,
 * digit, special); excellent = 10 with 3 of the 4 and no more than 2 identical
 * characters in a row. A `minLength` replaces the level's length, as Auth0's
 * "minimum password length" does.
 */

export const PASSWORD_POLICY_LEVELS = ['none', 'low', 'fair', 'good', 'excellent'] as const;
export type PasswordPolicyLevel = (typeof PASSWORD_POLICY_LEVELS)[number];

export interface PasswordPolicy {
  level: PasswordPolicyLevel;
  /** Auth0's minimum password length (1-72): replaces the level's own. */
  minLength?: number | undefined;
}

/** One rule as Auth0 explains it: `message` with `%d`/`%s` filled from `format`, `items` for the character kinds. */
export interface PasswordRule {
  message: string;
  format?: (number | string)[];
  code: string;
  items?: PasswordRule[];
  verified: boolean;
}

/** Auth0's answer to a password its policy refuses: `description` (each rule, verified or not) and `policy` (the rules as text). */
export interface PasswordStrengthFailure {
  description: { rules: PasswordRule[]; verified: false };
  policy: string;
}

interface CharacterKind {
  message: string;
  code: string;
  test: RegExp;
}

const LOWER: CharacterKind = { message: 'lower case letters (a-z)', code: 'lowerCase', test: /[a-z]/ };
const UPPER: CharacterKind = { message: 'upper case letters (A-Z)', code: 'upperCase', test: /[A-Z]/ };
const DIGITS: CharacterKind = { message: 'numbers (i.e. 0-9)', code: 'numbers', test: /\d/ };
/** OWASP's password special characters (space included). */
const SPECIAL: CharacterKind = { message: 'special characters (e.g. !@#$%^&*)', code: 'specialCharacters', test: /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/ };

const LEVEL_LENGTH: Readonly<Record<PasswordPolicyLevel, number>> = { none: 1, low: 6, fair: 8, good: 8, excellent: 10 };
/** At most this many identical characters in a row (excellent only). */
const MAX_IDENTICAL = 2;

const kinds = (password: string, list: CharacterKind[]): PasswordRule[] => list.map((k) => ({ message: k.message, code: k.code, verified: k.test.test(password) }));

function longestRun(password: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < password.length; i++) {
    run = i > 0 && password[i] === password[i - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** The rules of a policy, each checked against `password`. */
function rulesOf(policy: PasswordPolicy, password: string): PasswordRule[] {
  const length = policy.minLength ?? LEVEL_LENGTH[policy.level];
  const rules: PasswordRule[] = [
    length === 1
      ? { message: 'Non-empty password required', code: 'nonEmpty', verified: password.length > 0 }
      : { message: 'At least %d characters in length', format: [length], code: 'lengthAtLeast', verified: password.length >= length },
  ];
  if (policy.level === 'fair') {
    const items = kinds(password, [LOWER, UPPER, DIGITS]);
    rules.push({ message: 'Should contain:', code: 'shouldContain', items, verified: items.every((i) => i.verified) });
  }
  if (policy.level === 'good' || policy.level === 'excellent') {
    const items = kinds(password, [LOWER, UPPER, DIGITS, SPECIAL]);
    rules.push({ message: 'Contain at least %d of the following %d types of characters:', code: 'containsAtLeast', format: [3, 4], items, verified: items.filter((i) => i.verified).length >= 3 });
  }
  if (policy.level === 'excellent') {
    rules.push({ message: 'No more than %d identical characters in a row (e.g., "%s" not allowed)', format: [MAX_IDENTICAL, 'a'.repeat(MAX_IDENTICAL + 1)], code: 'identicalChars', verified: password.length > 0 && longestRun(password) <= MAX_IDENTICAL });
  }
  return rules;
}

/** A rule's message with its `format` values filled in, e.g. "At least 8 characters in length". */
export function formatRule(rule: Pick<PasswordRule, 'message' | 'format'>): string {
  const values = [...(rule.format ?? [])];
  return rule.message.replace(/%[ds]/g, () => String(values.shift() ?? ''));
}

/** The rules as Auth0's `policy` text: `* rule` lines, character kinds indented one space more. */
function asText(rules: PasswordRule[], depth = 0): string {
  const indent = ' '.repeat(depth);
  return rules.map((r) => `${indent}* ${formatRule(r)}${r.items ? `\n${indent}${asText(r.items, depth + 1)}` : ''}`).join('\n');
}

/** The policy as Auth0 states it (its `policy` text), e.g. for a sign-up form. */
export function passwordPolicyText(policy: PasswordPolicy): string {
  return asText(rulesOf(policy, ''));
}

/** Checks a password against a policy: undefined when it passes, else Auth0's structured failure. */
export function checkPassword(policy: PasswordPolicy, password: string): PasswordStrengthFailure | undefined {
  const rules = rulesOf(policy, password);
  if (rules.every((r) => r.verified)) return undefined;
  return { description: { rules, verified: false }, policy: passwordPolicyText(policy) };
}
