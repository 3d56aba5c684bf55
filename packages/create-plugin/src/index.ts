export { scaffold } from './scaffold.js';
export { validatePackageName, identifiersOf, defaultFolder, ScaffoldError, type PluginIdentifiers } from './name.js';
export { versions } from './versions.js';
