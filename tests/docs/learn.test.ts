/**
 * docs/learn.md runs as printed: every `sh` block, in order, in one bash session against the
 * local stack (in this process, on free ports), and each `text` block after one lists lines its
 * output must have, in that order (`…` stands for anything). The page's fixed ports (mock-idp
 * 4000, sample-api 3001, sample-app 3000, sample-spa 5173) become the stack's.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

const PAGE = readFileSync(new URL('../../docs/learn.md', import.meta.url), 'utf8');

interface Step {
  commands: string;
  /** The lines "you will see", or none. */
  expected: string[];
}

/** The page's `sh` blocks, each with the `text` block that follows it (if any). */
function steps(markdown: string): Step[] {
  const blocks = [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], body: m[2] ?? '' }));
  const result: Step[] = [];
  blocks.forEach((block, i) => {
    if (block.lang === 'sh') {
      const next = blocks[i + 1];
      result.push({ commands: block.body, expected: next?.lang === 'text' ? next.body.split('\n').filter((line) => line.trim() !== '') : [] });
    } else if (block.lang === 'text') {
      expect(blocks[i - 1]?.lang, `a text block that follows no sh block: ${block.body}`).toBe('sh');
    }
  });
  return result;
}

/** The line as a pattern: literal text, with `…` matching anything. */
const pattern = (line: string) => new RegExp(line.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'));

let stack: Stack;
let ports: (text: string) => string;
beforeAll(async () => {
  stack = await startStack();
  const to = { 4000: stack.idp.issuer, 3001: `${stack.api.url}/`, 3000: `${stack.app.url}/`, 5173: `${stack.spa.url}/` };
  const map = Object.entries(to).map(([port, url]) => [`localhost:${port}`, new URL(url).host] as const);
  ports = (text) => map.reduce((t, [from, host]) => t.replaceAll(from, host), text);
});
afterAll(() => stack?.close());

it("runs every command of docs/learn.md against the stack and shows what the page says you will see", async () => {
  const lab = steps(PAGE);
  expect(lab.length).toBeGreaterThan(15);
  const marker = (n: number) => `@@@ end of step ${n} @@@`;
  const script = lab.map((step, n) => `${ports(step.commands)}\necho '${marker(n)}'\n`).join('');
  // Asynchronous: the stack answers the commands from this same process.
  const { stdout, stderr } = await promisify(execFile)('bash', ['-c', script], { cwd: process.cwd(), timeout: 150_000, maxBuffer: 4 << 20 });
  let rest = stdout;
  lab.forEach((step, n) => {
    const end = rest.indexOf(`${marker(n)}\n`);
    expect(end, `step ${n + 1} did not finish:\n${step.commands}\nstderr:\n${stderr}`).toBeGreaterThanOrEqual(0);
    const output = rest.slice(0, end).split('\n');
    rest = rest.slice(end + marker(n).length + 1);
    let at = 0;
    for (const line of step.expected.map(ports)) {
      const found = output.findIndex((got, i) => i >= at && pattern(line).test(got));
      expect(found, `step ${n + 1}: no line like ${JSON.stringify(line)} in its output:\n${output.join('\n')}\n\ncommands:\n${step.commands}\nstderr:\n${stderr}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });
}, 180_000);
