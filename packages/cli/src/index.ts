export { train } from './train.js';
export { parseTrainArgs, trainHelp, type TrainFlags } from './args.js';
export { resolveCliConfig, toRunConfig, defaultOutDir } from './resolve.js';
export { loadConfigFile, validateConfig } from './loadConfig.js';
export { cliConfigSchema, type CliConfig, type CliStage } from './schema.js';
export { manyMediumFewTable } from './table.js';
export { ProgressPrinter } from './progress.js';
export { pluginFactories } from './plugins.js';
