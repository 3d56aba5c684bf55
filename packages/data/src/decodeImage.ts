import { readFile } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import {
  centerCropBox,
  colourJitter,
  randomResizedCropBox,
  resizeShorter,
  testResizeSize,
  CROP_TRIES,
  cropFlipPad,
  padCropFlip,
  type AugmentationPolicy,
} from './imageTransforms.js';

/** Where one image's pixels come from: an encoded file, or a record of the decoded cache. */
export type ImageSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'record'; readonly cachePath: string; readonly index: number; readonly side: number };

/** What to produce: a training view, the test view, or a cache record (shorter side → side, centre square). */
export interface DecodeSettings {
  readonly mode: 'train' | 'test' | 'record';
  /** Network input side (train, test) or record side (record). */
  readonly size: number;
  /** Colour-jitter strength (0: none). */
  readonly jitter: number;
  /** How train views are cut (and whether the test view is resized past the input side first: `imagenet` only). */
  readonly augmentation: AugmentationPolicy;
}

// libvips resamples with a triangle filter for 'linear', the closest kernel to PIL's antialiased bilinear.
const KERNEL = 'linear' as const;

async function openSource(source: ImageSource): Promise<ReturnType<typeof sharp>> {
  if (source.kind === 'file') {
    let bytes: Buffer;
    try {
      bytes = await readFile(source.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'no permission to read the file' : (error as Error).message);
    }
    // `failOn: 'truncated'` makes a truncated JPEG/PNG an error instead of grey rows.
    return sharp(bytes, { failOn: 'truncated' });
  }
  const bytes = source.side * source.side * 3;
  const handle = await open(source.cachePath, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    await handle.read(buffer, 0, bytes, source.index * bytes);
    return sharp(buffer, { raw: { width: source.side, height: source.side, channels: 3 } });
  } finally {
    await handle.close();
  }
}

/** Decodes one image to `size × size × 3` RGB bytes (record: `size × size`), using `uniforms` for train views. */
export async function decodeImage(source: ImageSource, settings: DecodeSettings, uniforms: ArrayLike<number>, offset: number): Promise<Buffer> {
  try {
    return await decodeView(source, settings, uniforms, offset);
  } catch (error) {
    // libvips repeats its warnings line by line; one of each reads better.
    throw new Error([...new Set((error as Error).message.split('\n'))].join('; '));
  }
}

async function decodeView(source: ImageSource, settings: DecodeSettings, uniforms: ArrayLike<number>, offset: number): Promise<Buffer> {
  const image = await openSource(source);
  const { width, height } =
    source.kind === 'record' ? { width: source.side, height: source.side } : await image.metadata().then((m) => ({ width: m.width, height: m.height }));
  if (!width || !height) throw new Error('the image has no size');
  const { size, augmentation } = settings;
  let pipeline = image.removeAlpha().toColourspace('srgb');
  if (settings.mode === 'train' && augmentation === 'imagenet') {
    const box = randomResizedCropBox(width, height, uniforms, offset);
    pipeline = pipeline.extract(box).resize(size, size, { fit: 'fill', kernel: KERNEL });
    if (uniforms[offset + 4 * CROP_TRIES] < 0.5) pipeline = pipeline.flop();
  } else {
    // ImageNet's test view resizes past the input side and crops the centre; the other policies (and cache records)
    // take the image as it is: shorter side to the input side, centre square (a no-op for 32×32 CIFAR files).
    const side = settings.mode === 'test' && augmentation === 'imagenet' ? testResizeSize(size) : size;
    const resized = resizeShorter(width, height, side);
    if (resized.width !== width || resized.height !== height) pipeline = pipeline.resize(resized.width, resized.height, { fit: 'fill', kernel: KERNEL });
    pipeline = pipeline.extract(centerCropBox(resized.width, resized.height, size));
  }
  let pixels: Buffer = await pipeline.raw().toBuffer();
  if (pixels.length !== size * size * 3) throw new Error(`decoded ${pixels.length} bytes, expected ${size}×${size}×3`);
  if (settings.mode === 'train' && augmentation === 'crop-flip') pixels = padCropFlip(pixels, size, cropFlipPad(size), uniforms, offset, offset + 4 * CROP_TRIES);
  if (settings.mode === 'train' && settings.jitter > 0) colourJitter(pixels, settings.jitter, uniforms, offset + 4 * CROP_TRIES + 1);
  return pixels;
}
