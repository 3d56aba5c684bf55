import type { InjectionToken } from 'tsyringe';
import type { Dataset } from './types/data.js';
import type { ModelParts } from './types/model.js';
import type { Rng } from './rng.js';
import type { Logger } from './types/logger.js';
import type { StageSettings } from './types/context.js';

/** DI tokens the engine registers in every run's (and stage's) container; inject them with `@inject(Tokens.X)`. */
export const Tokens = Object.freeze({
  /** `readonly number[]`: training count per class. */
  ClassCounts: Symbol('lt.ClassCounts') as InjectionToken<readonly number[]>,
  /** The loaded `Dataset`. */
  Dataset: Symbol('lt.Dataset') as InjectionToken<Dataset>,
  /** The model (`ModelParts`) as it stands at the start of the stage. */
  Model: Symbol('lt.Model') as InjectionToken<ModelParts>,
  /** The stage's seeded `Rng`. */
  Rng: Symbol('lt.Rng') as InjectionToken<Rng>,
  /** The run's `Logger`. */
  Logger: Symbol('lt.Logger') as InjectionToken<Logger>,
  /** The current stage's `StageSettings`. */
  Stage: Symbol('lt.Stage') as InjectionToken<StageSettings>,
  /** The run seed (`number`). */
  Seed: Symbol('lt.Seed') as InjectionToken<number>,
});
