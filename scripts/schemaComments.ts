// Doc comments written on the fields of zod object schemas in the packages' sources, for the CLI reference's
// description column where a field has no `.describe()` text (plugin options are documented this way).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(test|fixture)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** The first paragraph of a node's JSDoc, on one line. */
function docOf(node: ts.Node): string | undefined {
  const text = ts.getJSDocCommentsAndTags(node).map((doc) => (ts.isJSDoc(doc) ? ts.getTextOfJSDocComment(doc.comment) : undefined))[0];
  return text?.split(/\n\s*\n/)[0].replace(/\s+/g, ' ').trim() || undefined;
}

/** For every `z.object({…})` / `z.strictObject({…})` in packages/* and plugins/*: its field names → their doc comments. */
function collectSchemas(): Array<Map<string, string | undefined>> {
  const schemas: Array<Map<string, string | undefined>> = [];
  for (const group of ['packages', 'plugins']) {
    for (const pkg of readdirSync(join(root, group))) {
      let files: string[];
      try {
        files = sourceFiles(join(root, group, pkg, 'src'));
      } catch {
        continue;
      }
      for (const file of files) {
        const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
        const visit = (node: ts.Node): void => {
          if (ts.isCallExpression(node) && /^z\.(strictObject|object)$/.test(node.expression.getText(source).replace(/\s+/g, ''))) {
            const [shape] = node.arguments;
            if (shape !== undefined && ts.isObjectLiteralExpression(shape)) {
              const fields = new Map<string, string | undefined>();
              for (const property of shape.properties) if (property.name !== undefined) fields.set(property.name.getText(source), docOf(property));
              schemas.push(fields);
            }
          }
          ts.forEachChild(node, visit);
        };
        visit(source);
      }
    }
  }
  return schemas;
}

let cache: Array<Map<string, string | undefined>> | undefined;

/**
 * The doc comments on the fields of the source schemas whose field names are exactly `fields` (the CLI's stage schema
 * and the engine's share their names: a field commented in either is described).
 */
export function fieldComments(fields: readonly string[]): ReadonlyMap<string, string> {
  cache ??= collectSchemas();
  const key = [...fields].sort().join(',');
  const comments = new Map<string, string>();
  for (const schema of cache.filter((s) => [...s.keys()].sort().join(',') === key)) {
    for (const [field, comment] of schema) if (comment !== undefined && !comments.has(field)) comments.set(field, comment);
  }
  return comments;
}
