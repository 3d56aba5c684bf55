import { util } from '@tensorflow/tfjs-core';
import { cover, dispatch, output } from '../dispatch.js';
import { webgpuKernel } from './kernel.js';
import { WebGPUKernelName } from './names.js';

const WORKGROUP = 256;

// PyTorch's SGD (ALGORITHMS.md C): d = g + λθ; buf' = d on the first step, μ·buf + d after; θ' = θ − lr·buf'.
const body = (first: boolean) => `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (i >= u.size) { return; }
  let p = param[i];
  let d = grad[i] + p * u.weightDecay;
  let b = ${first ? 'd' : 'buffer[i] * u.momentum + d'};
  newBuffer[i] = b;
  newParam[i] = p - b * u.lr;
}`;

/** LtSgdMomentum: inputs { param, grad, buffer }, attrs { lr, momentum, weightDecay, first } → [param', buffer'] in one dispatch. */
export const sgdMomentum = webgpuKernel(WebGPUKernelName.sgdMomentum, (backend, { param, grad, buffer }, attrs) => {
  const { lr, momentum, weightDecay, first } = attrs as { lr: number; momentum: number; weightDecay: number; first: boolean };
  const size = util.sizeFromShape(param.shape);
  const newParam = output(backend, param.shape);
  const newBuffer = output(backend, param.shape);
  dispatch(backend, {
    name: WebGPUKernelName.sgdMomentum,
    outputs: { newParam, newBuffer },
    // On the first step there is no buffer yet; the body does not read it, and binding grad in its place keeps one layout.
    inputs: { param, grad, buffer: first ? grad : buffer },
    uniforms: { size: ['u32', size], lr: ['f32', lr], momentum: ['f32', momentum], weightDecay: ['f32', weightDecay] },
    body: body(first),
    workgroups: cover(backend, size, WORKGROUP),
  });
  return [newParam, newBuffer];
});
