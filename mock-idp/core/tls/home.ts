import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where mock-idp keeps state that outlives a run (the local CA): `MOCK_IDP_HOME`, else `~/.mock-idp`. */
export function mockIdpHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.MOCK_IDP_HOME || join(homedir(), '.mock-idp');
}
