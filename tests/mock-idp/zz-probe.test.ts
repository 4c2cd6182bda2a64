import { it } from 'vitest';
import { parseTenant } from '../../mock-idp/index.js';
import { fixtureTenant } from './tenants.js';
const show = (f: (t: any) => void) => { const t = fixtureTenant() as any; f(t); try { parseTenant(t); console.log('ok'); } catch (e: any) { console.log(e.problems.map((p: any) => p.path).join(' , ')); } };
it('probe', () => {
  show((t) => { t.users[0].email = 'bad'; t.users[1].roles = ['superuser']; });
  show((t) => { t.applications[0].callbaks = []; t.users[1].roles = ['superuser']; });
  show((t) => { delete t.applications[0].clientSecret; t.users[1].roles = ['superuser']; });
  show((t) => { t.apis[0].tokenLifetime = 'x'; t.users[1].roles = ['superuser']; });
  show((t) => { t.users[0].blocked = 'yes'; t.users[1].roles = ['superuser']; });
});
