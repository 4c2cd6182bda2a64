import { DEFAULTS } from '../core/tenant/defaults.js';
import type { TokenExplanation } from '../tools/explain/explain-token.js';
import { explainRequestSchema, type ExplainRequest } from '../tools/explain/explain-request.js';
import { flagIssues, numberFlag, parseHttpUrl, UsageError } from './args.js';
import { askRunningMock } from './ask-mock.js';

export interface ExplainFlags {
  audience?: string | undefined;
  'clock-tolerance'?: string | undefined;
  issuer?: string | undefined;
  'admin-token'?: string | undefined;
  json?: boolean | undefined;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The explanation as a few aligned lines: the verdict, then one line per check. */
export function renderExplanation(explanation: TokenExplanation, audience: string | undefined): string {
  const failed = explanation.checks.filter((c) => c.status === 'fail');
  const verdict = explanation.valid
    ? `Valid: an API ${audience ? `for ${audience} ` : ''}that checks everything accepts this token.`
    : `Refused: an API must refuse this token (${failed.length} check${failed.length === 1 ? '' : 's'} failed).`;
  const lines = explanation.checks.map((c) => `  ${c.check.padEnd(11)} ${c.status === 'fail' ? 'FAIL' : c.status.padEnd(4)}  ${c.code ? `${c.code}  ` : ''}${c.detail}`);
  // Times: a mock older than this answers without them.
  const times = (explanation.times ?? []).map((t) => `  ${t.claim.padEnd(11)} ${t.iso}  ${t.relative}${t.onMockClock ? ` (on the mock's clock: ${t.onMockClock})` : ''}`);
  return [verdict, ...lines, ...(times.length ? ['Times:', ...times] : []), ''].join('\n');
}

/** The flag behind each field of an explain request. */
const FLAG_OF = { audience: 'audience', clockTolerance: 'clock-tolerance' } as const;

/**
 * The explain request the flags describe, validated with the same schema as `POST /_mock/explain`
 * (a mistake is a usage error, exit 2, naming the flag, rather than the mock's 400).
 */
export function explainRequestFromFlags(flags: ExplainFlags, token: string): ExplainRequest {
  const request: ExplainRequest = {
    token: token.trim(),
    ...(flags.audience !== undefined ? { audience: flags.audience } : {}),
    ...(flags['clock-tolerance'] !== undefined ? { clockTolerance: numberFlag(flags['clock-tolerance'])! } : {}),
  };
  const result = explainRequestSchema.safeParse(request);
  if (!result.success) {
    throw new UsageError(
      flagIssues(result.error, FLAG_OF, (issue, flag) => {
        const field = issue.path[0] as keyof typeof FLAG_OF | 'token';
        return field === 'token' ? 'the token is empty' : `${flag}: ${issue.message}, got "${flags[FLAG_OF[field]]}"`;
      }),
    );
  }
  return request;
}

/**
 * `mock-idp explain TOKEN`: asks the running mock (POST <issuer>_mock/explain)
 * why an API would accept or refuse the token. Exit 0 valid, 1 refused.
 */
export async function runExplain(flags: ExplainFlags, tokenArgument: string | undefined): Promise<number> {
  const fromStdin = tokenArgument === undefined || tokenArgument === '-';
  if (fromStdin && process.stdin.isTTY) throw new UsageError('give the token as an argument, or pipe it in (mock-idp explain - < token.txt)');
  const request = explainRequestFromFlags(flags, fromStdin ? await readStdin() : tokenArgument);
  const issuer = parseHttpUrl('issuer', flags.issuer ?? `http://localhost:${DEFAULTS.port}/`);
  const explanation = (await askRunningMock(issuer, 'explain', request, flags['admin-token'])) as TokenExplanation;
  if (!Array.isArray(explanation.checks)) throw new Error(`${issuer.href} answered without an explanation: is this a mock-idp?`);
  process.stdout.write(flags.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation, flags.audience));
  return explanation.valid ? 0 : 1;
}
