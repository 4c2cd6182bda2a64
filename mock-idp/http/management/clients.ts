import { UnknownClient } from '../../core/errors.js';
import type { Endpoint } from './endpoint.js';
import { paginate, param, selectFields } from './endpoint.js';
import { clientJson } from './format.js';

const READ = ['read:clients', 'read:client_keys'];

/** Read-only: the tenant's applications; their secrets only with `read:client_keys`, as on Auth0. */
export const CLIENT_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/clients',
    scopes: READ,
    handle(ctx, state) {
      const keys = ctx.state.managementScopes.has('read:client_keys');
      ctx.body = paginate(ctx, 'clients', state.tenant.applications.map((app) => selectFields(ctx, clientJson(app, keys))));
    },
  },
  {
    method: 'GET',
    path: '/clients/:id',
    scopes: READ,
    handle(ctx, state) {
      const app = state.directory.application(param(ctx, 'id'));
      if (!app) throw new UnknownClient(param(ctx, 'id'), 'id');
      ctx.body = selectFields(ctx, clientJson(app, ctx.state.managementScopes.has('read:client_keys')));
    },
  },
];
