/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1): one field may carry several
 * challenges (`Bearer realm="api", error="invalid_token", DPoP algs="ES256"`),
 * and a response may carry several fields.
 */
export interface Challenge {
  /** As sent; compare case-insensitively. */
  scheme: string;
  /** Parameter names lower-cased, quoted values unescaped. */
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** Every challenge of every field line. */
export function parseChallenges(fields: readonly string[]): Challenge[] {
  return fields.flatMap(parseField);
}

/** The first `Bearer` challenge, if any. */
export function bearerChallenge(fields: readonly string[]): Challenge | undefined {
  return parseChallenges(fields).find((c) => c.scheme.toLowerCase() === 'bearer');
}

function parseField(field: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < field.length && chars.test(field[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < field.length && TOKEN.test(field[i]!)) i++;
    return field.slice(start, i);
  };
  while (i < field.length) {
    skip(/[\s,]/);
    const name = token();
    if (name === '') {
      i++; // a stray character: skip it
      continue;
    }
    skip(/[ \t]/);
    const current = challenges.at(-1);
    if (field[i] === '=' && current !== undefined && !/^=*(,|$)/.test(field.slice(i).replace(/\s/g, ''))) {
      i++;
      skip(/[ \t]/);
      current.params[name.toLowerCase()] = field[i] === '"' ? quoted() : token();
    } else if (field[i] === '=') {
      // token68 padding after a scheme, e.g. `Negotiate abc==`: nothing to keep
      skip(/=/);
    } else {
      challenges.push({ scheme: name, params: {} });
    }
  }
  return challenges;

  function quoted(): string {
    let value = '';
    i++; // opening quote
    while (i < field.length && field[i] !== '"') {
      if (field[i] === '\\' && i + 1 < field.length) i++;
      value += field[i];
      i++;
    }
    i++; // closing quote
    return value;
  }
}
