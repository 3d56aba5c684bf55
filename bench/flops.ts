// Arithmetic of the benchmarked ResNet-32 step, to set measured speed against the CPU's ceiling (bench/ceiling.ts).

/** 3×3 convolutions of the CIFAR ResNet-32 (16-32-64) on 32×32 input: output side, input and output channels. */
function resnet32Convs(): Array<{ side: number; ci: number; co: number }> {
  const convs = [{ side: 32, ci: 3, co: 16 }];
  let inPlanes = 16;
  [16, 32, 64].forEach((planes, stage) => {
    const side = 32 >> stage;
    for (let block = 0; block < 5; block++) {
      convs.push({ side, ci: inPlanes, co: planes }, { side, ci: planes, co: planes });
      inPlanes = planes;
    }
  });
  return convs;
}

/**
 * GFLOP of one ResNet-32 training step at `batch` as direct convolution counts them (2 per multiply-add): the
 * forward, the filter gradient and the input gradient of every conv (no input gradient for the stem).
 */
export function resnet32StepGflop(batch: number): number {
  const convs = resnet32Convs();
  const forward = convs.map(({ side, ci, co }) => 2 * batch * side * side * 9 * ci * co);
  const total = forward.reduce((a, b) => a + b, 0);
  return (3 * total - forward[0]) / 1e9;
}
