import { readFile } from 'node:fs/promises';
import { LtError } from '@lt/core';

/** A parsed `.npy` array: C-order values and shape. */
export interface NpyArray {
  readonly dtype: '<f4' | '<i4' | '<i8';
  readonly shape: number[];
  /** float32 for `<f4`; int32 for `<i4`, and for `<i8` after checking every value fits. */
  readonly data: Float32Array | Int32Array;
}

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Parses a `.npy` file (NumPy format versions 1–3) strictly: little-endian `<f4`, `<i4` or `<i8`, C order, and
 * exactly as many bytes as the shape needs. npyjs reads big-endian data as little-endian and does not check
 * the length, hence this reader. `file` names the file in errors.
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (problem: string): never => {
    throw new LtError('NPY_FORMAT', `${file}: ${problem}`);
  };
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) fail('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`.npy format version ${major}.${bytes[7]} is unknown (1, 2 and 3 are read)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail('the header runs past the end of the file');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`malformed header ${header.trim()}`);
  if (fortran === 'True') fail('fortran_order is True: save a C-order array (numpy.ascontiguousarray)');
  if (descr !== '<f4' && descr !== '<i4' && descr !== '<i8') {
    fail(`dtype '${descr}' is not read: features must be float32 ('<f4'), labels int32 or int64 ('<i4', '<i8'), little-endian`);
  }
  const dtype = descr as NpyArray['dtype'];
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : fail(`bad shape (${shapeText})`)));
  const count = shape.reduce((a, b) => a * b, 1);
  const width = descr === '<i8' ? 8 : 4;
  if (bytes.length - dataStart !== count * width) {
    fail(`shape (${shape.join(', ')}) of ${descr} needs ${count * width} data bytes, the file has ${bytes.length - dataStart}`);
  }
  // Copied: the data offset need not be aligned for a typed-array view.
  const body = new Uint8Array(bytes.subarray(dataStart)).buffer; // a copy even for a pooled Buffer
  if (dtype === '<f4') return { dtype, shape, data: new Float32Array(body) };
  if (dtype === '<i4') return { dtype, shape, data: new Int32Array(body) };
  const wide = new BigInt64Array(body);
  const data = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (wide[i] > 2147483647n || wide[i] < -2147483648n) fail(`value ${wide[i]} at index ${i} does not fit in int32`);
    data[i] = Number(wide[i]);
  }
  return { dtype, shape, data };
}

/** Reads and parses a `.npy` file; an unreadable file is an LtError naming it. */
export async function readNpy(file: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new LtError('NPY_READ', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseNpy(bytes, file);
}

/** Writes a C-order little-endian `.npy` (format 1.0) of float32 or int32 values: for tests and examples. */
export function encodeNpy(data: Float32Array | Int32Array, shape: readonly number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Header padded with spaces and a newline so the data starts at a multiple of 64 bytes, as NumPy writes it.
  const padded = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(10 + padded.length + data.byteLength);
  out.set(magic, 0);
  out.set([1, 0], 6);
  new DataView(out.buffer).setUint16(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + padded.length);
  return out;
}
