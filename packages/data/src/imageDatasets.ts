import { z } from 'zod';
import type { DatasetSpec, Rng } from '@lt/core';
import { parseDatasetOptions } from './datasetOptions.js';
import type { ImageEntries } from './imageEntries.js';
import { createImageDataset } from './imageDataset.js';
import { readImageFolder } from './imageFolder.js';
import { readImageList } from './imageList.js';
import { readInat } from './inat.js';
import { AUGMENTATION_POLICIES, defaultAugmentation, type AugmentationPolicy } from './imageTransforms.js';
import { IMAGENET_NORMALIZATION, INAT_NORMALIZATION, type Normalization } from './normalize.js';
import type { Selection } from './selectLongTailed.js';

/** Options every image dataset takes (DESIGN §10). */
export interface ImageDatasetOptions {
  /** Side of the square network input (default 224; 64 or 112 make CPU runs possible). */
  readonly imageSize?: number;
  /** Cut the training split to a long-tailed profile with this imbalance factor (CIFAR-LT truncation); default: as given. */
  readonly imbalance?: number;
  /** Head count of the profile (default: the largest one whose profile fits the images of every class). */
  readonly maxCount?: number;
  /** `first` n_k images of each class in list order (default) or a seeded `random` subset. */
  readonly selection?: Selection;
  /** Decoding threads (default: every core; 1 below 512 images). */
  readonly workers?: number;
  /** Directory of the decoded cache (records at the test resize side, built once, reused across runs). */
  readonly cache?: string;
  /** `error` (default) stops at the first bad image; `skip` leaves bad images out, listed in the manifest. */
  readonly onCorrupt?: 'error' | 'skip';
  /** Colour-jitter strength for training views (default 0; the GLMC reference uses 0.4). */
  readonly colorJitter?: number;
  /** Training views: `crop-flip` (pad size/8, random crop, flip; test as is), `imagenet` (RandomResizedCrop + flip; test resize + centre crop) or `none`; default `crop-flip` up to 64 px, else `imagenet`. */
  readonly augmentation?: AugmentationPolicy;
}

const common = {
  imageSize: z.number().int().min(8).max(1024).default(224),
  imbalance: z.number().min(1).optional(),
  maxCount: z.number().int().positive().optional(),
  selection: z.enum(['first', 'random']).default('first'),
  workers: z.number().int().positive().optional(),
  cache: z.string().min(1).optional(),
  onCorrupt: z.enum(['error', 'skip']).default('error'),
  colorJitter: z.number().min(0).max(1).default(0),
  augmentation: z.enum(AUGMENTATION_POLICIES as [AugmentationPolicy, ...AugmentationPolicy[]]).optional(),
};

function imageSpec<T extends z.infer<z.ZodObject<typeof common>>>(
  name: string,
  schema: z.ZodType<T>,
  options: unknown,
  read: (parsed: T) => ImageEntries,
  normalization: Normalization,
): DatasetSpec {
  const parsed = parseDatasetOptions(name, schema, options);
  return {
    name,
    options: parsed,
    load: ({ rng, seed }: { rng: Rng; seed: number }) =>
      createImageDataset(
        read(parsed),
        {
          name,
          imageSize: parsed.imageSize,
          imbalance: parsed.imbalance,
          maxCount: parsed.maxCount,
          selection: parsed.selection,
          workers: parsed.workers,
          cacheDir: parsed.cache,
          onCorrupt: parsed.onCorrupt,
          colorJitter: parsed.colorJitter,
          augmentation: parsed.augmentation ?? defaultAugmentation(parsed.imageSize),
          normalization,
        },
        { rng, seed },
      ),
  };
}

/** Options of `imageFolder`. */
export interface ImageFolderOptions extends ImageDatasetOptions {
  /** Directory with one sub-folder of JPEG/PNG/WebP images per class (class names = folder names, sorted). */
  readonly root: string;
  /** A second folder of the same shape for testing; without it the last `testFraction` of each class is held out. */
  readonly test?: string;
  /** Share of each class held out for testing when `test` is absent (default 0.2). */
  readonly testFraction?: number;
}

/** Returns an `image-folder` dataset spec: one sub-folder per class, ImageNet normalisation. */
export function imageFolder(options: ImageFolderOptions): DatasetSpec {
  const schema = z.strictObject({ ...common, root: z.string().min(1), test: z.string().min(1).optional(), testFraction: z.number().gt(0).lt(1).default(0.2) });
  return imageSpec('image-folder', schema, options, readImageFolder, IMAGENET_NORMALIZATION);
}

/** Options of `imageList`. */
export interface ImageListOptions extends ImageDatasetOptions {
  /** Directory the list files' paths are relative to. */
  readonly root: string;
  /** Training list file (`relative/path label` lines), relative to `root` or absolute. */
  readonly train: string;
  /** Test list file, same format. */
  readonly test: string;
  /** Optional file with one class name per line (line k names class k). */
  readonly classNames?: string;
}

/** Returns an `image-list` dataset spec (ImageNet-LT, Places-LT list files), ImageNet normalisation. */
export function imageList(options: ImageListOptions): DatasetSpec {
  const schema = z.strictObject({ ...common, root: z.string().min(1), train: z.string().min(1), test: z.string().min(1), classNames: z.string().min(1).optional() });
  return imageSpec('image-list', schema, options, readImageList, IMAGENET_NORMALIZATION);
}

/** Options of `inat`. */
export interface InatOptions extends ImageDatasetOptions {
  /** Directory the JSON `file_name`s are relative to. */
  readonly root: string;
  /** Training JSON (`train2018.json`). */
  readonly train: string;
  /** Labelled test JSON (`val2018.json`; the unlabelled `test2018.json` is refused). */
  readonly test: string;
}

/** Returns an `inat` dataset spec (iNaturalist 2018 COCO-style JSON), iNaturalist normalisation. */
export function inat(options: InatOptions): DatasetSpec {
  const schema = z.strictObject({ ...common, root: z.string().min(1), train: z.string().min(1), test: z.string().min(1) });
  return imageSpec('inat', schema, options, readInat, INAT_NORMALIZATION);
}
