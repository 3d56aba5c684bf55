import { LtError, type Sampler, type StageContext } from '@lt/core';
import { classBalancedSampler } from '@lt/data';

/** The reference's ClassAwareSampler for a stage: classes cycled, `samplesPerClass` per visit. */
export function classAwareSampler(context: StageContext, samplesPerClass: number, epochLength: 'max-class' | 'dataset'): Sampler {
  const counts = context.classCounts;
  return classBalancedSampler({
    labels: context.dataset.trainLabels,
    batchSize: context.stage.batchSize,
    numClasses: context.numClasses,
    samplesPerClass,
    ...(epochLength === 'max-class' && { samplesPerEpoch: Math.max(...counts) * counts.length }),
  });
}

/** Decoupling retrains the classifier on a frozen backbone: anything else is a configuration mistake. */
export function requireFrozen(plugin: string, context: StageContext): void {
  if (context.stage.freeze !== 'backbone') {
    throw new LtError(
      'PLUGIN_OPTIONS',
      `${plugin}: stage '${context.stage.name}' trains the backbone, but this method works on a frozen stage-1 backbone. ` +
        `Set freeze: 'backbone' on the stage.`,
    );
  }
}
