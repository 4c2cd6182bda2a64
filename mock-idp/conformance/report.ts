/** The report of a run as a readable table, as JSON, and as JUnit XML for CI. */
import type { AppConformanceReport } from './app/types.js';
import type { CheckResult, ConformanceReport } from './types.js';

export type ReportFormat = 'text' | 'json' | 'junit';

/** The report of an API run or of a login-app run: one table, one summary, one JUnit shape. */
export type AnyConformanceReport = ConformanceReport | AppConformanceReport;

const isAppReport = (report: AnyConformanceReport): report is AppConformanceReport => 'loginUrl' in report.target;

/** `54 passed, 0 failed, 1 warnings, 0 skipped`. */
export function summaryLine(report: AnyConformanceReport): string {
  const { passed, failed, warnings, skipped } = report.summary;
  return `${passed} passed, ${failed} failed, ${warnings} warnings, ${skipped} skipped`;
}

/** The first lines of the text report and the JUnit suite's name. */
function heading(report: AnyConformanceReport): { name: string; lines: string[] } {
  if (isAppReport(report)) {
    const { target } = report;
    return {
      name: `mock-idp conformance app ${target.loginUrl}`,
      lines: [`mock-idp conformance app: ${target.loginUrl} (protected page ${target.protectedUrl})`, `  client ${target.clientId}, user ${target.user}, issuer ${target.issuer}${target.responseType ? `, response_type ${target.responseType}` : ''}`],
    };
  }
  const { target } = report;
  return {
    name: `mock-idp conformance ${target.method} ${target.url}`,
    lines: [`mock-idp conformance: ${target.method} ${target.url}`, `  audience ${target.audience}, permission ${target.permissions.join(' ')}, issuer ${target.issuer}`],
  };
}

function cut(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').replace(/`/g, '');
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

/** Column widths; the expected column (0) is as wide as its longest cell, never cut. */
const COLUMNS: Array<{ title: string; width: number; value: (r: CheckResult) => string }> = [
  { title: 'id', width: 28, value: (r) => r.checkId },
  { title: 'sent', width: 46, value: (r) => r.sent },
  { title: 'expected', width: 0, value: (r) => r.expected },
  { title: 'got', width: 40, value: (r) => r.got },
  { title: 'verdict', width: 7, value: (r) => r.verdict },
  { title: 'reference', width: 30, value: (r) => r.reference },
];

const flat = (text: string) => text.replace(/\s+/g, ' ').replace(/`/g, '');

export function renderText(report: AnyConformanceReport): string {
  const lines = [...heading(report).lines, ''];
  const widths = COLUMNS.map((c) => (c.width > 0 ? c.width : Math.max(c.title.length, ...report.results.map((r) => flat(c.value(r)).length))));
  const row = (cells: string[]) => cells.map((cell, i) => (COLUMNS[i]!.width > 0 ? cut(cell, widths[i]!) : flat(cell)).padEnd(widths[i]!)).join('  ').trimEnd();
  lines.push(row(COLUMNS.map((c) => c.title)));
  lines.push(row(widths.map((w) => '-'.repeat(w))));
  for (const result of report.results) lines.push(row(COLUMNS.map((c) => c.value(result))));

  if (report.misconfigured) {
    lines.push(
      '',
      isAppReport(report) ? 'MISCONFIGURED TARGET: the unfaulted login (RP-00) did not reach the protected page, so no other case was run.' : 'MISCONFIGURED TARGET: the good-token baseline (RS-40) was refused, so no other case was run.',
      `  ${isAppReport(report) ? 'the login' : 'the good token'} got: ${report.misconfigured.got}`,
      '  likely cause:',
    );
    for (const cause of report.misconfigured.causes) lines.push(`    - ${cause}`);
    if (report.misconfigured.tried.length > 0) {
      lines.push('  variants tried:');
      for (const { variant, got } of report.misconfigured.tried) lines.push(`    - ${variant}: ${got}`);
    }
  }
  const findings = report.results.filter((r) => r.verdict === 'FAIL' || r.verdict === 'WARN' || r.verdict === 'SKIP');
  if (findings.length > 0 && !report.misconfigured) {
    lines.push('', 'Findings (fixes per library: docs/conformance.md):');
    for (const r of findings) {
      lines.push(`  ${r.verdict} ${r.checkId} (${r.level}, ${r.reference})`);
      lines.push(`    sent: ${r.sent}`);
      lines.push(`    expected: ${r.expected.replace(/`/g, '')}; got: ${r.got}`);
      if (r.reason) lines.push(`    ${r.reason.replace(/`/g, '')}`);
    }
  }
  lines.push('', summaryLine(report));
  return `${lines.join('\n')}\n`;
}

export function renderJson(report: AnyConformanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function xml(text: string): string {
  return text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 allows tab, LF and CR; every other control character is dropped.
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JUnit XML: one testcase per check; FAIL is a failure, SKIP skipped, WARN passes with the warning in system-out. */
export function renderJunit(report: AnyConformanceReport): string {
  const { summary } = report;
  const tests = report.results.length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const { name } = heading(report);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mock-idp conformance" tests="${tests}" failures="${summary.failed}" errors="0" skipped="${summary.skipped}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="${xml(name)}" tests="${tests}" failures="${summary.failed}" errors="0" skipped="${summary.skipped}" timestamp="${xml(report.startedAt)}" time="${seconds(report.durationMs)}">`,
  ];
  for (const r of report.results) {
    const time = r.answer ? seconds(r.answer.ms) : '0.000';
    const detail = `sent: ${r.sent}\nexpected: ${r.expected}\ngot: ${r.got}${r.reason ? `\n${r.reason}` : ''}\nreference: ${r.reference}`;
    lines.push(`    <testcase classname="mock-idp.conformance.${xml(r.caseId)}" name="${xml(`${r.checkId} ${r.title}`)}" time="${time}">`);
    lines.push(`      <properties><property name="level" value="${r.level}"/><property name="verdict" value="${r.verdict}"/></properties>`);
    if (r.verdict === 'FAIL') lines.push(`      <failure type="${r.level}" message="${xml(r.reason ?? `expected ${r.expected}, got ${r.got}`)}">${xml(detail)}</failure>`);
    if (r.verdict === 'SKIP') lines.push(`      <skipped message="${xml(r.reason ?? 'not applicable')}"/>`);
    if (r.verdict === 'WARN') lines.push(`      <system-out>${xml(`WARN (${r.level}): ${detail}`)}</system-out>`);
    lines.push('    </testcase>');
  }
  if (report.misconfigured) {
    lines.push(`    <system-err>${xml(`misconfigured target: ${report.misconfigured.causes.join('\n')}`)}</system-err>`);
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}

export function renderReport(report: AnyConformanceReport, format: ReportFormat): string {
  if (format === 'json') return renderJson(report);
  if (format === 'junit') return renderJunit(report);
  return renderText(report);
}
