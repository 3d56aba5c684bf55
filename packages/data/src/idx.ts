import { LtError } from '@lt/core';
import { readBinaryFile } from './binaryFile.js';
import type { ImageSet } from './imageSet.js';

/** Images of an IDX file (MNIST family): uint8 NHWC. */
export type IdxImages = Omit<ImageSet, 'labels'>;

/** Options of the IDX label readers. */
export interface IdxLabelOptions {
  /** When set, every label must lie in 0..numClasses−1. */
  readonly numClasses?: number;
}

const UNSIGNED_BYTE = 0x08;

/** Parses and checks an IDX header (big-endian, magic 0x0000 08 0N) and returns the dimensions and the payload. */
function parseIdx(path: string, allowedDims: readonly number[], layout: string): { dims: number[]; payload: Uint8Array } {
  const bytes = readBinaryFile(path);
  if (bytes.length < 4) {
    throw new LtError('DATA_SIZE_MISMATCH', `${path}: truncated IDX file (${bytes.length} bytes, shorter than the 4-byte magic number)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const hexMagic = `0x${magic.toString(16).padStart(8, '0')}`;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new LtError('DATA_BAD_MAGIC', `${path}: bad magic number ${hexMagic}, not an IDX file (expected 0x000008XX)`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new LtError(
      'DATA_BAD_MAGIC',
      `${path}: magic number ${hexMagic} declares IDX data type 0x${bytes[2].toString(16).padStart(2, '0')}; only unsigned bytes (0x08) are supported`,
    );
  }
  const rank = bytes[3];
  if (!allowedDims.includes(rank)) {
    throw new LtError('DATA_BAD_DIMENSIONS', `${path}: IDX file has ${rank} dimension(s), expected ${allowedDims.join(' or ')} (${layout})`);
  }
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) {
    throw new LtError('DATA_SIZE_MISMATCH', `${path}: truncated IDX header (${bytes.length} bytes, the header needs ${headerSize})`);
  }
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  if (dims.slice(1).some((size) => size === 0)) {
    throw new LtError('DATA_BAD_DIMENSIONS', `${path}: IDX dimensions ${dims.join('×')} contain a zero image dimension`);
  }
  const payloadSize = dims.reduce((product, size) => product * size, 1);
  const expected = headerSize + payloadSize;
  if (bytes.length < expected) {
    throw new LtError(
      'DATA_SIZE_MISMATCH',
      `${path}: truncated, the header declares ${dims.join('×')} (${expected} bytes) but the file has ${bytes.length} bytes`,
    );
  }
  if (bytes.length > expected) {
    throw new LtError(
      'DATA_SIZE_MISMATCH',
      `${path}: size mismatch, the header declares ${dims.join('×')} (${expected} bytes) but the file has ${bytes.length} bytes`,
    );
  }
  return { dims, payload: bytes.subarray(headerSize) };
}

/** Returns the images of an IDX image file (`…-idx3-ubyte`, count × rows × cols, or idx4 with channels), `.gz` accepted. */
export function readIdxImages(path: string): IdxImages {
  const { dims, payload } = parseIdx(path, [3, 4], 'images × rows × columns [× channels]');
  const [count, height, width, channels = 1] = dims;
  // IDX stores images row-major with channels last, which already is NHWC: no copy needed.
  return { images: payload, count, height, width, channels };
}

/** Returns the labels of an IDX label file (`…-idx1-ubyte`), `.gz` accepted; checks them against `numClasses` when given. */
export function readIdxLabels(path: string, options: IdxLabelOptions = {}): Int32Array {
  const { payload } = parseIdx(path, [1], 'labels');
  const labels = Int32Array.from(payload);
  const { numClasses } = options;
  if (numClasses !== undefined) {
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] >= numClasses) {
        throw new LtError(
          'DATA_LABEL_RANGE',
          `${path}: label ${labels[i]} of item ${i} is out of range, expected 0..${numClasses - 1}`,
        );
      }
    }
  }
  return labels;
}

/** Returns the image set of a pair of IDX files, checking that they hold the same number of items. */
export function readIdxImageSet(imagesPath: string, labelsPath: string, options: IdxLabelOptions = {}): ImageSet {
  const images = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath, options);
  if (labels.length !== images.count) {
    throw new LtError(
      'DATA_COUNT_MISMATCH',
      `${imagesPath} has ${images.count} images but ${labelsPath} has ${labels.length} labels; they must match`,
    );
  }
  return { ...images, labels };
}
