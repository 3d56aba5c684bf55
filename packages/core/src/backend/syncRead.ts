import { getBackend } from '@tensorflow/tfjs-core';

/**
 * Whether the active backend can read a tensor back synchronously (`dataSync`, `arraySync`). webgpu cannot in Node
 * (tfjs's sync read needs OffscreenCanvas), and in browsers it stalls the GPU, so code that must also train there
 * keeps its values on the device or reads them with `await tensor.data()`.
 */
export function canReadSync(): boolean {
  return getBackend() !== 'webgpu';
}
