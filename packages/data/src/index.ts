export { longTailedCounts, type LongTailedCountsOptions } from './longTailedCounts.js';
export { selectLongTailed, type Selection, type SelectLongTailedOptions } from './selectLongTailed.js';
export { classHistogram, subsetImageSet, concatImageSets, type ImageSet } from './imageSet.js';
export { readBinaryFile, findDataFile } from './binaryFile.js';
export { readIdxImages, readIdxLabels, readIdxImageSet, type IdxImages, type IdxLabelOptions } from './idx.js';
export { readCifarBinary, readCifar10, readCifar100, type CifarFormat, type CifarSplits } from './cifar.js';
export {
  normalizationTable,
  normalizeBatch,
  CIFAR_NORMALIZATION,
  MNIST_NORMALIZATION,
  type Normalization,
} from './normalize.js';
export {
  augmentBatch,
  CIFAR_AUGMENTATION,
  MNIST_AUGMENTATION,
  type Augmentation,
  type AugmentBatchOptions,
} from './augment.js';
// The engine's default sampler lives in @lt/core; re-exported so every sampler can be imported from here.
export { instanceBalancedSampler, type InstanceBalancedSamplerOptions } from '@lt/core';
export { classBalancedSampler, type ClassBalancedSamplerOptions } from './classBalancedSampler.js';
export {
  powerReweightedSampler,
  type PowerReweightedSampler,
  type PowerReweightedSamplerOptions,
} from './powerReweightedSampler.js';
export { splitManifest, indicesSha256, type SplitManifestInput } from './splitManifest.js';
export { createLongTailedDataset, type LongTailedSource, type LongTailedSplitOptions } from './longTailedDataset.js';
export { mnistLT, readMnist, type MnistLTOptions, type MnistSplits } from './mnistLT.js';
export { cifar10LT, cifar100LT, type CifarLTOptions } from './cifarLT.js';
export { syntheticLT, type SyntheticLTOptions } from './syntheticLT.js';
export { parseNpy, readNpy, encodeNpy, type NpyArray } from './npy.js';
export { features, type FeaturesOptions, type FeatureFiles } from './features.js';
