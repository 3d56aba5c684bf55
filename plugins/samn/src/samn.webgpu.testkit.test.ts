import { describePlugin } from '@lt/testkit';
import { ce } from '@lt/ce';
import { samn } from './plugin.js';

// The conformance checks on webgpu, where SAMN's PAVA runs as lt's GPU kernels: Dawn over SwiftShader here.
process.env.VK_DRIVER_FILES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

describePlugin('@lt/samn on webgpu', samn, { stage: 'classifier', companions: () => [ce()], backends: ['webgpu'] });
