import { InvalidInput } from '../errors.js';
import type { User } from '../tenant/schema.js';

/**
 * The subset of Auth0's user search query syntax (search engine v3, Lucene) that tests use:
 * `field:value`, `field:"quoted value"`, wildcards `*` and `?` in a value, `_exists_:field`,
 * `AND`, `OR`, `NOT`, parentheses; terms side by side mean AND. Fields: `user_id`, `email`,
 * `name`, `nickname`, `given_name`, `family_name`, `picture`, `email_verified`, `blocked`,
 * `identities.connection`, `app_metadata.<path>`, `user_metadata.<path>`. Values compare
 * case-insensitively. A term without a field matches `user_id`, `email`, `name` or `nickname`.
 */
type Query =
  | { kind: 'term'; field: string | undefined; value: string; quoted: boolean }
  | { kind: 'exists'; field: string }
  | { kind: 'not'; query: Query }
  | { kind: 'and' | 'or'; queries: Query[] };

type Token = { type: 'word'; text: string; quoted: boolean } | { type: '(' | ')' | ':' };

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ':') {
      tokens.push({ type: c });
      i++;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < q.length && q[i] !== '"') {
        if (q[i] === '\\' && i + 1 < q.length) i++;
        text += q[i++];
      }
      if (i >= q.length) throw new InvalidInput('q: a quoted value is not closed', 'q');
      i++;
      tokens.push({ type: 'word', text, quoted: true });
    } else {
      let text = '';
      while (i < q.length && !/[\s():"]/.test(q[i]!)) {
        if (q[i] === '\\' && i + 1 < q.length) i++;
        text += q[i++];
      }
      tokens.push({ type: 'word', text, quoted: false });
    }
  }
  return tokens;
}

function parse(q: string): Query {
  const tokens = tokenize(q);
  let at = 0;
  const peek = () => tokens[at];
  const isKeyword = (t: Token | undefined, word: string): boolean => t?.type === 'word' && !t.quoted && t.text === word;
  const unexpected = (): never => {
    const t = peek();
    throw new InvalidInput(`q: unexpected ${t === undefined ? 'end of query' : t.type === 'word' ? `"${t.text}"` : `"${t.type}"`}`, 'q');
  };
  const value = (): { text: string; quoted: boolean } => {
    const t = tokens[at++];
    if (t?.type !== 'word') return unexpected();
    return t;
  };
  function term(): Query {
    const t = peek();
    if (t?.type === '(') {
      at++;
      const inner = or();
      if (peek()?.type !== ')') unexpected();
      at++;
      return inner;
    }
    if (isKeyword(t, 'NOT')) {
      at++;
      return { kind: 'not', query: term() };
    }
    const first = value();
    if (peek()?.type !== ':') return { kind: 'term', field: undefined, value: first.text, quoted: first.quoted };
    at++;
    const v = value();
    if (first.text === '_exists_') return { kind: 'exists', field: v.text };
    return { kind: 'term', field: first.text, value: v.text, quoted: v.quoted };
  }
  function and(): Query {
    const queries = [term()];
    for (;;) {
      if (isKeyword(peek(), 'AND')) at++;
      else if (peek() === undefined || peek()?.type === ')' || isKeyword(peek(), 'OR')) break;
      queries.push(term());
    }
    return queries.length === 1 ? queries[0]! : { kind: 'and', queries };
  }
  function or(): Query {
    const queries = [and()];
    while (isKeyword(peek(), 'OR')) {
      at++;
      queries.push(and());
    }
    return queries.length === 1 ? queries[0]! : { kind: 'or', queries };
  }
  const query = or();
  if (at < tokens.length) unexpected();
  return query;
}

const FIELDS: Record<string, (u: User) => unknown> = {
  user_id: (u) => u.sub,
  email: (u) => u.email,
  name: (u) => u.name,
  nickname: (u) => u.nickname ?? u.email.split('@')[0],
  given_name: (u) => u.givenName,
  family_name: (u) => u.familyName,
  picture: (u) => u.picture,
  email_verified: (u) => u.emailVerified,
  blocked: (u) => u.blocked,
};

const isMetadataPath = (field: string) => /^(app|user)_metadata\.[^.]+(\.[^.]+)*$/.test(field);

/** Refuses a field the mock cannot search on, whether or not any user would be looked at. */
function checkField(field: string): void {
  if (!(field in FIELDS || field === 'identities.connection' || isMetadataPath(field))) throw new InvalidInput(`q: the mock cannot search on "${field}"`, 'q');
}

/** The values of a field (a metadata path may reach an array: any element matches). */
function valuesOf(user: User, field: string, connection: string): unknown[] {
  const direct = FIELDS[field];
  if (direct) return [direct(user)];
  if (field === 'identities.connection') return [connection];
  const [root, ...path] = field.split('.');
  const start = root === 'app_metadata' ? user.appMetadata : user.userMetadata;
  let current: unknown[] = [start];
  for (const key of path) {
    current = current.flatMap((v) => (Array.isArray(v) ? v : [v])).map((v) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined));
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== undefined && v !== null);
}

function matcher(value: string, quoted: boolean): (candidate: unknown) => boolean {
  const wanted = value.toLowerCase();
  if (quoted || !/[*?]/.test(value)) return (c) => c !== undefined && c !== null && String(c).toLowerCase() === wanted;
  const pattern = new RegExp(`^${wanted.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return (c) => c !== undefined && c !== null && pattern.test(String(c).toLowerCase());
}

function compile(query: Query, connection: string): (user: User) => boolean {
  switch (query.kind) {
    case 'term': {
      const matches = matcher(query.value, query.quoted);
      const fields = query.field === undefined ? ['user_id', 'email', 'name', 'nickname'] : [query.field];
      fields.forEach(checkField);
      return (u) => fields.some((f) => valuesOf(u, f, connection).some(matches));
    }
    case 'exists':
      checkField(query.field);
      return (u) => valuesOf(u, query.field, connection).length > 0;
    case 'not': {
      const inner = compile(query.query, connection);
      return (u) => !inner(u);
    }
    case 'and': {
      const parts = query.queries.map((q) => compile(q, connection));
      return (u) => parts.every((p) => p(u));
    }
    case 'or': {
      const parts = query.queries.map((q) => compile(q, connection));
      return (u) => parts.some((p) => p(u));
    }
  }
}


/** A predicate for Auth0's `q` parameter; InvalidInput (field `q`) for a query outside the subset. */
export function userSearch(q: string, connection: string): (user: User) => boolean {
  return compile(parse(q), connection);
}
