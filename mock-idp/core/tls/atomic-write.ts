import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes `path` through a temporary file in the same directory and a rename, so a reader
 * (another mock-idp, or Node reading NODE_EXTRA_CA_CERTS) sees the old file or the new one, never half of it.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o644): Promise<void> {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data, { mode, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
