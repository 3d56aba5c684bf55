import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from './npy.js';

/** A .npy file with a hand-written header (as NumPy writes it) and the given data bytes. */
function npy(header: string, data: Uint8Array, version: 1 | 2 = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const padded = header.padEnd(Math.ceil((prefix + header.length + 1) / 64) * 64 - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(prefix + padded.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), prefix);
  out.set(data, prefix + padded.length);
  return out;
}

const floats = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

describe('parseNpy', () => {
  it('reads float32 matrices and int32/int64 vectors, format 1 and 2', () => {
    const m = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats([1, 2, 3, 4, 5, 6.5])), 'm.npy');
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6.5]);
    const wide = new Uint8Array(BigInt64Array.from([3n, 0n, 7n]).buffer);
    const v = parseNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", wide, 2), 'v.npy');
    expect(v).toMatchObject({ dtype: '<i8', shape: [3] });
    expect(Array.from(v.data)).toEqual([3, 0, 7]);
    expect(v.data).toBeInstanceOf(Int32Array);
  });

  it('round-trips encodeNpy', () => {
    const a = parseNpy(encodeNpy(Int32Array.from([4, -1]), [2]), 'a.npy');
    expect([a.dtype, a.shape, Array.from(a.data)]).toEqual(['<i4', [2], [4, -1]]);
  });

  it('names the file and the problem', () => {
    expect(() => parseNpy(new Uint8Array(20), 'x.npy')).toThrow(/x\.npy: not a \.npy file/);
    expect(() => parseNpy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", floats([1])), 'be.npy')).toThrow(/be\.npy: dtype '>f4' is not read/);
    expect(() => parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", floats([1, 2])), 'd.npy')).toThrow(/d\.npy: dtype '<f8'/);
    expect(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", floats([1])), 'f.npy')).toThrow(/f\.npy: fortran_order is True/);
    expect(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", floats([1, 2, 3])), 's.npy')).toThrow(/s\.npy: shape \(2, 2\) of <f4 needs 16 data bytes, the file has 12/);
    const big = new Uint8Array(BigInt64Array.from([1n << 40n]).buffer);
    expect(() => parseNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", big), 'b.npy')).toThrow(/b\.npy: value 1099511627776 at index 0 does not fit in int32/);
  });
});
