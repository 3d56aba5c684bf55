import * as tf from '@tensorflow/tfjs-core';
import { LtError, type Rng } from '@lt/core';

/**
 * The region CutMix pastes, in NHWC image coordinates: rows [top, bottom) and columns [left, right).
 * An empty box (top = bottom or left = right) pastes nothing.
 */
export interface CutMixBox {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

const clip = (value: number, high: number): number => Math.min(Math.max(value, 0), high);

function checkSize(height: number, width: number): void {
  for (const [field, value] of [
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new LtError('GLMC_INPUT', `cutMixBox: ${field} must be a positive integer, got ${value}`);
  }
}

/**
 * Returns GLMC's CutMix box for mixing ratio λ centred on (centerRow, centerCol) (ALGORITHMS.md D5):
 * extent ceil(size·√(1−λ)) per axis, ⌊extent/2⌋ on each side of the centre, clipped to the image.
 *
 * The reference (`rand_bbox` on an NCHW tensor) calls axis 2 "W" and axis 3 "H", but axis 2 holds the rows:
 * its (cx, cut_w) are the row centre and row extent, (cy, cut_h) the column centre and extent. In NHWC the
 * rows are axis 1 and the columns axis 2, so `top/bottom` come from (cx, cut_w) and `left/right` from (cy, cut_h).
 * Because both sides use ⌊extent/2⌋, an odd extent gives a box one pixel narrower than the extent, as in [G].
 */
export function cutMixBox(lambda: number, height: number, width: number, centerRow: number, centerCol: number): CutMixBox {
  checkSize(height, width);
  if (!(lambda >= 0 && lambda <= 1)) throw new LtError('GLMC_INPUT', `cutMixBox: lambda must lie in [0, 1], got ${lambda}`);
  const ratio = Math.sqrt(1 - lambda);
  const halfRows = Math.floor(Math.ceil(height * ratio) / 2);
  const halfCols = Math.floor(Math.ceil(width * ratio) / 2);
  return {
    top: clip(centerRow - halfRows, height),
    bottom: clip(centerRow + halfRows, height),
    left: clip(centerCol - halfCols, width),
    right: clip(centerCol + halfCols, width),
  };
}

/** Returns a CutMix box with its centre drawn uniformly from the pixels: row first, then column, as [G] does. */
export function sampleCutMixBox(lambda: number, height: number, width: number, rng: Rng): CutMixBox {
  checkSize(height, width);
  const centerRow = rng.int(height);
  const centerCol = rng.int(width);
  return cutMixBox(lambda, height, width, centerRow, centerCol);
}

/** Returns the fraction of the image the box covers (the realised area, which GLMC's label mix does not use). */
export function boxArea(box: CutMixBox, height: number, width: number): number {
  return ((box.bottom - box.top) * (box.right - box.left)) / (height * width);
}

/** Returns `target` [B, H, W, C] with `source`'s pixels inside `box` (the same box for every image of the batch). */
export function pasteBox(target: tf.Tensor4D, source: tf.Tensor4D, box: CutMixBox): tf.Tensor4D {
  if (target.shape.join('x') !== source.shape.join('x')) {
    throw new LtError('GLMC_INPUT', `pasteBox: target [${target.shape}] and source [${source.shape}] must have the same shape`);
  }
  const [, height, width] = target.shape;
  const mask = new Float32Array(height * width);
  for (let row = box.top; row < box.bottom; row++) mask.fill(1, row * width + box.left, row * width + box.right);
  return tf.tidy(() => {
    const inside = tf.tensor4d(mask, [1, height, width, 1]);
    // x·1 + y·0 and x·0 + y·1 are exact, so each pixel is a bit-exact copy of target or source.
    return tf.add(tf.mul(target, tf.sub(1, inside)), tf.mul(source, inside));
  });
}
