import { LtError, type ModelSpec } from '@lt/core';
import { cnn, identity, mlp, resnet10, resnet50, resnetCifar, resnext50, tfjsModel } from '@lt/models';
import type { CliConfig } from './schema.js';

type ModelConfig = NonNullable<CliConfig['model']>;

/** The ImageNet-size backbones of the large-scale setup (DESIGN §10). */
const imageNetModels = { resnet10, resnet50, resnext50 } as const;

/** Turns the configuration's model entry into a model spec. */
export function modelFromConfig(model: ModelConfig): ModelSpec {
  if (model.width !== undefined && !['resnet8', 'resnet20', 'resnet32', 'resnet56'].includes(model.name)) {
    throw new LtError('CONFIG_INVALID', `model.width applies to the CIFAR ResNets only; remove it for '${model.name}'`);
  }
  switch (model.name) {
    case 'tfjs':
      return tfjsModel({ path: model.path!, ...(model.featureLayer !== undefined && { featureLayer: model.featureLayer }) });
    case 'identity':
      return identity();
    case 'cnn':
      return cnn();
    case 'mlp':
      return mlp();
    case 'resnet10':
    case 'resnet50':
    case 'resnext50':
      return imageNetModels[model.name]();
    default:
      return resnetCifar({ depth: Number(model.name.slice('resnet'.length)) as 8 | 20 | 32 | 56, width: model.width ?? 'standard' });
  }
}
