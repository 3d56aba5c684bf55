import { describe, expect, it } from 'vitest';
import {
  epochLeak,
  forgetfulWarmup,
  headPenalty,
  leakyLoss,
  looseOptions,
  ownLoss,
  randomSampler,
  silentReplacer,
  stageLeak,
  vagueOptions,
} from './plugins.fixture.js';
import { checkNoLeak } from './checks/noLeak.js';
import { checkDeterministic } from './checks/deterministic.js';
import { checkResume } from './checks/resume.js';
import { checkInvalidOptions } from './checks/options.js';
import { checkConflicts, checkDeclaresReplacement } from './checks/replacement.js';

// Each check fails on a plugin built to break it (and passes on headPenalty: see describePlugin.test.ts).
describe('each check fails on a plugin built to break it', () => {
  it('checkNoLeak: a loss that keeps a tensor per step', async () => {
    await expect(checkNoLeak({ factory: leakyLoss }, 'cpu')).rejects.toThrow(/leaky-loss leaks tensors during steps .*numTensors was (\d+) .* and (?!\1)\d+/);
  });

  it('checkNoLeak: a tensor created at every epoch end', async () => {
    await expect(checkNoLeak({ factory: epochLeak }, 'cpu')).rejects.toThrow(/epoch-leak leaks tensors/);
  });

  it('checkNoLeak: a tensor held past the end of the run', async () => {
    await expect(checkNoLeak({ factory: stageLeak }, 'cpu')).rejects.toThrow(/stage-leak leaves 1 tensor\(s\) behind after run\.dispose\(\)/);
  });

  it('checkDeterministic: a sampler shuffling with Math.random', async () => {
    await expect(checkDeterministic({ factory: randomSampler }, 'cpu')).rejects.toThrow(/random-sampler is not deterministic under a seed \(cpu\): two runs with seed 0 differ at stages\[0\]/);
  });

  it('checkResume: a warm-up whose step counter is not checkpointed', async () => {
    await expect(checkResume({ factory: forgetfulWarmup }, 'cpu')).rejects.toThrow(
      /forgetful-warmup does not survive checkpoint → resume \(cpu\): .* differs .* at stages\[0\]\.epochs\[1\]\.trainLoss/,
    );
  });

  it('checkResume: also in the classifier stage', async () => {
    await expect(checkResume({ factory: forgetfulWarmup, stage: 'classifier' }, 'cpu')).rejects.toThrow(/stages\[1\]\.epochs\[1\]\.trainLoss/);
  });

  it('checkInvalidOptions: a schema that drops unknown options', () => {
    expect(() => checkInvalidOptions({ factory: looseOptions })).toThrow(/loose-options accepted invalid options \{"notAnOption":1\}/);
  });

  it('checkInvalidOptions: an error that names neither the plugin nor the field', () => {
    expect(() => checkInvalidOptions({ factory: vagueOptions }, [{ options: { gamma: -1 }, field: 'gamma' }])).toThrow(
      /must name the plugin \('loose-options'\) and the field \('notAnOption'\); it said: invalid options/,
    );
  });

  it('checkInvalidOptions: an invalid value the schema lets through', () => {
    expect(() => checkInvalidOptions({ factory: headPenalty }, [{ options: { weight: 1 }, field: 'weight' }])).toThrow(
      /head-penalty accepted invalid options \{"weight":1\}/,
    );
  });

  it('checkDeclaresReplacement: a loss tap that discards its input without { replaces: true }', async () => {
    await expect(checkDeclaresReplacement({ factory: silentReplacer }, 'cpu')).rejects.toThrow(
      /silent-replacer taps the 'loss' hook without \{ replaces: true \} but never used the loss function it received/,
    );
  });

  it('checkConflicts: an undeclared replacement does not conflict with a plugin it should conflict with', async () => {
    await expect(checkConflicts({ factory: silentReplacer }, 'cpu', ownLoss)).rejects.toThrow(
      /A stage with silent-replacer and own-loss started, but it was declared to conflict with own-loss/,
    );
  });
});

describe('the checks see what a plugin does', () => {
  it('checkConflicts finds the hooks a plugin replaces and checks each against a rival', async () => {
    expect(await checkConflicts({ factory: ownLoss }, 'cpu')).toEqual(['loss']);
    expect(await checkConflicts({ factory: headPenalty }, 'cpu')).toEqual([]);
  });

  it('checkResume tells a fixture too short to kill after an epoch', async () => {
    await expect(checkResume({ factory: headPenalty, fixture: { epochs: 1 } }, 'cpu')).rejects.toThrow(/needs fixture\.epochs ≥ 2/);
  });
});
