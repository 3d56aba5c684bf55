import { Identity, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

/** The reference counting tfjs-backend-wasm (4.x) already does for Reshape. */
interface RefCountingBackend extends KernelBackend {
  incRef(dataId: TensorInfo['dataId']): void;
}

/**
 * Identity that shares the input's buffer (one more reference), as the cpu backend's does. wasm's own copies the
 * data, and tfjs clones every tensor it keeps for a gradient: a training step then held a second copy of each
 * saved activation and spent ~4 % of its time copying. Sharing is safe because no kernel writes into its inputs.
 */
export function identityFor(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    (backend as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: Identity, backendName, kernelFunc: kernelFunc as KernelFunc };
}
