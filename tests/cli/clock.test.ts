/** `mock-idp clock` (the built CLI) against a running mock: time travel from a shell or a CI step. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { cli } from '../helpers/cli.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0, adminToken: 'clock-secret' });
});
afterAll(() => idp.close());

describe('mock-idp clock', () => {
  it('moves the running mock 30 days ahead with "advance 30d", and shows the offset', async () => {
    const advanced = await cli('clock', 'advance', '30d', '--issuer', idp.issuer, '--admin-token', 'clock-secret');
    expect(advanced).toMatchObject({ code: 0, stderr: '' });
    expect(advanced.stdout).toMatch(/^ahead by 30d \(2592000 s\): now \d{4}-\d\d-\d\dT.*Z \(epoch \d+\)\n$/);
    expect(idp.clock.offset).toBe(2_592_000);

    const shown = await cli('clock', '--issuer', idp.issuer, '--admin-token', 'clock-secret', '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ offset: 2_592_000, epoch: expect.any(Number), now: expect.any(String) });
  });

  it('refuses a negative or malformed duration as a usage error (exit 2) without asking the mock', async () => {
    const before = idp.clock.offset;
    for (const amount of ['-1d', 'soon', '1.5h']) {
      const refused = await cli('clock', 'advance', amount, '--issuer', idp.issuer, '--admin-token', 'clock-secret');
      expect({ amount, code: refused.code }).toEqual({ amount, code: 2 });
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await cli('clock', 'advance', '--issuer', idp.issuer)).code).toBe(2);
    expect((await cli('clock', 'rewind', '1d', '--issuer', idp.issuer)).code).toBe(2);
    expect(idp.clock.offset).toBe(before);
  });

  it('exits 1 and says to pass the admin token when the mock needs one', async () => {
    const refused = await cli('clock', '--issuer', idp.issuer);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--admin-token');
  });
});
