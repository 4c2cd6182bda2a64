#!/usr/bin/env node
import { parseArgs } from 'node:util';

export const USAGE = `mock-idp: a local, offline stand-in for Auth0 (a TEST identity provider)

Usage:
  mock-idp [start] [--config FILE] [--port 4000] [--host localhost] [--issuer URL]

Commands:
  start     start the IdP (the default command)

Options:
  --config FILE   tenant file (default: the shipped fixtures/tenant.json)
  --port N        port to listen on (default 4000; 0 picks a free port)
  --host HOST     localhost (default: binds 127.0.0.1 and ::1) or an address to bind
  --issuer URL    issuer to advertise (default http://<host>:<port>/)
  -h, --help      show this help
`;

/** Exit codes: 0 ok, 1 runtime failure (bad tenant, port in use), 2 bad arguments. */
export class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      issuer: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [command = 'start', ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  switch (command) {
    case 'start': {
      const { runStart } = await import('./start-command.js');
      return runStart(values);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`mock-idp: ${(err as Error).message}\n${usage ? `\n${USAGE}` : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
