import { ManagementApiError } from '../errors.js';
import type { Endpoint } from './endpoint.js';
import { paginate, param } from './endpoint.js';
import { resourceServerId, resourceServerJson } from './format.js';

/** Read-only: the tenant's APIs and Auth0's Management API (`is_system`). */
export const RESOURCE_SERVER_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/resource-servers',
    scopes: ['read:resource_servers'],
    handle(ctx, state) {
      const { directory } = state;
      const apis = [...directory.tenant.apis, ...(directory.managementApi ? [directory.managementApi] : [])];
      ctx.body = paginate(ctx, 'resource_servers', apis.map((api) => resourceServerJson(directory, api)));
    },
  },
  {
    method: 'GET',
    path: '/resource-servers/:id',
    scopes: ['read:resource_servers'],
    handle(ctx, state) {
      const { directory } = state;
      const id = param(ctx, 'id');
      const apis = [...directory.tenant.apis, ...(directory.managementApi ? [directory.managementApi] : [])];
      // As on Auth0, the id or the identifier.
      const api = apis.find((a) => resourceServerId(a) === id || a.identifier === id);
      if (!api) throw new ManagementApiError(404, 'Resource server not found', 'inexistent_resource_server');
      ctx.body = resourceServerJson(directory, api);
    },
  },
];
