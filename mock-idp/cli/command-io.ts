import { writeFileSync } from 'node:fs';
import { ConformanceSetupError } from '../conformance/errors.js';
import { renderReport, summaryLine, type AnyConformanceReport, type ReportFormat } from '../conformance/report.js';

/** Where a command writes (process.stdout / stderr, or a test's buffers). */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const PROCESS_IO: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * Runs a conformance harness and prints its report (to `out`, with the summary line on stdout);
 * returns the exit code: the report's, or 2 when the run could not start (ConformanceSetupError).
 */
export async function printConformanceRun(run: () => Promise<AnyConformanceReport>, format: ReportFormat, out: string | undefined, io: CommandIo): Promise<number> {
  try {
    const report = await run();
    const text = renderReport(report, format);
    if (out !== undefined) {
      writeFileSync(out, text);
      io.stdout(`${summaryLine(report)} (report: ${out})\n`);
    } else {
      io.stdout(text);
    }
    return report.exitCode;
  } catch (err) {
    if (err instanceof ConformanceSetupError) {
      io.stderr(`mock-idp conformance: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
