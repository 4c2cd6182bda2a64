import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MockIdpError } from '../errors.js';

/** An action file that cannot be loaded (missing, a syntax error, no handler); `location` is `file:line` when known. */
export class ActionLoadError extends MockIdpError {
  declare readonly code: 'ERR_ACTION_INVALID';
  /** Where the tenant names the file, e.g. `$.actions.postLogin[0]` (set by ActionRunner.loadAll). */
  tenantPath = '$.actions';
  constructor(
    readonly file: string,
    readonly location: string,
    readonly reason: string,
  ) {
    super('ERR_ACTION_INVALID', `action ${location}: ${reason}`);
  }
}

export type Handler = (event: unknown, api: unknown) => unknown;

/** A loaded action: its trigger's handler and the optional exports the trigger may call too (`onContinuePostLogin`). */
export interface LoadedHandler {
  file: string;
  handler: Handler;
  optional: Readonly<Record<string, Handler>>;
}

interface Loaded {
  mtimeMs: number;
  size: number;
  handler: LoadedHandler;
}

const require = createRequire(import.meta.url);

/** ESM or CommonJS as Node decides it: `.mjs`/`.cjs`, else the nearest package.json's `type`. */
function isEsm(file: string): boolean {
  const ext = extname(file);
  if (ext === '.mjs') return true;
  if (ext === '.cjs') return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

/** `file:line` of a syntax error: Node's own `--check` names it for both module kinds (run only when loading failed). */
function syntaxErrorLocation(file: string): string {
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  const line = check.stderr.split('\n').find((l) => l.startsWith(file) || l.startsWith(pathToFileURL(file).href));
  const at = line?.match(/:(\d+)\s*$/)?.[1];
  return at ? `${file}:${at}` : file;
}

/**
 * The modules of one trigger, re-read when a file changes (its mtime or size, checked on every run):
 * a change takes effect on the next login without a restart. A file that no longer loads keeps its
 * last good version and is reported once per change through `onReloadError`.
 */
export class ActionModules {
  readonly #loaded = new Map<string, Loaded>();
  readonly #failed = new Map<string, number>();

  constructor(
    readonly files: readonly string[],
    private readonly exportName: string,
    private readonly onReloadError: (err: ActionLoadError) => void,
    /** Exports read when present, e.g. `onContinuePostLogin` (the resumption after a redirect). */
    private readonly optionalExports: readonly string[] = [],
  ) {}

  static resolve(baseDir: string, paths: readonly string[]): string[] {
    return paths.map((p) => resolve(baseDir, p));
  }

  async #load(file: string, stamp: number): Promise<LoadedHandler> {
    let mod: Record<string, unknown>;
    try {
      if (isEsm(file)) {
        mod = (await import(`${pathToFileURL(file).href}?v=${stamp}`)) as Record<string, unknown>;
      } else {
        delete require.cache[file];
        mod = require(file) as Record<string, unknown>;
      }
    } catch (err) {
      if (err instanceof SyntaxError) throw new ActionLoadError(file, syntaxErrorLocation(file), `SyntaxError: ${err.message}`);
      const e = err as Error;
      throw new ActionLoadError(file, file, `${e.name}: ${e.message}`);
    }
    const exported = (name: string) => mod[name] ?? (mod.default as Record<string, unknown> | undefined)?.[name];
    const handler = exported(this.exportName);
    if (typeof handler !== 'function') throw new ActionLoadError(file, file, `exports no ${this.exportName} function`);
    const optional = Object.fromEntries(this.optionalExports.flatMap((name) => (typeof exported(name) === 'function' ? [[name, exported(name) as Handler]] : [])));
    return { file, handler: handler as Handler, optional };
  }

  /** Loads every file now; throws the first ActionLoadError (at start: the mock refuses to start). */
  async loadAll(): Promise<void> {
    for (const file of this.files) await this.#refresh(file, true);
  }

  async #refresh(file: string, strict: boolean): Promise<LoadedHandler | undefined> {
    let stat: { mtimeMs: number; size: number };
    try {
      stat = statSync(file);
    } catch (cause) {
      const err = new ActionLoadError(file, file, `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
      if (strict) throw err;
      return this.#keepOld(file, 0, err);
    }
    const current = this.#loaded.get(file);
    if (current && current.mtimeMs === stat.mtimeMs && current.size === stat.size) return current.handler;
    try {
      const handler = await this.#load(file, stat.mtimeMs);
      this.#loaded.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, handler });
      this.#failed.delete(file);
      return handler;
    } catch (err) {
      if (strict || !(err instanceof ActionLoadError)) throw err;
      return this.#keepOld(file, stat.mtimeMs, err);
    }
  }

  #keepOld(file: string, mtimeMs: number, err: ActionLoadError): LoadedHandler | undefined {
    if (this.#failed.get(file) !== mtimeMs) {
      this.#failed.set(file, mtimeMs);
      this.onReloadError(err);
    }
    return this.#loaded.get(file)?.handler;
  }

  /** The handlers to run now, in order (each file re-read if it changed; a broken one keeps its last good version). */
  async handlers(): Promise<LoadedHandler[]> {
    const out: LoadedHandler[] = [];
    for (const file of this.files) {
      const loaded = await this.#refresh(file, false);
      if (loaded) out.push(loaded);
    }
    return out;
  }
}
