import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { cnn } from '@lt/models';
import { glmcStepWorkload } from './workload.js';
import { useCpu } from './testing.fixture.js';

beforeAll(useCpu);

describe('glmcStepWorkload', () => {
  it('runs GLMC steps on a model spec with a flat tensor count, and frees everything', () => {
    const before = tf.memory().numTensors;
    const workload = glmcStepWorkload({ model: cnn({ channels: [4, 8], hidden: 8 }), imageShape: [8, 8, 3], numClasses: 5, batchSize: 6, glmc: { projectionDim: 4 } });
    expect(workload.batch).toBe(6);
    expect(workload.model.head.name).toBe('fc_cb');
    const counts: number[] = [];
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const loss = workload.step();
      losses.push(loss.dataSync()[0]);
      loss.dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(new Set(counts.slice(1)).size).toBe(1);
    workload.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
