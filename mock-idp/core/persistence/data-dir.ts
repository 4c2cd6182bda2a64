import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MockIdpError } from '../errors.js';
import { parseSnapshot, type StateSnapshot } from './snapshot.js';

/** The one file of a data directory. */
export const STATE_FILE = 'state.json';

/** Names the process that holds a data directory (one mock per directory). */
const LOCK_FILE = 'lock';

/** How long changes are gathered into one write: a login's dozen store writes cost one file write. */
export const WRITE_DELAY_MS = 250;

/** The data directory cannot be created or written. */
export class DataDirError extends MockIdpError {
  declare readonly code: 'ERR_DATA_DIR';
  constructor(message: string) {
    super('ERR_DATA_DIR', message);
  }
}

/**
 * Writes a file so that a crash at any moment leaves either the old or the new content, never a mix:
 * a temporary file beside it, flushed to disk (fsync), renamed over it, and the directory flushed.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${STATE_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  // The rename itself is durable once the directory is flushed (not every platform lets a directory be opened).
  const dir = await open(dirname(file), 'r').catch(() => undefined);
  await dir?.sync().catch(() => {});
  await dir?.close();
}

/** The state kept in a file, or undefined when there is none yet; StateFileError for a corrupt or newer file. */
export function readStateFile(file: string): StateSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataDirError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseSnapshot(text, file);
}

/** Creates the data directory if needed and returns its state file's path. */
export function prepareDataDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new DataDirError(`cannot create the data directory ${dir}: ${(err as Error).message}`);
  }
  return join(dir, STATE_FILE);
}

/** Whether a process with this id is running (one we may not signal counts as running). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data directory for this mock: DataDirError when a running process holds it (another mock,
 * or one in this process). A lock left by a process that died (kill -9) is taken over. Returns its release.
 */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataDirError(`cannot lock the data directory ${dir}: ${(err as Error).message}`);
    }
    const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) throw new DataDirError(`the data directory ${dir} is in use by process ${holder} (one mock per directory)`);
    rmSync(file, { force: true });
  }
  throw new DataDirError(`cannot lock the data directory ${dir}: another process keeps taking it`);
}

/**
 * Writes a state to its file after every change, gathering the changes of `delayMs` into one write;
 * one write at a time, the newest state last. A failed write is reported (once per failure run) and
 * retried at the next change: the mock keeps answering.
 */
export class StateWriter {
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #failing = false;
  /** Writes done, and the time they took (the bench and `--data-dir`'s cost). */
  writes = 0;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => StateSnapshot,
    private readonly delayMs = WRITE_DELAY_MS,
  ) {}

  /** A change happened: a write follows within `delayMs`. */
  changed(): void {
    this.#dirty = true;
    if (this.#timer === undefined && this.#writing === undefined) this.#timer = setTimeout(() => void this.#write(), this.delayMs);
  }

  async #write(): Promise<void> {
    this.#timer = undefined;
    if (!this.#dirty) return;
    this.#dirty = false;
    const writing = writeFileAtomic(this.file, JSON.stringify(this.snapshot())).then(
      () => {
        this.writes++;
        this.#failing = false;
      },
      (err: unknown) => {
        if (!this.#failing) console.error(`mock-idp: cannot write the state to ${this.file}: ${(err as Error).message}`);
        this.#failing = true;
      },
    );
    this.#writing = writing;
    await writing;
    this.#writing = undefined;
    if (this.#dirty) this.#timer = setTimeout(() => void this.#write(), this.delayMs);
  }

  /** Writes what changed now and waits for it (on close). */
  async flush(): Promise<void> {
    while (this.#writing !== undefined || this.#dirty) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await (this.#writing ?? this.#write());
    }
  }
}
