/**
 * The tenant file's published reference, generated from the zod schema
 * (schema.ts, whose fields carry the descriptions and take their defaults from
 * defaults.ts), so neither can drift from what mock-idp accepts:
 * tenant.schema.json (a JSON Schema, for editors) and the table of the README's
 * "Tenant file reference". `npm run docs:tenant` writes both (write-reference.ts).
 */
import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import { ALSO_CHECKED, tenantSchema } from './schema.js';

export const TENANT_SCHEMA_PATH = 'tenant.schema.json';
export const README_PATH = 'README.md';
export const TENANT_REFERENCE_MARKERS = { start: '<!-- tenant-reference:start -->', end: '<!-- tenant-reference:end -->' } as const;
export const REGENERATE_TENANT_COMMAND = 'npm run docs:tenant';

/** The part of a JSON Schema node the reference reads. */
export interface JsonSchemaNode {
  [keyword: string]: unknown;
  type?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  items?: JsonSchemaNode;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  additionalProperties?: JsonSchemaNode | boolean;
}

/** The tenant file's JSON Schema, input side: a field with a default is optional and shows its `default`. */
export function tenantJsonSchema(): JsonSchemaNode {
  // A plain object: toJSONSchema's result also carries a non-enumerable "~standard" property.
  return JSON.parse(JSON.stringify(z.toJSONSchema(tenantSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }))) as JsonSchemaNode;
}

/** tenant.schema.json, as committed and shipped. */
export function renderTenantJsonSchema(): string {
  return `${JSON.stringify(tenantJsonSchema(), null, 2)}\n`;
}

export interface ReferenceRow {
  /** e.g. `applications[].refreshToken.rotation`. */
  path: string;
  type: string;
  meaning: string;
  default: string;
}

/**
 * Inline code for a table cell. GFM splits a row at every pipe not escaped as
 * `\|`, and reads `\\` as an escaped backslash first, so code holding a
 * backslash before a pipe (a regex like `auth0\|`) cannot be a code span there:
 * it becomes <code> with its punctuation backslash-escaped and the pipe an entity.
 */
function code(text: string): string {
  if (!text.includes('\\|')) return `\`${text}\``;
  return `<code>${[...text].map((ch) => (ch === '|' ? '&#124;' : /[!-/:-@[-`{-~]/.test(ch) ? `\\${ch}` : ch)).join('')}</code>`;
}

/** JSON on one line, with spaces: `{ "enabled": true }`. */
const compactJson = (value: unknown) => JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');

function groupByValue(byKey: Readonly<Record<string, readonly string[]>>): string {
  const groups = new Map<string, string[]>();
  for (const [key, values] of Object.entries(byKey)) {
    const text = values.map(code).join(' + ');
    groups.set(text, [...(groups.get(text) ?? []), key]);
  }
  return [...groups].map(([text, keys]) => `${keys.join(', ')}: ${text}`).join('; ');
}

/** Defaults the schema cannot state (they depend on another field), as the table shows them; from DEFAULTS too. */
const RULE_DEFAULTS: Readonly<Record<string, string>> = {
  'applications[].tokenEndpointAuthMethod': `${code(DEFAULTS.tokenEndpointAuthMethod.confidential)}; ${code(DEFAULTS.tokenEndpointAuthMethod.public)} for spa and native`,
  'applications[].grantTypes': `by appType: ${groupByValue(DEFAULTS.grantTypes)}`,
  'apis[].rbac.addPermissionsInAccessToken': `${code(String(DEFAULTS.addPermissionsInAccessToken))} (or as \`tokenDialect\` says)`,
  'apis[].tokenDialect': `${code(DEFAULTS.tokenDialect.withPermissions)}; ${code(DEFAULTS.tokenDialect.withoutPermissions)} when \`rbac.addPermissionsInAccessToken\` is false`,
  'users[].nickname': 'the email before `@`',
  'socialConnections[].user.nickname': 'the email before `@`',
  'socialConnections[].users[].nickname': 'the email before `@`',
};

export const RULE_DEFAULT_PATHS: readonly string[] = Object.keys(RULE_DEFAULTS);

function typeText(node: JsonSchemaNode): string {
  if ('const' in node) return code(JSON.stringify(node.const));
  if (node.enum) return node.enum.map((v) => code(String(v))).join(' | ');
  switch (node.type) {
    case 'string': {
      if (node.format === 'email') return 'email';
      if (node.format === 'uri') return 'URL';
      if (node.pattern !== undefined) return `string matching ${code(node.pattern)}`;
      return node.minLength ? 'non-empty string' : 'string';
    }
    case 'integer':
    case 'number': {
      if (node.exclusiveMinimum !== undefined) return `${node.type} > ${node.exclusiveMinimum}`;
      if (node.minimum !== undefined) return `${node.type} ≥ ${node.minimum}`;
      return node.type;
    }
    case 'array': {
      const items = node.items ? typeText(node.items) : 'anything';
      return `array of ${items}${node.minItems ? ` (at least ${node.minItems})` : ''}`;
    }
    case 'object': {
      if (node.properties) return 'object';
      const values = node.additionalProperties;
      if (typeof values === 'object') return `object: string → ${Object.keys(values).length === 0 ? 'any JSON value' : typeText(values)}`;
      return 'object';
    }
    default:
      return node.type ?? 'any JSON value';
  }
}

function defaultText(path: string, node: JsonSchemaNode, required: boolean): string {
  if ('default' in node) return code(compactJson(node.default));
  if (required) return 'required';
  return RULE_DEFAULTS[path] ?? '—';
}

function collectRows(node: JsonSchemaNode, prefix: string, rows: ReferenceRow[]): void {
  const required = new Set(node.required ?? []);
  for (const [key, field] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${key}`;
    rows.push({ path, type: typeText(field), meaning: field.description ?? '', default: defaultText(path, field, required.has(key)) });
    if (field.properties) collectRows(field, `${path}.`, rows);
    if (field.items?.properties) collectRows(field.items, `${path}[].`, rows);
  }
}

/** One row per field of the tenant file, in the schema's order, parents before their fields. */
export function tenantReferenceRows(schema: JsonSchemaNode = tenantJsonSchema()): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  collectRows(schema, '', rows);
  return rows;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** What goes between the README's markers (the markers excluded). */
export function renderTenantReference(): string {
  const lines = [
    `<!-- Generated by renderTenantReference() from mock-idp/core/tenant/schema.ts (descriptions) and defaults.ts (DEFAULTS). Do not edit by hand: change the schema and run \`${REGENERATE_TENANT_COMMAND}\`. -->`,
    '',
    '| field | type | meaning | default |',
    '| --- | --- | --- | --- |',
    ...tenantReferenceRows().map((r) => `| ${cell(code(r.path))} | ${cell(r.type)} | ${cell(r.meaning)} | ${cell(r.default)} |`),
    '',
    'Beyond what the JSON Schema can say, mock-idp also checks that:',
    '',
    ...ALSO_CHECKED.map((check, i) => `- ${check}${i === ALSO_CHECKED.length - 1 ? '.' : ';'}`),
  ];
  return `${lines.join('\n')}\n`;
}

function markerPositions(readme: string): { start: number; end: number } {
  const { start, end } = TENANT_REFERENCE_MARKERS;
  const at = readme.indexOf(start);
  const until = readme.indexOf(end);
  if (at === -1 || until === -1 || until < at || readme.indexOf(start, at + 1) !== -1 || readme.indexOf(end, until + 1) !== -1) {
    throw new Error(`${README_PATH} needs one ${start} line followed by one ${end} line`);
  }
  return { start: at + start.length, end: until };
}

/** The README's generated section as it stands (between the markers, excluded). */
export function tenantReferenceSection(readme: string): string {
  const { start, end } = markerPositions(readme);
  return readme.slice(start, end).replace(/^\n/, '');
}

/** The README with its generated section replaced by what the schema gives now. */
export function withTenantReference(readme: string): string {
  const { start, end } = markerPositions(readme);
  return `${readme.slice(0, start)}\n${renderTenantReference()}${readme.slice(end)}`;
}
