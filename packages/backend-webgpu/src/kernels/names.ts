/**
 * The names of the lt kernels this package registers for 'webgpu'. They are the same names, with the same inputs,
 * attributes and outputs, as @lt/backend-wasm's: @lt/core's ops run them through `tf.engine().runKernel` on
 * whichever backend has them registered. LtIsotonic and LtIsotonicGrad are webgpu's only: @lt/samn calls them by name
 * where it cannot read the values back synchronously, and fits in JS elsewhere.
 */
export const WebGPUKernelName = {
  sgdMomentum: 'LtSgdMomentum',
  batchNormTrain: 'LtBatchNormTrain',
  batchNormGrad: 'LtBatchNormGrad',
  batchNormEval: 'LtBatchNormEval',
  conv2D: 'LtConv2D',
  conv2DInputGrad: 'LtConv2DInputGrad',
  conv2DFilterGrad: 'LtConv2DFilterGrad',
  isotonic: 'LtIsotonic',
  isotonicGrad: 'LtIsotonicGrad',
} as const;
