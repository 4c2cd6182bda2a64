import { createHash } from 'node:crypto';

/** What reads and writes a response's headers: Koa's context, in oidc-provider's app and in the mock's. */
export interface HeaderContext {
  response: { get(field: string): string | string[] | number | undefined; remove(field: string): void };
  set(field: string, value: string): void;
}

/** The CSP source expression allowing one inline script or style element, by the SHA-256 of its text. */
export function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

type Policy = Map<string, string[]>;

function parse(header: string): Policy {
  const policy: Policy = new Map();
  for (const directive of header.split(';')) {
    const [name, ...values] = directive.trim().split(/\s+/);
    if (name) policy.set(name.toLowerCase(), values);
  }
  return policy;
}

const format = (policy: Policy) => [...policy].map(([name, values]) => [name, ...values].join(' ')).join('; ');

function edit(ctx: HeaderContext, change: (policy: Policy) => void): void {
  const header = ctx.response.get('content-security-policy');
  if (typeof header !== 'string') return;
  const policy = parse(header);
  change(policy);
  ctx.set('Content-Security-Policy', format(policy));
}

/** Adds sources to a directive of the response's policy; `'none'` goes once another source is there. */
export function allowSources(ctx: HeaderContext, directive: string, sources: readonly string[]): void {
  edit(ctx, (policy) => {
    const values = [...new Set([...(policy.get(directive) ?? []), ...sources])];
    policy.set(directive, values.length > 1 ? values.filter((v) => v !== "'none'") : values);
  });
}

/** oidc-provider appends the hashes of its inline scripts to `script-src`; a `'none'` before them would only make browsers warn. */
export function dropNoneBesideSources(ctx: HeaderContext): void {
  edit(ctx, (policy) => {
    for (const [name, values] of policy) if (values.length > 1 && values.includes("'none'")) policy.set(name, values.filter((v) => v !== "'none'"));
  });
}

/** The directive's sources in the response's policy (undefined when it has no such directive, or no policy). */
export function directiveOf(ctx: HeaderContext, directive: string): string[] | undefined {
  const header = ctx.response.get('content-security-policy');
  return typeof header === 'string' ? parse(header).get(directive) : undefined;
}

/** Who may frame the response: `origins`, or nobody (with `X-Frame-Options: DENY` too) when there are none. */
export function frameableBy(ctx: HeaderContext, origins: readonly string[]): void {
  edit(ctx, (policy) => {
    policy.set('frame-ancestors', origins.length ? [...origins] : ["'none'"]);
  });
  if (origins.length) ctx.response.remove('X-Frame-Options');
  else ctx.set('X-Frame-Options', 'DENY');
}
