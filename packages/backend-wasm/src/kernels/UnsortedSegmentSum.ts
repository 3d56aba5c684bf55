import { UnsortedSegmentSum, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo, type UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { KernelComposer } from './compose.js';

/**
 * Sums rows of x into `numSegments` buckets by segment id (the gradient of `gather`) for backends that lack it
 * (wasm): one_hot(ids)ᵀ · x as one matmul. Ids outside [0, numSegments) contribute nothing, as in TensorFlow.
 */
export function unsortedSegmentSumFor(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
    if (x.dtype !== 'float32') throw new Error(`lt: UnsortedSegmentSum on ${backendName} supports float32 only, got ${x.dtype}`);
    const idCount = segmentIds.shape.reduce((a, b) => a * b, 1);
    const rowShape = x.shape.slice(segmentIds.shape.length);
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    const k = new KernelComposer(backend as KernelBackend, backendName);
    const ids = k.run('Reshape', { x: segmentIds }, { shape: [idCount] });
    // wasm's OneHot kernel writes int32 values whatever dtype it is given, so ask for int32 and cast.
    const oneHot = k.run('OneHot', { indices: ids }, { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' });
    const asFloat = k.run('Cast', { x: oneHot }, { dtype: 'float32' });
    const a = k.run('Reshape', { x: asFloat }, { shape: [1, idCount, numSegments] });
    const b = k.run('Reshape', { x }, { shape: [1, idCount, rowSize] });
    const summed = k.run('BatchMatMul', { a, b }, { transposeA: true, transposeB: false });
    return k.finish(k.run('Reshape', { x: summed }, { shape: [numSegments, ...rowShape] }));
  };
  return { kernelName: UnsortedSegmentSum, backendName, kernelFunc: kernelFunc as KernelFunc };
}
