import { getKernel, type KernelBackend, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Runs other kernels of the same backend directly (as tfjs's own composite kernels do), tracking every
 * intermediate result so it can be freed: no engine tensors, no copies to another backend.
 */
export class KernelComposer {
  private readonly intermediates: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs `kernelName` on `inputs`; its output is freed by `dispose` unless it is the final result. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName);
    if (kernel === undefined) throw new Error(`lt: kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    const output = kernel.kernelFunc({ inputs, backend: this.backend, attrs }) as TensorInfo;
    this.intermediates.push(output);
    return output;
  }

  /** Frees intermediates that are no longer needed now, so long compositions stay within the backend's memory. */
  release(...infos: TensorInfo[]): void {
    for (const info of infos) {
      const index = this.intermediates.indexOf(info);
      if (index < 0) continue;
      this.intermediates.splice(index, 1);
      this.backend.disposeData(info.dataId);
    }
  }

  /** Frees every intermediate except `result`, and returns `result`. */
  finish(result: TensorInfo): TensorInfo {
    for (const info of this.intermediates) if (info !== result) this.backend.disposeData(info.dataId);
    return result;
  }
}
