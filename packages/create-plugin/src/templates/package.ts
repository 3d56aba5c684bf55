import type { TemplateInput } from './source.js';
import { versions } from '../versions.js';

/** `package.json`: @lt/core and tfjs-core as peers (one engine per install), test tools as dev dependencies. */
export const packageJson = ({ name }: TemplateInput): string => {
  const lt = `^${versions.lt}`;
  const pkg = {
    name,
    version: '0.0.0',
    description: 'An lt plugin: class-weighted cross-entropy on the loss hook.',
    keywords: ['lt', 'lt-plugin', 'long-tailed', 'tensorflowjs'],
    license: 'MIT',
    type: 'module',
    engines: { node: '>=20' },
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'README.md', 'CHANGELOG.md'],
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      lint: 'tsc --noEmit',
      test: 'vitest run',
      changeset: 'changeset',
      release: 'npm run build && changeset publish',
      prepublishOnly: 'npm run build',
    },
    dependencies: { zod: versions.zod },
    peerDependencies: { '@lt/core': lt, '@tensorflow/tfjs-core': versions.tfjsCore },
    devDependencies: {
      '@changesets/cli': versions.changesets,
      '@lt/core': lt,
      '@lt/testkit': lt,
      '@tensorflow/tfjs-core': versions.tfjsCore,
      '@types/node': versions.typesNode,
      typescript: versions.typescript,
      vitest: versions.vitest,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
};

/** `tsconfig.json`: strict, NodeNext, with the legacy decorators tsyringe's `@inject` needs. */
export const tsconfigJson = (): string => `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      experimentalDecorators: true,
      declaration: true,
      sourceMap: true,
      skipLibCheck: true,
      isolatedModules: true,
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  },
  null,
  2,
)}\n`;

/** `tsconfig.build.json`: what `npm run build` compiles (tests stay out of dist). */
export const tsconfigBuildJson = (): string =>
  `${JSON.stringify({ extends: './tsconfig.json', exclude: ['src/**/*.test.ts'] }, null, 2)}\n`;

/** `vitest.config.ts`: a timeout that leaves room for the wasm backend's first start. */
export const vitestConfigTs = (): string => `import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { testTimeout: 60_000 } });
`;

/** `.gitignore`: installed and built files stay out of git. */
export const gitignore = (): string => 'node_modules\ndist\n';

/** `.changeset/config.json`: changesets for versioning and the changelog. */
export const changesetConfig = (): string => `${JSON.stringify(
  { $schema: `https://unpkg.com/@changesets/config@3.1.1/schema.json`, changelog: '@changesets/cli/changelog', commit: false, access: 'public', baseBranch: 'main' },
  null,
  2,
)}\n`;

/** `.changeset/first-release.md`: the pending changeset of the first release. */
export const firstChangeset = ({ name, ids }: TemplateInput): string => `---
'${name}': minor
---

First release: \`${ids.factory}()\`, class-weighted cross-entropy for lt on the \`loss\` hook.
`;

/** `README.md`: install, usage, options, and how to develop and publish the package. */
export const readme = ({ name, ids }: TemplateInput): string => `# ${name}

An [lt](https://www.npmjs.com/package/@lt/core) plugin: cross-entropy where class k's samples weigh
n_k^(−power) (scaled to mean 1), with n_k the training count of class k. It replaces the stage's loss.

## Install

\`\`\`sh
npm install ${name} @lt/core @tensorflow/tfjs-core
\`\`\`

## Usage

\`\`\`ts
import { createRun } from '@lt/core';
import { mnistLT } from '@lt/data';
import { cnn } from '@lt/models';
import { ${ids.factory} } from '${name}';

const run = createRun({
  dataset: mnistLT({ imbalance: 100 }), model: cnn(), seed: 0,
  stages: [{ name: 'representation', epochs: 8, plugins: [${ids.factory}({ power: 0.5 })] }],
});
await run.start();
\`\`\`

## Options

| option | default | what |
|---|---|---|
| \`power\` | \`0.5\` | class weight ∝ n_k^(−power); 0 is plain cross-entropy, 1 inverse class frequency (0 to 2) |

Another loss-replacing plugin in the same stage (e.g. \`ce()\`) is a conflict error naming both.

## Develop

\`\`\`sh
npm install
npm test          # the math (src/loss.test.ts) and lt's conformance suite (src/plugin.test.ts) on cpu and wasm
npm run lint      # type-check
npm run build     # dist/
\`\`\`

## Publish

\`\`\`sh
npx changeset     # describe each user-visible change (a first one is in .changeset/)
npx changeset version
npm run release   # build, then publish what changed
\`\`\`
`;
