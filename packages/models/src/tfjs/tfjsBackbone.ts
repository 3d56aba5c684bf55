import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LtError, type Backbone, type ForwardMode, type NamedVariable } from '@lt/core';

/** Checkpoint-level name of a tfjs model weight (`originalName`, e.g. `dense_1/kernel`: unique in a model and, unlike `name`, not suffixed when a process loads the model twice). */
const weightName = (weight: tfl.LayerVariable): string => `backbone.${weight.originalName}`;

// A LayerVariable holds a tf.Variable (`read()` is typed as a plain Tensor).
const named = (weight: tfl.LayerVariable): NamedVariable => ({ name: weightName(weight), variable: weight.read() as tf.Variable });

/** The layer a tfjs model's features come from, and the dense layer that reads them (the model's classifier). */
export interface FeatureCut {
  /** The features node [B, D] in the loaded model's graph. */
  readonly features: tfl.SymbolicTensor;
  /** The model's last dense layer when it reads exactly these features: it becomes the starting head. */
  readonly classifier: tfl.layers.Layer | undefined;
}

/** Finds the features of a LayersModel: `featureLayer`'s output, or by default the input of the last dense layer. */
export function cutFeatures(model: tfl.LayersModel, featureLayer: string | undefined, source: string): FeatureCut {
  const dense = [...model.layers].reverse().find((layer) => layer.getClassName() === 'Dense');
  if (featureLayer === undefined) {
    if (dense === undefined) {
      throw new LtError('MODEL_FEATURES', `${source} has no dense layer to take features from: give featureLayer (layers: ${model.layers.map((l) => l.name).join(', ')})`);
    }
    return { features: dense.input as tfl.SymbolicTensor, classifier: dense };
  }
  let layer: tfl.layers.Layer;
  try {
    layer = model.getLayer(featureLayer);
  } catch {
    throw new LtError('MODEL_FEATURES', `${source} has no layer '${featureLayer}' (layers: ${model.layers.map((l) => l.name).join(', ')})`);
  }
  const features = layer.output as tfl.SymbolicTensor;
  return { features, classifier: dense !== undefined && dense.input === features ? dense : undefined };
}

/**
 * A saved tfjs LayersModel cut at its feature layer, as an lt backbone. Its weights are lt parameters (trainable
 * ones) and buffers (the rest, e.g. BatchNorm moving statistics); its BatchNorm layers always run on their moving
 * statistics, so lt has nothing to recalibrate (`hasBatchNorm` false) and a frozen stage uses the feature cache.
 */
export class TfjsBackbone implements Backbone {
  readonly name = 'backbone';
  readonly featureDim: number;
  readonly hasBatchNorm = false;
  /** The loaded model's graph from its input to the features. */
  readonly extractor: tfl.LayersModel;

  constructor(
    readonly input: tfl.SymbolicTensor,
    readonly features: tfl.SymbolicTensor,
    source: string,
  ) {
    if (features.shape.length !== 2 || features.shape[1] === null) {
      throw new LtError('MODEL_FEATURES', `${source}: features must be [batch, D], the chosen layer gives [${features.shape.map(String).join(', ')}]; pick a layer after flatten or pooling`);
    }
    this.featureDim = features.shape[1];
    this.extractor = tfl.model({ inputs: input, outputs: features });
  }

  /** Features [B, D] (`mode` changes nothing: tfjs layers run in inference mode). */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    void mode;
    return tf.tidy(() => this.extractor.apply(x, { training: false }) as tf.Tensor2D);
  }

  parameters(): NamedVariable[] {
    return this.extractor.trainableWeights.map(named);
  }

  buffers(): NamedVariable[] {
    return this.extractor.nonTrainableWeights.map(named);
  }
}
