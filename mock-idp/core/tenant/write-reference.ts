/** `node dist/mock-idp/core/tenant/write-reference.js`: regenerates tenant.schema.json and the README's tenant file reference from the tenant schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_PATHS } from '../package-paths.js';
import { README_PATH, renderTenantJsonSchema, TENANT_SCHEMA_PATH, withTenantReference } from './reference.js';

const schemaFile = join(PACKAGE_PATHS.root, TENANT_SCHEMA_PATH);
writeFileSync(schemaFile, renderTenantJsonSchema());
console.log(`wrote ${schemaFile}`);

const readmeFile = join(PACKAGE_PATHS.root, README_PATH);
writeFileSync(readmeFile, withTenantReference(readFileSync(readmeFile, 'utf8')));
console.log(`wrote ${readmeFile} (tenant file reference)`);
