/** The built CLI (dist/bin/mock-idp.mjs, built by `pretest`) run as a shell script or CI job runs it. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'dist', 'bin', 'mock-idp.mjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}
