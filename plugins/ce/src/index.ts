export { CePlugin, ce } from './plugin.js';
