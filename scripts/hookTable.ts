// Renders the hook table of docs/architecture.md from the code: hook names and tapable classes from
// `createStageHooks()`, their type arguments from its source, and which hooks refuse two replacing taps by trying it.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { createStageHooks, trackTapOwners } from '@lt/core';

/** Markers around the generated table in docs/architecture.md. */
export const hookTableMarkers = { begin: '<!-- hook-table:begin -->', end: '<!-- hook-table:end -->' } as const;

const hooksSource = new URL('../packages/core/src/hooks.ts', import.meta.url);

/** The type arguments and argument names of `new X<[A, B], R, …>(['a', 'b'])` of each hook in `createStageHooks`. */
function hookTypes(): Map<string, { typeArguments: string[]; argumentNames: string[] }> {
  const file = ts.createSourceFile('hooks.ts', readFileSync(hooksSource, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = new Map<string, { typeArguments: string[]; argumentNames: string[] }>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && ts.isNewExpression(node.initializer)) {
      const typeArguments = (node.initializer.typeArguments ?? []).map((t) => t.getText(file).replace(/\s+/g, ' '));
      const [names] = node.initializer.arguments ?? [];
      const argumentNames = names !== undefined && ts.isArrayLiteralExpression(names) ? names.elements.map((e) => (ts.isStringLiteral(e) ? e.text : '?')) : [];
      found.set(node.name.getText(file), { typeArguments, argumentNames });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Whether two taps with `{ replaces: true }` on this hook make the stage refuse to start. */
function refusesTwoReplacers(name: string): boolean {
  const hooks = createStageHooks();
  const owners = trackTapOwners(hooks);
  const hook = hooks[name as keyof typeof hooks] as unknown as { tap(options: { name: string; replaces: boolean }, fn: (v: unknown) => unknown): void };
  for (const plugin of ['a', 'b']) {
    owners.setOwner(plugin);
    hook.tap({ name: plugin, replaces: true }, (value) => value);
  }
  try {
    owners.check();
    return false;
  } catch {
    return true;
  }
}

/** The names of the stage hooks, in declaration order. */
export function stageHookNames(): string[] {
  return Object.keys(createStageHooks());
}

/** The markdown table of every stage hook. */
export function renderHookTable(): string {
  const hooks = createStageHooks();
  const types = hookTypes();
  const lines = [
    '| hook | tapable class | a tap receives | a tap returns | `replaces: true` |',
    '|---|---|---|---|---|',
  ];
  for (const [name, hook] of Object.entries(hooks)) {
    const declared = types.get(name);
    if (declared === undefined) throw new Error(`hook '${name}' is not declared with 'new …<…>()' in packages/core/src/hooks.ts`);
    const kind = hook.constructor.name;
    const [args, result] = declared.typeArguments;
    const argumentTypes = args.replace(/^\[|\]$/g, '').split(/,\s*/);
    const receives = `\`(${argumentTypes.map((type, i) => `${declared.argumentNames[i] ?? `arg${i}`}: ${type}`).join(', ')})\``;
    const returns = kind.startsWith('SyncWaterfall') ? `\`${result}\`` : kind.startsWith('Async') ? 'nothing (`tapPromise`: a promise)' : 'nothing';
    const replace = refusesTwoReplacers(name) ? 'one per stage' : '—';
    lines.push(`| [\`${name}\`](#${name.toLowerCase()}) | \`${kind}\` | ${receives} | ${returns} | ${replace} |`);
  }
  return lines.join('\n');
}

/** `text` with the part between the hook-table markers replaced by the current table. */
export function withHookTable(text: string): string {
  const start = text.indexOf(hookTableMarkers.begin);
  const end = text.indexOf(hookTableMarkers.end);
  if (start < 0 || end < start) throw new Error(`docs/architecture.md has no ${hookTableMarkers.begin} … ${hookTableMarkers.end} block`);
  return `${text.slice(0, start + hookTableMarkers.begin.length)}\n${renderHookTable()}\n${text.slice(end)}`;
}
