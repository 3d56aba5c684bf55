import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { replaceDirAtomic } from '@lt/core';
import { directorySaveHandler, toLayersModel } from '@lt/models';
import { rebuildModel } from './rebuildModel.js';

/** What `classes.json` holds beside an exported model: class names and the input preprocessing. */
export interface ExportedClasses {
  readonly names: string[];
  /** NHWC input of height × width × channels; pixels scaled to [0, 1], then (x − mean)/std per channel. */
  readonly input: { height: number; width: number; channels: number; mean: number[]; std: number[] };
}

/** What `exportRun` wrote. */
export interface ExportResult {
  readonly stage: string;
  readonly out: string;
  readonly classes: ExportedClasses;
}

/**
 * Writes a run's model (one stage's checkpoint, default the last) as a plain tfjs LayersModel in `out`:
 * `model.json` + `weights.bin` + `classes.json`, replacing `out` atomically.
 */
export async function exportRun(runDir: string, out: string, options: { stage?: string } = {}): Promise<ExportResult> {
  const model = await rebuildModel(runDir, options.stage);
  try {
    const { info } = model.manifest;
    const [height, width, channels] = info.imageShape;
    const perChannel = (values: readonly number[] | undefined, fallback: number): number[] =>
      Array.from({ length: channels }, (_, c) => (values === undefined ? fallback : values.length === 1 ? values[0] : values[c]));
    const classes: ExportedClasses = {
      names: Array.from({ length: info.numClasses }, (_, k) => info.classNames?.[k] ?? String(k)),
      input: { height, width, channels, mean: perChannel(info.normalization?.mean, 0), std: perChannel(info.normalization?.std, 1) },
    };
    const layers = toLayersModel(model, info.imageShape);
    try {
      await replaceDirAtomic(resolve(out), async (temp) => {
        await layers.save(directorySaveHandler(temp));
        await writeFile(join(temp, 'classes.json'), `${JSON.stringify(classes, null, 2)}\n`);
      });
    } finally {
      layers.dispose();
    }
    return { stage: model.stage, out, classes };
  } finally {
    model.dispose();
  }
}
