import { FAULTS } from '../tools/faults/index.js';

export interface FaultsFlags {
  json?: boolean | undefined;
}

const VERDICT = { accept: 'accept (200)', reject: 'reject (401)', either: 'either' } as const;

/** `mock-idp faults`: every bad-token preset, its id for `--fault`, and what a correct API does with it. */
export async function runFaults(flags: FaultsFlags): Promise<number> {
  if (flags.json) {
    const list = FAULTS.map(({ id, caseId, title, explanation, expect, level, reference }) => ({ id, caseId, title, explanation, expect, level, reference }));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...FAULTS.map((f) => f.id.length)) + 2;
  const lines = [
    'Bad-token presets: mock-idp token --user alice@example.com --audience https://api.example.com --fault <id>',
    '(or "fault": "<id>" in POST /_mock/tokens). Each is one deviation from a good access token.',
    '',
    ...FAULTS.flatMap((f) => [
      `${f.id.padEnd(width)}${VERDICT[f.expect].padEnd(14)}${f.level.padEnd(8)}${f.title}`,
      `${' '.repeat(width)}${f.explanation} (${f.reference})`,
    ]),
    '',
  ];
  process.stdout.write(lines.join('\n'));
  return 0;
}
