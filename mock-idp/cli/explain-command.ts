import { DEFAULTS } from '../core/tenant/defaults.js';
import type { TokenExplanation } from '../tools/explain/explain-token.js';
import { parseHttpUrl, parseSeconds, UsageError } from './args.js';
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
  return [verdict, ...lines, ''].join('\n');
}

/**
 * `mock-idp explain TOKEN`: asks the running mock (POST <issuer>_mock/explain)
 * why an API would accept or refuse the token. Exit 0 valid, 1 refused.
 */
export async function runExplain(flags: ExplainFlags, tokenArgument: string | undefined): Promise<number> {
  const fromStdin = tokenArgument === undefined || tokenArgument === '-';
  if (fromStdin && process.stdin.isTTY) throw new UsageError('give the token as an argument, or pipe it in (mock-idp explain - < token.txt)');
  const token = (fromStdin ? await readStdin() : tokenArgument).trim();
  if (token === '') throw new UsageError('the token is empty');
  const issuer = parseHttpUrl('issuer', flags.issuer ?? `http://localhost:${DEFAULTS.port}/`);
  const request = {
    token,
    ...(flags.audience !== undefined ? { audience: flags.audience } : {}),
    ...(flags['clock-tolerance'] !== undefined ? { clockTolerance: parseSeconds('clock-tolerance', flags['clock-tolerance'], 0, 3600) } : {}),
  };
  const explanation = (await askRunningMock(issuer, 'explain', request, flags['admin-token'])) as TokenExplanation;
  if (!Array.isArray(explanation.checks)) throw new Error(`${issuer.href} answered without an explanation: is this a mock-idp?`);
  process.stdout.write(flags.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation, flags.audience));
  return explanation.valid ? 0 : 1;
}
