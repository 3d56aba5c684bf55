// Renders docs/cli.md from what the CLI package exports: the config file's zod schema (with the engine's defaults
// and descriptions for the fields it passes through), every `<command>Help` text, and the plugins config files name.
// A field's description is its `.describe()` text, else the doc comment on the field in the schema's source
// (the CLI's, else the engine's).
import { z } from 'zod';
import * as cli from '@lt/cli';
import { runConfigSchema } from '@lt/core';
import { fieldComments } from './schemaComments.js';

/** A JSON Schema node as `z.toJSONSchema` writes it (only the keys the reference reads). */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  additionalProperties?: JsonSchema | boolean;
}

/** One row of a field table. */
interface FieldRow {
  readonly field: string;
  readonly type: string;
  readonly fallback: string;
  readonly allowed: string;
  readonly description: string;
}

const toJson = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

const code = (value: unknown): string => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Bounds that only restate the number type (±2^53) say nothing to a reader. */
const meaningful = (n: number | undefined): n is number => n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;

function typeOf(node: JsonSchema): string {
  const variants = node.anyOf ?? node.oneOf;
  if (variants !== undefined) return [...new Set(variants.map(typeOf))].join(' | ');
  if (node.const !== undefined) return code(node.const);
  if (node.type === 'array') {
    const item = node.items ? typeOf(node.items) : 'unknown';
    return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
  }
  if (node.type === 'object' && node.properties === undefined && typeof node.additionalProperties === 'object') return 'object (any keys)';
  if (Array.isArray(node.type)) return node.type.join(' | ');
  return node.type ?? 'any';
}

function allowedOf(node: JsonSchema): string {
  const variants = node.anyOf ?? node.oneOf;
  if (variants !== undefined) return variants.map((v) => allowedOf(v) || typeOf(v)).join(', ');
  if (node.enum !== undefined) return node.enum.map(code).join(', ');
  if (node.const !== undefined) return code(node.const);
  const bounds = [
    meaningful(node.minimum) ? `≥ ${node.minimum}` : '',
    meaningful(node.exclusiveMinimum) ? `> ${node.exclusiveMinimum}` : '',
    meaningful(node.maximum) ? `≤ ${node.maximum}` : '',
    meaningful(node.exclusiveMaximum) ? `< ${node.exclusiveMaximum}` : '',
    node.minItems !== undefined ? `at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}` : '',
  ].filter((b) => b !== '');
  return bounds.join(', ');
}

/** The node at the same path in another schema (the engine's, for defaults the CLI leaves to it). */
function lookup(root: JsonSchema | undefined, path: readonly string[]): JsonSchema | undefined {
  let node = root;
  for (const key of path) {
    if (node === undefined) return undefined;
    node = key === '[]' ? node.items : node.properties?.[key];
  }
  return node;
}

/** A variant of a union of objects is named by its one literal property (`name: image-folder`). */
function variantLabel(node: JsonSchema): string | undefined {
  for (const [key, value] of Object.entries(node.properties ?? {})) {
    if (value.const !== undefined) return `${key}: ${String(value.const)}`;
    if (value.enum?.length === 1) return `${key}: ${String(value.enum[0])}`;
  }
  return undefined;
}

function collect(node: JsonSchema, path: string[], engine: JsonSchema | undefined, rows: FieldRow[], label = ''): void {
  const variants = (node.anyOf ?? node.oneOf)?.filter((v) => v.type === 'object' && v.properties !== undefined) ?? [];
  if (variants.length > 1) {
    for (const variant of variants) collect(variant, path, engine, rows, ` (${variantLabel(variant) ?? 'variant'})`);
    return;
  }
  const object = variants[0] ?? node;
  if (object.type === 'array' && object.items !== undefined) return collect(object.items, [...path, '[]'], engine, rows, label);
  const comments = fieldComments(Object.keys(object.properties ?? {}));
  const engineComments = fieldComments(Object.keys(lookup(engine, path)?.properties ?? {}));
  for (const [key, child] of Object.entries(object.properties ?? {})) {
    const childPath = [...path, key];
    const fromEngine = lookup(engine, childPath);
    const fallback = child.default ?? fromEngine?.default;
    const required = object.required?.includes(key) && fallback === undefined;
    rows.push({
      field: childPath.join('.').replace(/\.\[\]/g, '[]') + label,
      type: typeOf(child),
      fallback: fallback !== undefined ? code(fallback) : required ? '**required**' : '—',
      allowed: allowedOf(child),
      description: child.description ?? comments.get(key) ?? fromEngine?.description ?? engineComments.get(key) ?? '',
    });
    const inner = child.type === 'array' ? child.items : child;
    const nested = inner?.properties !== undefined || (inner?.anyOf ?? inner?.oneOf)?.some((v) => v.properties !== undefined);
    if (nested) collect(child, childPath, engine, rows, label);
  }
}

function table(rows: readonly FieldRow[], first: string): string {
  const lines = [`| ${first} | type | default | allowed | description |`, '|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| \`${r.field}\` | ${cell(r.type)} | ${cell(r.fallback)} | ${cell(r.allowed)} | ${cell(r.description)} |`);
  return lines.join('\n');
}

/** Every `<command>Help` string the CLI package exports, by command name. */
function commandHelps(): Array<[string, string]> {
  return Object.entries(cli as Record<string, unknown>)
    .filter((entry): entry is [string, string] => /^[a-z][A-Za-z]*Help$/.test(entry[0]) && typeof entry[1] === 'string')
    .map(([name, text]): [string, string] => [name.slice(0, -'Help'.length), text.trimEnd()])
    .sort(([a], [b]) => a.localeCompare(b));
}

/** A plugin's options; the defaults are what its factory fills in with no options (a preset's values included). */
function pluginSection(name: string, factory: (typeof cli.pluginFactories)[string]): string {
  const spec = factory({});
  if (spec.token === undefined) return `### \`${name}\` (${spec.name})\n\nNo options.`;
  const rows: FieldRow[] = [];
  collect(toJson(spec.token.schema), [], undefined, rows);
  const filled = rows.map((row) => (row.field in spec.options ? { ...row, fallback: code(spec.options[row.field]) } : row));
  return `### \`${name}\` (${spec.name})\n\n${table(filled, 'option')}`;
}

/** The whole of docs/cli.md. */
export function renderCliReference(): string {
  const rows: FieldRow[] = [];
  collect(toJson(cli.cliConfigSchema), [], toJson(runConfigSchema), rows);
  const commands = commandHelps().map(([name, help]) => `### \`lt ${name}\`\n\n\`\`\`\n${help}\n\`\`\``);
  const plugins = Object.entries(cli.pluginFactories)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, factory]) => pluginSection(name, factory));
  return [
    '# CLI and configuration reference',
    '',
    '<!-- Generated by `pnpm docs:cli` (scripts/gen-cli-docs.ts) from the CLI\'s zod schemas and help texts. Do not edit by hand. -->',
    '',
    'Generated from the code: the `lt` commands\' help texts, the configuration file\'s zod schema (with the',
    'engine\'s defaults where the file leaves a field to it) and the options schema of every plugin a configuration',
    'may name. A test fails when this file differs from what `pnpm docs:cli` writes.',
    '',
    '## Commands',
    '',
    commands.join('\n\n'),
    '',
    '## Configuration file',
    '',
    '`lt train --config FILE` reads YAML (or JSON when the name ends in `.json`); flags override the file.',
    '`stages[]` fields left out take the engine\'s defaults shown here; `method` and `stages` exclude each other.',
    '',
    table(rows, 'field'),
    '',
    '## Plugins',
    '',
    'Names a stage\'s `plugins` list may hold, as a string (`samn`) or `{ name, options }`. What each method does,',
    'and which options switch its faithfulness choices: [methods/](methods/README.md).',
    '',
    plugins.join('\n\n'),
    '',
  ].join('\n');
}
