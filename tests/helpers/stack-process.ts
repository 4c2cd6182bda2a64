/** `npm start`'s script (dist/stack/start.js) as a child process on free ports, read back from what it prints. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { killAtEnd } from './children.js';

const START = join(process.cwd(), 'dist', 'stack', 'start.js');
export const FREE_PORTS = { MOCK_IDP_PORT: '0', SAMPLE_API_PORT: '0', SAMPLE_APP_PORT: '0', SAMPLE_SPA_PORT: '0' };

/** Starts the stack with `env` added (NODE_EXTRA_CA_CERTS never inherited: the stack must trust the CA itself); killed after the test. */
export async function startStackProcess(env: Record<string, string>) {
  const { NODE_EXTRA_CA_CERTS: _ignored, ...inherited } = process.env;
  const proc = killAtEnd(spawn(process.execPath, [START], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...inherited, ...env } }), 'test');
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d));
  const ready = await new Promise<boolean>((resolve) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('Ctrl-C stops them all.')) resolve(true);
    });
    proc.once('exit', () => resolve(false));
  });
  const stackSection = out.slice(out.indexOf('Local stack:'));
  const url = (name: string) => new RegExp(`^  ${name}\\s+(http\\S+)`, 'm').exec(stackSection)?.[1] ?? '';
  return { proc, ready, out, err: () => err, urls: { idp: url('mock-idp'), api: url('sample-api'), app: url('sample-app'), spa: url('sample-spa') } };
}
