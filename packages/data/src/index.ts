export { longTailedCounts, type LongTailedCountsOptions } from './longTailedCounts.js';
export { selectLongTailed, type Selection, type SelectLongTailedOptions } from './selectLongTailed.js';
export { classHistogram, subsetImageSet, concatImageSets, type ImageSet } from './imageSet.js';
export { readBinaryFile, findDataFile } from './binaryFile.js';
export { readIdxImages, readIdxLabels, readIdxImageSet, type IdxImages, type IdxLabelOptions } from './idx.js';
export { readCifarBinary, readCifar10, readCifar100, type CifarFormat, type CifarSplits } from './cifar.js';
export { writeCifar10Binary, type CifarWriterOptions, type CifarWriterResult } from './cifarWriter.js';
export {
  normalizationTable,
  normalizeBatch,
  CIFAR_NORMALIZATION,
  MNIST_NORMALIZATION,
  IMAGENET_NORMALIZATION,
  INAT_NORMALIZATION,
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
export {
  createLongTailedDataset,
  chooseLongTailedSplit,
  largestFeasibleMaxCount,
  type LongTailedSource,
  type LongTailedSplitOptions,
} from './longTailedDataset.js';
export { mnistLT, readMnist, type MnistLTOptions, type MnistSplits } from './mnistLT.js';
export { cifar10LT, cifar100LT, type CifarLTOptions } from './cifarLT.js';
export { syntheticLT, type SyntheticLTOptions } from './syntheticLT.js';
export { parseNpy, readNpy, encodeNpy, type NpyArray } from './npy.js';
export { features, type FeaturesOptions, type FeatureFiles } from './features.js';
export { imageFolder, imageList, inat, type ImageDatasetOptions, type ImageFolderOptions, type ImageListOptions, type InatOptions } from './imageDatasets.js';
export { readImageFolder, readClassFolders, IMAGE_EXTENSIONS } from './imageFolder.js';
export { readImageList, readImageListFile, readClassNames } from './imageList.js';
export { readInat, readInatFile } from './inat.js';
export { type ImageEntry, type ImageEntries } from './imageEntries.js';
export { createImageDataset, type ImageDatasetSettings } from './imageDataset.js';
export { decodeImage, type ImageSource, type DecodeSettings } from './decodeImage.js';
export { DecodePool, defaultWorkerCount } from './decodePool.js';
export { randomResizedCropBox, centerCropBox, resizeShorter, testResizeSize, padCropFlip, cropFlipPad, defaultAugmentation, AUGMENTATION_POLICIES, type AugmentationPolicy, type CropBox } from './imageTransforms.js';
