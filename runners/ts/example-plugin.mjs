// The example plugin of spec/example-plugin.md as an @elizaos/core Plugin
// object, as an ES module: the default export (and the `plugin` export).
//
//   node runners/ts/plugin-server.mjs runners/ts/example-plugin.mjs
//
// The implementation is shared with the CommonJS form, example-plugin.cjs
// (createExamplePlugin); this module gives it @elizaos/core's stringToUuid and
// has its own plugin object, so its state (the greeting) is its own.
import { stringToUuid } from '@elizaos/core';
import commonjs from './example-plugin.cjs';

export const plugin = commonjs.createExamplePlugin(stringToUuid);
export default plugin;
