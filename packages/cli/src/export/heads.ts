import { createRng, LtError, type ClassifierHead } from '@lt/core';
import { linearHead } from '@lt/models';
import { SamnHead, type SamnHeadConfig } from '@lt/samn';
import { LwsHead, TauNormHead, type LwsHeadConfig, type TauChoice } from '@lt/decoupling';
import { CosineHead, ShiftedHead } from '@lt/logit-adjust';
import { MaxNormHead } from '@lt/weight-balancing';

/** A head's saved config (checkpoint topology `head`): `kind` picks the rebuilder. */
export type HeadConfig = Readonly<Record<string, unknown>> & { readonly kind?: unknown };

/** Rebuilds a head of one kind from its config; `rebuild` rebuilds a wrapped head's config. */
export type HeadRebuilder = (config: HeadConfig, name: string, rebuild: (inner: HeadConfig) => ClassifierHead) => ClassifierHead;

const rebuilders = new Map<string, HeadRebuilder>([
  [
    'linear',
    (config, name) => linearHead({ name, featureDim: Number(config.featureDim), numClasses: Number(config.numClasses), rng: createRng(0) }),
  ],
  [
    'samn',
    (config, name, rebuild) => {
      const c = config as unknown as SamnHeadConfig;
      const base = rebuild(c.base ?? { kind: 'linear', featureDim: c.featureDim, numClasses: c.numClasses });
      const head = new SamnHead({ name, weight: base.weight, bias: base.bias, config: base.config }, c.order, {
        scaleMode: c.scaleMode,
        init: c.init,
        strict: c.strict,
        biasBranch: c.biasBranch,
        maxScaling: c.maxScaling,
        orderSource: c.orderSource,
      });
      disposeHead(base);
      return head;
    },
  ],
  [
    'lws',
    (config, _name, rebuild) => {
      const c = config as unknown as LwsHeadConfig;
      return new LwsHead(rebuild(c.base), { classifierLrFactor: c.classifierLrFactor, lwsLrFactor: c.lwsLrFactor });
    },
  ],
  ['tau-norm', (config, _name, rebuild) => new TauNormHead(rebuild(baseOf(config)), config as unknown as TauChoice)],
  // LDAM-DRW's cosine classifier: lt evaluate scores it; it has no dense form to export.
  ['cosine', (config, _name, rebuild) => new CosineHead(rebuild(baseOf(config)))],
  ['posthoc-logit-adjust', (config, _name, rebuild) => new ShiftedHead(rebuild(baseOf(config)), config.shift as number[], 'posthoc-logit-adjust')],
  // The threshold is a buffer: the checkpoint's value replaces this placeholder.
  ['max-norm', (config, _name, rebuild) => new MaxNormHead(rebuild(baseOf(config)), 0)],
]);

/** The config of the head a wrapper head was built around. */
function baseOf(config: HeadConfig): HeadConfig {
  return config.base as HeadConfig;
}

function disposeHead(head: ClassifierHead): void {
  for (const p of head.parameters()) p.variable.dispose();
}

/** Registers how a head kind is rebuilt from its checkpoint config (for plugins outside this package). */
export function registerHeadRebuilder(kind: string, rebuilder: HeadRebuilder): void {
  rebuilders.set(kind, rebuilder);
}

/** Rebuilds a classifier head (fresh values: the caller assigns the checkpoint's weights). */
export function rebuildHead(config: HeadConfig, name: string): ClassifierHead {
  const rebuilder = rebuilders.get(String(config.kind));
  if (rebuilder === undefined) {
    throw new LtError(
      'EXPORT_UNSUPPORTED',
      `cannot rebuild a classifier head of kind '${String(config.kind)}' (known kinds: ${[...rebuilders.keys()].join(', ')})`,
    );
  }
  return rebuilder(config, name, (inner) => rebuildHead(inner, name));
}
