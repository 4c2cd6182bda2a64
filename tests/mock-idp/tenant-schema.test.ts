/**
 * tenant.schema.json and the README's tenant file reference are generated from
 * the zod tenant schema (mock-idp/core/tenant/reference.ts): both must be what the
 * generator gives now, cover every field, and accept what mock-idp accepts.
 *
 * No JSON Schema validator is a dependency of this project, so the checks below
 * use a small validator of exactly the keywords z.toJSONSchema emits for this
 * schema: it throws on any other keyword rather than ignoring it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PACKAGE_PATHS } from '../../mock-idp/core/package-paths.js';
import { DEFAULTS } from '../../mock-idp/core/tenant/defaults.js';
import { parseTenant } from '../../mock-idp/core/tenant/load.js';
import {
  type JsonSchemaNode,
  README_PATH,
  REGENERATE_TENANT_COMMAND,
  RULE_DEFAULT_PATHS,
  renderTenantJsonSchema,
  renderTenantReference,
  TENANT_SCHEMA_PATH,
  tenantJsonSchema,
  tenantReferenceRows,
  tenantReferenceSection,
  withTenantReference,
} from '../../mock-idp/core/tenant/reference.js';
import { tenantSchema } from '../../mock-idp/core/tenant/schema.js';
import { fixtureTenant } from './tenants.js';

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

// ---- a validator of the keywords this schema uses -------------------------------------------

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default']);
const ASSERTIONS = new Set(['type', 'const', 'enum', 'minLength', 'pattern', 'format', 'minimum', 'exclusiveMinimum', 'maximum', 'minItems', 'items', 'properties', 'required', 'additionalProperties', 'propertyNames']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return isObject(value);
    case 'array': return Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'null': return value === null;
    default: return typeof value === type;
  }
}

function formatHolds(format: string, value: string): boolean {
  if (format === 'email') return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value);
  if (format === 'uri') return URL.canParse(value) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
  throw new Error(`validator does not implement format "${format}"`);
}

/** Every way `value` breaks `node`, as `$.path: message`. */
function validate(node: JsonSchemaNode, value: unknown, path = '$'): string[] {
  for (const keyword of Object.keys(node)) {
    if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) throw new Error(`validator does not implement "${keyword}" (at ${path})`);
  }
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${path}: ${message}`);
  if (node.type !== undefined && !hasType(value, node.type)) return [`${path}: not of type ${node.type}`];
  if ('const' in node && !sameJson(value, node.const)) fail(`not ${JSON.stringify(node.const)}`);
  if (node.enum && !node.enum.some((e) => sameJson(e, value))) fail(`not one of ${JSON.stringify(node.enum)}`);
  if (typeof value === 'string') {
    if (node.minLength !== undefined && [...value].length < node.minLength) fail(`shorter than ${node.minLength}`);
    if (node.pattern !== undefined && !new RegExp(node.pattern, 'u').test(value)) fail(`does not match ${node.pattern}`);
    if (node.format !== undefined && !formatHolds(node.format, value)) fail(`not a valid ${node.format}`);
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum) fail(`below ${node.minimum}`);
    if (node.exclusiveMinimum !== undefined && value <= node.exclusiveMinimum) fail(`not above ${node.exclusiveMinimum}`);
    if (typeof node.maximum === 'number' && value > node.maximum) fail(`above ${node.maximum}`);
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) fail(`fewer than ${node.minItems} items`);
    if (node.items) for (const [i, item] of value.entries()) errors.push(...validate(node.items, item, `${path}[${i}]`));
  }
  if (isObject(value)) {
    for (const key of node.required ?? []) if (!(key in value)) fail(`missing required "${key}"`);
    for (const [key, v] of Object.entries(value)) {
      const sub = `${path}.${key}`;
      const declared = node.properties?.[key];
      if (declared) errors.push(...validate(declared, v, sub));
      else if (node.additionalProperties === false) errors.push(`${sub}: unknown key`);
      else if (isObject(node.additionalProperties)) errors.push(...validate(node.additionalProperties, v, sub));
      if (isObject(node.propertyNames)) errors.push(...validate(node.propertyNames as JsonSchemaNode, key, `${sub} (key)`));
    }
  }
  return errors;
}

// ---- what draft 2020-12 allows ----------------------------------------------------------------

/** Every keyword of the draft 2020-12 vocabularies (core, applicator, unevaluated, validation, meta-data, format, content). */
const DRAFT_2020_12_KEYWORDS = new Set([
  '$schema', '$id', '$ref', '$anchor', '$dynamicRef', '$dynamicAnchor', '$vocabulary', '$comment', '$defs',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'prefixItems', 'items', 'contains',
  'properties', 'patternProperties', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties',
  'type', 'const', 'enum', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'required', 'dependentRequired',
  'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples', 'format', 'contentEncoding', 'contentMediaType', 'contentSchema',
]);
const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);

/** Problems that make `node` not a well-formed draft 2020-12 schema (and fields without a description). */
function draftProblems(node: JsonSchemaNode, path: string, isField: boolean): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`${path}: ${message}`);
  for (const keyword of Object.keys(node)) if (!DRAFT_2020_12_KEYWORDS.has(keyword)) fail(`"${keyword}" is not a draft 2020-12 keyword`);
  if (node.type !== undefined && !TYPES.has(node.type)) fail(`type "${node.type}"`);
  for (const k of ['minLength', 'minItems'] as const) if (node[k] !== undefined && !(Number.isInteger(node[k]) && node[k] >= 0)) fail(`${k} must be a non-negative integer`);
  for (const k of ['minimum', 'exclusiveMinimum', 'maximum'] as const) if (node[k] !== undefined && typeof node[k] !== 'number') fail(`${k} must be a number`);
  if (node.pattern !== undefined) {
    try {
      new RegExp(node.pattern, 'u');
    } catch (error) {
      fail(`pattern is not an ECMA-262 (u) regex: ${(error as Error).message}`);
    }
  }
  if (node.enum !== undefined && (!Array.isArray(node.enum) || node.enum.length === 0 || new Set(node.enum.map((e) => JSON.stringify(e))).size !== node.enum.length)) fail('enum must be a non-empty array of unique values');
  if (node.required !== undefined) {
    if (!Array.isArray(node.required) || new Set(node.required).size !== node.required.length) fail('required must be unique strings');
    for (const key of node.required) if (!node.properties?.[key]) fail(`required "${key}" is not a property`);
  }
  if (node.additionalProperties !== undefined && typeof node.additionalProperties !== 'boolean' && !isObject(node.additionalProperties)) fail('additionalProperties must be a boolean or a schema');
  if (isField && !node.description?.trim()) fail('has no description');
  if ('default' in node) for (const e of validate(node, node.default, `${path} (default)`)) fail(e);
  for (const [key, sub] of Object.entries(node.properties ?? {})) problems.push(...draftProblems(sub, `${path}.properties.${key}`, true));
  if (node.items) problems.push(...draftProblems(node.items, `${path}.items`, false));
  if (isObject(node.additionalProperties)) problems.push(...draftProblems(node.additionalProperties, `${path}.additionalProperties`, false));
  if (isObject(node.propertyNames)) problems.push(...draftProblems(node.propertyNames as JsonSchemaNode, `${path}.propertyNames`, false));
  return problems;
}

// ---- the zod schema's fields ------------------------------------------------------------------

/** The schema inside `.default()` and `.optional()`. */
function unwrapped(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType };
  return (def.type === 'default' || def.type === 'optional') && def.innerType ? unwrapped(def.innerType) : schema;
}

/** Every field path of a zod object schema, `apis[].rbac.enabled` style, parents first. */
function zodFieldPaths(schema: z.ZodType, prefix = ''): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, field]) => {
    const path = `${prefix}${key}`;
    const value = unwrapped(field);
    const nested = value instanceof z.ZodArray ? zodFieldPaths(unwrapped(value.element as z.ZodType), `${path}[].`) : zodFieldPaths(value, `${path}.`);
    return [path, ...nested];
  });
}

/** GFM's split of a table row into cells: a backslash escapes the next punctuation character, any other pipe ends a cell. */
function gfmCells(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 1; i < row.length - 1; i++) {
    const ch = row[i]!;
    if (ch === '\\' && /[!-/:-@[-`{-~]/.test(row[i + 1] ?? '')) {
      current += ch + row[i + 1];
      i++;
    } else if (ch === '|') {
      cells.push(current.trim());
      current = '';
    } else current += ch;
  }
  return [...cells, current.trim()];
}

const readRoot = (file: string) => readFileSync(join(PACKAGE_PATHS.root, file), 'utf8');

describe(TENANT_SCHEMA_PATH, () => {
  it('is exactly what the generator makes of the zod schema now', () => {
    expect(readRoot(TENANT_SCHEMA_PATH) === renderTenantJsonSchema(), `${TENANT_SCHEMA_PATH} is out of date with mock-idp/core/tenant/schema.ts: regenerate it with \`${REGENERATE_TENANT_COMMAND}\``).toBe(true);
  });

  it('is shipped in the package, where a tenant file\'s "$schema" can point', () => {
    const pkg = JSON.parse(readRoot('package.json')) as { files: string[]; exports: Record<string, unknown> };
    expect(pkg.files).toContain(TENANT_SCHEMA_PATH);
    expect(pkg.exports[`./${TENANT_SCHEMA_PATH}`]).toBe(`./${TENANT_SCHEMA_PATH}`);
  });

  it('is a well-formed draft 2020-12 schema, every field described, every default valid', () => {
    const schema = tenantJsonSchema();
    expect(schema.$schema).toBe(DRAFT_2020_12);
    expect(draftProblems(schema, '$', false)).toEqual([]);
    expect(schema.description).toContain('mock-idp also checks');
    expect(schema.properties?.$schema, 'a tenant file may name its schema').toBeDefined();
  });

  it('describes the input side: defaulted fields are optional and show the default from DEFAULTS', () => {
    const app = tenantJsonSchema().properties!.applications!.items!;
    expect(app.required).toEqual(['clientId', 'name', 'appType']);
    expect(app.properties!.idTokenLifetime!.default).toBe(DEFAULTS.idTokenLifetime);
    expect(app.properties!.refreshToken!.default).toEqual({
      rotation: DEFAULTS.refreshTokenRotation,
      reuseInterval: DEFAULTS.refreshTokenReuseInterval,
      absoluteLifetime: DEFAULTS.refreshTokenAbsoluteLifetime,
      idleLifetime: DEFAULTS.refreshTokenIdleLifetime,
    });
  });

  it('gives every field the default mock-idp fills in', () => {
    // One of each item with only its required fields (and what the refinements need), the same without the nested
    // arrays, and nothing: every field is left to its default in one of them.
    const full = {
      apis: [{ identifier: 'https://api', name: 'API', permissions: [{ value: 'read' }] }],
      roles: [{ name: 'r' }],
      users: [{ sub: 'auth0|1', email: 'a@example.com', password: 'p', name: 'A' }],
      applications: [{ clientId: 'm', name: 'M', appType: 'm2m', clientSecret: 's', clientGrants: [{ audience: 'https://api', permissions: [] }] }],
      socialConnections: [{ name: 'github', displayName: 'GitHub', user: { sub: 'github|1', email: 'g@example.com', name: 'G' }, users: [{ sub: 'github|2', email: 'h@example.com', name: 'H' }] }],
      organizations: [{ id: 'org_1', name: 'o', members: [{ user: 'auth0|1' }] }],
      passwordless: { email: { users: [{ sub: 'email|1', email: 'e@example.com' }] }, sms: { users: [{ sub: 'sms|1', phoneNumber: '+15555550100' }] } },
    };
    const lean = {
      ...full,
      apis: [{ identifier: 'https://api', name: 'API' }],
      applications: [{ clientId: 'm', name: 'M', appType: 'm2m', clientSecret: 's' }],
      socialConnections: [{ name: 'github', displayName: 'GitHub', user: { sub: 'github|1', email: 'g@example.com', name: 'G' } }],
      organizations: [{ id: 'org_1', name: 'o' }],
      passwordless: { email: {}, sms: {} },
    };
    const at = (root: unknown, path: string) => path.split('.').reduce<unknown>((value, part) => {
      const next = (value as Record<string, unknown> | undefined)?.[part.replace(/\[\]$/, '')];
      return part.endsWith('[]') ? (next as unknown[] | undefined)?.[0] : next;
    }, root);
    const inputs = [full, lean, {}];
    const checked: string[] = [];
    const walk = (node: JsonSchemaNode, prefix: string) => {
      for (const [key, field] of Object.entries(node.properties ?? {})) {
        const path = `${prefix}${key}`;
        if ('default' in field) {
          const input = inputs.find((i) => at(i, path) === undefined)!;
          expect(at(parseTenant(input), path), path).toEqual(field.default);
          checked.push(path);
        }
        if (field.properties) walk(field, `${path}.`);
        if (field.items?.properties) walk(field.items, `${path}[].`);
      }
    };
    walk(tenantJsonSchema(), '');
    expect(checked).toContain('apis[].permissions');
    expect(checked).toContain('applications[].refreshToken.reuseInterval');
    expect(checked).toContain('socialConnections[].user.emailVerified');
    expect(checked.length).toBeGreaterThan(25);
  });

  it('accepts fixtures/tenant.json', () => {
    expect(validate(tenantJsonSchema(), fixtureTenant())).toEqual([]);
    expect(() => parseTenant(fixtureTenant())).not.toThrow();
  });

  it('refuses an unknown key or a wrong type, where mock-idp does', () => {
    const broken: [string, (t: Record<string, any>) => void, string][] = [
      ['unknown top-level key', (t) => void (t.nmae = 'x'), '$.nmae: unknown key'],
      ['unknown nested key', (t) => void (t.applications[0].callbaks = []), '$.applications[0].callbaks: unknown key'],
      ['string for an integer', (t) => void (t.apis[0].tokenLifetime = '86400'), '$.apis[0].tokenLifetime: not of type integer'],
      ['zero lifetime', (t) => void (t.applications[0].refreshToken = { idleLifetime: 0 }), '$.applications[0].refreshToken.idleLifetime: not above 0'],
      ['string for a boolean', (t) => void (t.users[0].emailVerified = 'yes'), '$.users[0].emailVerified: not of type boolean'],
      ['unknown enum value', (t) => void (t.applications[0].appType = 'web'), '$.applications[0].appType: not one of'],
      ['not an email', (t) => void (t.users[0].email = 'alice-at-example.com'), '$.users[0].email:'],
      ['missing required', (t) => void delete t.users[0].password, '$.users[0]: missing required "password"'],
      ['object for an array', (t) => void (t.roles = {}), '$.roles: not of type array'],
    ];
    for (const [what, change, expected] of broken) {
      const tenant = fixtureTenant() as Record<string, any>;
      change(tenant);
      const errors = validate(tenantJsonSchema(), tenant);
      expect(errors.some((e) => e.startsWith(expected)), `${what}: ${JSON.stringify(errors)}`).toBe(true);
      expect(() => parseTenant(tenant), `${what}: mock-idp refuses it too`).toThrow();
    }
  });
});

describe(`${README_PATH} tenant file reference`, () => {
  const readme = readRoot(README_PATH);

  it('is exactly what the generator makes of the zod schema now', () => {
    expect(tenantReferenceSection(readme) === renderTenantReference(), `the tenant file reference in ${README_PATH} is out of date with mock-idp/core/tenant/schema.ts: regenerate it with \`${REGENERATE_TENANT_COMMAND}\``).toBe(true);
    expect(withTenantReference(readme)).toBe(readme);
  });

  it('has a row for every key of the zod schema, with a meaning and a default', () => {
    const paths = zodFieldPaths(tenantSchema);
    expect(paths).toContain('applications[].refreshToken.idleLifetime');
    expect(paths).toContain('socialConnections[].user.claims');
    const rows = tenantReferenceRows();
    expect(rows.map((r) => r.path)).toEqual(paths);
    for (const path of paths) expect(readme, path).toContain(`| \`${path}\` |`);
    for (const row of rows) {
      expect(row.meaning.trim(), row.path).not.toBe('');
      expect(row.default.trim(), row.path).not.toBe('');
    }
    for (const path of RULE_DEFAULT_PATHS) expect(paths, 'a rule default names a field').toContain(path);
  });

  it('shows the defaults from DEFAULTS, including the ones that depend on the application type', () => {
    const row = (path: string) => tenantReferenceRows().find((r) => r.path === path)!;
    expect(row('applications[].refreshToken.absoluteLifetime').default).toBe(`\`${DEFAULTS.refreshTokenAbsoluteLifetime}\``);
    expect(row('apis[].tokenLifetime').default).toBe(`\`${DEFAULTS.accessTokenLifetime}\``);
    expect(row('applications[].appType').default).toBe('required');
    expect(row('applications[].grantTypes').default).toContain(`m2m: \`${DEFAULTS.grantTypes.m2m[0]}\``);
    expect(row('applications[].tokenEndpointAuthMethod').default).toContain(DEFAULTS.tokenEndpointAuthMethod.public);
  });

  it('is a table GFM reads as four columns on every row', () => {
    const table = renderTenantReference().split('\n').filter((line) => line.startsWith('|'));
    expect(table.length).toBe(tenantReferenceRows().length + 2);
    for (const line of table) expect(gfmCells(line), line).toHaveLength(4);
  });
});
