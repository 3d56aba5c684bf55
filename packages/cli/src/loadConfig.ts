import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LtError } from '@lt/core';
import { cliConfigSchema, type CliConfig } from './schema.js';

/** Reads a YAML or JSON configuration file; errors name the file and the field. */
export async function loadConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LtError('CONFIG_READ', `cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new LtError('CONFIG_PARSE', `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
}

/** Validates a configuration object; `source` (a file name or 'flags') prefixes every error. */
export function validateConfig(value: unknown, source: string): CliConfig {
  const parsed = cliConfigSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw new LtError('CONFIG_INVALID', `${source}: ${problems}`);
  }
  return parsed.data;
}
