'use strict';
// The example plugin of spec/example-plugin.md as an @elizaos/core Plugin
// object, in CommonJS. It holds the implementation both module forms share:
// example-plugin.mjs builds its plugin with createExamplePlugin too.
//
//   node runners/ts/plugin-server.mjs runners/ts/example-plugin.cjs
//
// module.exports is the plugin itself (what `require` and, through `import`,
// `default` give), so upstream's runner and ours load it the same way. A
// CommonJS file cannot `require` the ES-module-only @elizaos/core on every
// supported Node, so UUID imports it (once) when first called; the ES module
// form passes core's stringToUuid in directly.
//
// SLEEP ends early when its call is cancelled: it waits on
// `options.abortSignal`, the AbortSignal plugin-server.mjs puts in every
// action handler's options (see plugin-server.mjs). The plugin never prints.

const { setTimeout: delay } = require('node:timers/promises');

const NAME = 'interop-example';
const SLEEP_MAX_MS = 10000;

// memory.content.text, or "" when it is absent.
function textOf(memory) {
  const text = memory?.content?.text;
  return typeof text === 'string' ? text : '';
}

// options.ms: an integer from 0 to 10000.
function sleepMillis(options) {
  const ms = options?.ms;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > SLEEP_MAX_MS) throw new Error('bad sleep');
  return ms;
}

// The example plugin; stringToUuid(text) returns (or resolves to) upstream's
// UUID of text. Each call makes a plugin with its own greeting.
function createExamplePlugin(stringToUuid) {
  let greeting = '';
  const always = async () => true;
  return {
    name: NAME,
    description: 'The interop example plugin: echo, uuid, fail, sleep, a provider and an evaluator.',
    version: '1.0.0',
    init: async (config) => {
      const g = config?.GREETING;
      greeting = typeof g === 'string' ? g : '';
    },
    actions: [
      {
        name: 'ECHO',
        description: 'Replies with the message text.',
        validate: async (_runtime, message) => textOf(message) !== '',
        handler: async (_runtime, message) => {
          const text = textOf(message);
          return { success: true, text, data: { echo: text } };
        },
      },
      {
        name: 'UUID',
        description: 'Derives a UUID from the message text with stringToUuid.',
        validate: always,
        handler: async (_runtime, message) => {
          const u = await stringToUuid(textOf(message));
          return { success: true, text: u, data: { uuid: u } };
        },
      },
      {
        name: 'FAIL',
        description: 'Always fails.',
        validate: always,
        handler: async () => {
          throw new Error('example failure');
        },
      },
      {
        name: 'SLEEP',
        description: 'Waits options.ms milliseconds, then replies.',
        validate: always,
        handler: async (_runtime, _message, _state, options) => {
          // Rejects with an AbortError when the signal is aborted.
          await delay(sleepMillis(options), undefined, { signal: options?.abortSignal });
          return { success: true, text: 'slept' };
        },
      },
    ],
    providers: [
      {
        name: 'EXAMPLE',
        description: 'A deterministic provider.',
        get: async (_runtime, message) => ({
          text: 'example provider',
          values: { plugin: NAME, greeting },
          data: { roomId: message?.roomId ?? '' },
        }),
      },
    ],
    evaluators: [
      {
        name: 'EXAMPLE_EVALUATOR',
        description: 'Evaluates messages that ask for it.',
        examples: [], // required by @elizaos/core's Evaluator type; not part of the manifest
        validate: async (_runtime, message) => textOf(message).includes('evaluate'),
        handler: async () => ({ success: true, text: 'evaluated', values: { evaluated: true } }),
      },
    ],
  };
}

let core = null;
function coreStringToUuid(text) {
  core ??= import('@elizaos/core');
  return core.then((c) => c.stringToUuid(text));
}

const plugin = createExamplePlugin(coreStringToUuid);
// Not enumerable: the plugin object stays a plain Plugin.
Object.defineProperty(plugin, 'createExamplePlugin', { value: createExamplePlugin });

module.exports = plugin;
