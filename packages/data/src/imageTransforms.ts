// Pure geometry of the reference pipelines' image transforms (torchvision), shared by the decode workers and the
// main thread. Randomness arrives as uniforms drawn on the main thread, so results never depend on which worker
// decodes an image or when.

/** A crop window in source pixels. */
export interface CropBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Tries of RandomResizedCrop before its centre fallback (torchvision). */
export const CROP_TRIES = 10;
/** Uniforms per training image: 4 per crop try, 1 flip, 3 colour-jitter factors. */
export const UNIFORMS_PER_IMAGE = CROP_TRIES * 4 + 4;

/** torchvision's defaults for RandomResizedCrop. */
export const CROP_SCALE: readonly [number, number] = [0.08, 1];
export const CROP_RATIO: readonly [number, number] = [3 / 4, 4 / 3];

// Python's round() rounds halves to even; torchvision's get_params uses it for w and h.
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * RandomResizedCrop.get_params of torchvision for a `width × height` image, with its random draws given as
 * uniforms in [0, 1): `u[4t..4t+3]` = (scale, log-ratio, top, left) of try t.
 */
export function randomResizedCropBox(width: number, height: number, u: ArrayLike<number>, offset = 0): CropBox {
  const area = width * height;
  const logLow = Math.log(CROP_RATIO[0]);
  const logHigh = Math.log(CROP_RATIO[1]);
  for (let t = 0; t < CROP_TRIES; t++) {
    const base = offset + 4 * t;
    const targetArea = area * (CROP_SCALE[0] + (CROP_SCALE[1] - CROP_SCALE[0]) * u[base]);
    const aspect = Math.exp(logLow + (logHigh - logLow) * u[base + 1]);
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      // torch.randint(0, n + 1): uniform integer in [0, n].
      const top = Math.floor(u[base + 2] * (height - h + 1));
      const left = Math.floor(u[base + 3] * (width - w + 1));
      return { left, top, width: w, height: h };
    }
  }
  // Fallback: the whole image, cut to the nearest allowed aspect ratio, centred.
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < CROP_RATIO[0]) h = roundHalfEven(w / CROP_RATIO[0]);
  else if (inRatio > CROP_RATIO[1]) w = roundHalfEven(h * CROP_RATIO[1]);
  return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h };
}

/** Size after torchvision's Resize(size): the shorter side becomes `size`, the other keeps the aspect ratio. */
export function resizeShorter(width: number, height: number, size: number): { width: number; height: number } {
  if (width <= height) return { width: size, height: Math.max(1, Math.floor((size * height) / width)) };
  return { width: Math.max(1, Math.floor((size * width) / height)), height: size };
}

/** torchvision's CenterCrop(size) window in a `width × height` image. */
export function centerCropBox(width: number, height: number, size: number): CropBox {
  return {
    // int(round(…)) in torchvision: halves to even.
    left: roundHalfEven((width - size) / 2),
    top: roundHalfEven((height - size) / 2),
    width: Math.min(size, width),
    height: Math.min(size, height),
  };
}

/** The test-time resize side for a network input of `imageSize` (256 for 224, the reference ratio). */
export function testResizeSize(imageSize: number): number {
  return Math.floor((imageSize * 256) / 224);
}

/**
 * Colour jitter on interleaved RGB bytes in place: brightness, contrast then saturation, each factor
 * 1 + strength·(2u − 1) as torchvision's ColorJitter draws it (in a fixed order, not torchvision's random one).
 */
export function colourJitter(pixels: Uint8Array, strength: number, u: ArrayLike<number>, offset: number): void {
  const factor = (k: number) => Math.max(0, 1 + strength * (2 * u[offset + k] - 1));
  const brightness = factor(0);
  const contrast = factor(1);
  const saturation = factor(2);
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  const grey = (i: number) => 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
  for (let i = 0; i < pixels.length; i++) pixels[i] = clamp(Math.round(pixels[i] * brightness));
  let meanGrey = 0;
  for (let i = 0; i < pixels.length; i += 3) meanGrey += grey(i);
  meanGrey /= pixels.length / 3;
  for (let i = 0; i < pixels.length; i++) pixels[i] = clamp(Math.round(contrast * pixels[i] + (1 - contrast) * meanGrey));
  for (let i = 0; i < pixels.length; i += 3) {
    const g = grey(i);
    for (let c = 0; c < 3; c++) pixels[i + c] = clamp(Math.round(saturation * pixels[i + c] + (1 - saturation) * g));
  }
}

/** How training views are made: CIFAR's pad + crop + flip, ImageNet's RandomResizedCrop + flip, or none. */
export type AugmentationPolicy = 'crop-flip' | 'imagenet' | 'none';
/** Policies in the order the docs list them. */
export const AUGMENTATION_POLICIES: readonly AugmentationPolicy[] = ['crop-flip', 'imagenet', 'none'];

/** The policy an image size gets by default: CIFAR practice up to 64 px (a RandomResizedCrop of a 32-px image keeps 3 px at scale 0.08), ImageNet's above. */
export function defaultAugmentation(imageSize: number): AugmentationPolicy {
  return imageSize <= 64 ? 'crop-flip' : 'imagenet';
}

/** Zero padding of the crop-flip policy: CIFAR's 4 px at 32, the same share of the side elsewhere. */
export function cropFlipPad(size: number): number {
  return Math.max(1, Math.round(size / 8));
}

/**
 * CIFAR's training transform on a `size × size` RGB byte image: pad `pad` zero pixels, take a random `size` crop
 * (top from u[offset], left from u[offset + 1]), flip when u[flipAt] < 0.5. Returns a new buffer.
 */
export function padCropFlip(pixels: Uint8Array, size: number, pad: number, u: ArrayLike<number>, offset: number, flipAt: number): Buffer {
  const top = Math.floor(u[offset] * (2 * pad + 1)) - pad;
  const left = Math.floor(u[offset + 1] * (2 * pad + 1)) - pad;
  const flipped = u[flipAt] < 0.5;
  const out = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= size) continue;
    for (let x = 0; x < size; x++) {
      // Crop first, then flip the crop (torchvision's order of RandomCrop then RandomHorizontalFlip).
      const sx = (flipped ? size - 1 - x : x) + left;
      if (sx < 0 || sx >= size) continue;
      const target = (y * size + x) * 3;
      const source = (sy * size + sx) * 3;
      out[target] = pixels[source];
      out[target + 1] = pixels[source + 1];
      out[target + 2] = pixels[source + 2];
    }
  }
  return out;
}
