import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { lockDataDir, prepareDataDir, readStateFile, writeFileAtomic } from '../core/persistence/data-dir.js';
import { checkSnapshot, parseSnapshot } from '../core/persistence/snapshot.js';
import { parseHttpUrl, UsageError } from './args.js';
import { askRunningMock } from './ask-mock.js';

export interface StateFlags {
  issuer?: string | undefined;
  'admin-token'?: string | undefined;
  'data-dir'?: string | undefined;
}

const USAGE = 'mock-idp state export FILE | mock-idp state import FILE, with --issuer URL (a running mock) or --data-dir DIR (a stopped one)';

/**
 * `mock-idp state export|import FILE`: a whole run-time state to or from a file, on a running mock
 * (GET / POST <issuer>_mock/state) or on the data directory of a stopped one (DIR/state.json,
 * replaced atomically). Either way the state is checked first: a corrupt or newer-format one is
 * refused (exit 1) and nothing changes.
 */
export async function runState(flags: StateFlags, args: string[]): Promise<number> {
  const [verb, file, ...extra] = args;
  if (verb !== 'export' && verb !== 'import') throw new UsageError(verb === undefined ? `state needs export or import: ${USAGE}` : `unknown state command "${verb}": ${USAGE}`);
  if (file === undefined) throw new UsageError(`state ${verb} needs a FILE: ${USAGE}`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}" for "state"`);
  if ((flags.issuer === undefined) === (flags['data-dir'] === undefined)) throw new UsageError(`state ${verb}: give either --issuer URL or --data-dir DIR`);
  const target = resolve(file);
  if (flags['data-dir'] !== undefined) {
    const stateFile = prepareDataDir(flags['data-dir']);
    if (verb === 'export') {
      const saved = readStateFile(stateFile);
      if (!saved) throw new Error(`${stateFile} does not exist: nothing to export (start the mock with --data-dir ${flags['data-dir']} first)`);
      await writeFileAtomic(target, `${JSON.stringify(saved)}\n`);
    } else {
      const snapshot = parseSnapshot(await readFile(target, 'utf8'), target);
      // Not under a running mock: it would write its own state over the import.
      const release = lockDataDir(flags['data-dir']);
      try {
        await writeFileAtomic(stateFile, JSON.stringify(snapshot));
      } finally {
        release();
      }
    }
    process.stdout.write(`mock-idp: ${verb === 'export' ? `state of ${stateFile} written to ${target}` : `${target} imported into ${stateFile} (the mock there loads it when it starts)`}\n`);
    return 0;
  }
  const issuer = parseHttpUrl('issuer', flags.issuer!);
  if (verb === 'export') {
    const snapshot = checkSnapshot(await askRunningMock(issuer, 'state', undefined, flags['admin-token']), `${issuer.href}_mock/state`);
    await writeFileAtomic(target, `${JSON.stringify(snapshot)}\n`);
    process.stdout.write(`mock-idp: state of ${issuer.href} written to ${target} (${snapshot.store.entries.length} stored entries)\n`);
  } else {
    const snapshot = parseSnapshot(await readFile(target, 'utf8'), target);
    await askRunningMock(issuer, 'state', snapshot, flags['admin-token']);
    process.stdout.write(`mock-idp: ${target} imported into ${issuer.href}\n`);
  }
  return 0;
}
