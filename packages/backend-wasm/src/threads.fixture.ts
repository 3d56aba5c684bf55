// Child process for threads.test.ts: sets the wasm backend (threads per LT_WASM_THREADS / argv[2]), runs a conv and
// a matmul, prints one JSON line and then just ends — the process must exit on its own.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmBackend } from './backend.js';

const arg = process.argv[2];
const info = await setWasmBackend(arg === undefined ? {} : { threads: arg === 'auto' ? 'auto' : Number(arg) });
const x = tf.randomNormal([4, 16, 16, 8], 0, 1, 'float32', 1) as tf.Tensor4D;
const w = tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 2) as tf.Tensor4D;
const conv = tf.conv2d(x, w, 1, 'same');
const product = tf.matMul(tf.reshape(conv, [64, 256]), tf.randomNormal([256, 32], 0, 1, 'float32', 3));
const sum = (await tf.sum(product).data())[0];
process.stdout.write(
  `${JSON.stringify({ backend: tf.getBackend(), ...info, sum, workerGlobal: 'Worker' in globalThis, uncaughtListeners: process.listenerCount('uncaughtException') })}\n`,
);
