import { StartOptionsError } from './errors.js';

/**
 * The admin API's start options, checked before anything listens (or loads): an admin API open to other
 * machines needs a token, and an empty token would lock everyone out.
 */
export function checkAdminOptions({ adminToken, allowRemoteAdmin }: { adminToken?: string | undefined; allowRemoteAdmin?: boolean | undefined }): void {
  if (adminToken === '') throw new StartOptionsError('ERR_ADMIN_TOKEN_EMPTY', 'adminToken is empty: give a secret, or leave it out', 'adminToken');
  if (allowRemoteAdmin && adminToken === undefined) {
    throw new StartOptionsError('ERR_REMOTE_ADMIN_WITHOUT_TOKEN', 'allowRemoteAdmin needs adminToken: without it anyone who can reach the port could change users and keys', 'allowRemoteAdmin');
  }
}
