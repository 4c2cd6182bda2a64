import { StartOptionsError } from './errors.js';

/**
 * The admin API's start options, checked before anything listens (or loads): an admin API open to other
 * machines needs a token, and an empty token would lock everyone out.
 */
function checkAdminOptions({ adminToken, allowRemoteAdmin }: { adminToken?: string | undefined; allowRemoteAdmin?: boolean | undefined }): void {
  if (adminToken === '') throw new StartOptionsError('ERR_ADMIN_TOKEN_EMPTY', 'adminToken is empty: give a secret, or leave it out', 'adminToken');
  if (allowRemoteAdmin && adminToken === undefined) {
    throw new StartOptionsError('ERR_REMOTE_ADMIN_WITHOUT_TOKEN', 'allowRemoteAdmin needs adminToken: without it anyone who can reach the port could change users and keys', 'allowRemoteAdmin');
  }
}

/**
 * Every start option checked before anything listens (or loads): the admin API's (checkAdminOptions), and the
 * state in one place: Redis or a data directory, not both (`ERR_REDIS_WITH_DATA_DIR`).
 */
export function checkStartOptions(options: Parameters<typeof checkAdminOptions>[0] & { redis?: string | undefined; dataDir?: string | undefined }): void {
  checkAdminOptions(options);
  if (options.redis !== undefined && options.dataDir !== undefined) {
    throw new StartOptionsError('ERR_REDIS_WITH_DATA_DIR', 'redis and dataDir together: the state lives in one place; give --redis (Redis persists it with its own RDB/AOF settings) or --data-dir', 'redis');
  }
}
