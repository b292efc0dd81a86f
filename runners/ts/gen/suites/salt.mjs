// salt.policy
import { isDeepStrictEqual } from 'node:util';
import * as ref from '../ref.mjs';
import * as up from '../upstream.mjs';

const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const c = (id, env, description, flags, extra = {}) => ({ id: `salt-${id}`, description, input: { env }, flags, ...extra });
const DEF = { output: { salt: 'secretsalt', default: true } };
const REFUSE = { error: 'default_salt_in_production' };

const cases = [
  c('unset', {}, 'nothing set: the default salt, with the default-salt warning', ['salt-unset', 'not-production'], { want: DEF }),
  c('empty', { SECRET_SALT: '' }, 'SECRET_SALT set to the empty string counts as unset', ['salt-unset', 'empty', 'not-production'], { want: DEF }),
  c('space', { SECRET_SALT: ' ' }, 'SECRET_SALT a single space is a (non-default) salt, not trimmed', ['salt-explicit', 'salt-whitespace', 'not-production'], { want: { output: { salt: ' ', default: false } } }),
  c('padded', { SECRET_SALT: '  my-salt  ' }, 'surrounding spaces are kept', ['salt-explicit', 'salt-whitespace', 'not-production']),
  c('newline', { SECRET_SALT: 'my-salt\n' }, 'a trailing newline is kept', ['salt-explicit', 'salt-whitespace', 'not-production']),
  c('custom', { SECRET_SALT: 'my-salt' }, 'a custom salt is used and is not the default', ['salt-explicit', 'not-production'], { want: { output: { salt: 'my-salt', default: false } } }),
  c('unicode', { SECRET_SALT: 's\u00e4lz-\u{1f511}' }, 'a non-ASCII salt', ['salt-explicit', 'salt-unicode', 'not-production']),
  c('default-explicit', { SECRET_SALT: 'secretsalt' }, 'SECRET_SALT explicitly "secretsalt" is the default salt', ['salt-default', 'not-production'], { want: DEF }),
  c('default-upper', { SECRET_SALT: 'SECRETSALT' }, '"SECRETSALT" is not the default salt (exact comparison)', ['salt-explicit', 'not-production']),
  c('default-trailing-space', { SECRET_SALT: 'secretsalt ' }, '"secretsalt " (trailing space) is not the default salt', ['salt-explicit', 'salt-whitespace', 'not-production']),
  c('development', { NODE_ENV: 'development' }, 'development with no salt: default salt allowed', ['salt-unset', 'not-production'], { want: DEF }),
  c('test-env', { NODE_ENV: 'test' }, 'NODE_ENV=test with no salt: default salt allowed', ['salt-unset', 'not-production'], { want: DEF }),
  c('node-env-empty', { NODE_ENV: '' }, 'NODE_ENV empty is not production', ['salt-unset', 'not-production'], { want: DEF }),
  c('prod-unset', { NODE_ENV: 'production' }, 'production with no salt is refused', ['salt-unset', 'production'], { want: REFUSE }),
  c('prod-empty', { NODE_ENV: 'production', SECRET_SALT: '' }, 'production with an empty salt is refused', ['salt-unset', 'empty', 'production'], { want: REFUSE }),
  c('prod-default-explicit', { NODE_ENV: 'production', SECRET_SALT: 'secretsalt' }, 'production with the default salt set explicitly is refused', ['salt-default', 'production'], { want: REFUSE }),
  c('prod-custom', { NODE_ENV: 'production', SECRET_SALT: 'prod-salt-123' }, 'production with a custom salt is fine', ['salt-explicit', 'production']),
  c('prod-space-salt', { NODE_ENV: 'production', SECRET_SALT: ' ' }, 'production with a whitespace salt is fine (non-empty, not default)', ['salt-explicit', 'salt-whitespace', 'production']),
  c('prod-upper', { NODE_ENV: 'PRODUCTION' }, 'NODE_ENV=PRODUCTION is production (lower-cased)', ['salt-unset', 'production'], { want: REFUSE }),
  c('prod-title', { NODE_ENV: 'Production' }, 'NODE_ENV=Production is production (lower-cased)', ['salt-unset', 'production'], { want: REFUSE }),
  c('prod-leading-space', { NODE_ENV: ' production' }, 'NODE_ENV=" production" is not production (no trimming)', ['salt-unset', 'not-production', 'whitespace'], { want: DEF }),
  c('prod-trailing-newline', { NODE_ENV: 'production\n' }, 'NODE_ENV="production\\n" is not production (no trimming)', ['salt-unset', 'not-production', 'whitespace'], { want: DEF }),
  c('prod-abbrev', { NODE_ENV: 'prod' }, 'NODE_ENV=prod is not production', ['salt-unset', 'not-production'], { want: DEF }),
  c('prod-override-true', { NODE_ENV: 'production', ELIZA_ALLOW_DEFAULT_SECRET_SALT: 'true' }, 'production + override "true": default salt allowed (and warned)', ['salt-unset', 'production', 'override'], { want: DEF }),
  c('prod-override-upper', { NODE_ENV: 'production', ELIZA_ALLOW_DEFAULT_SECRET_SALT: 'TRUE' }, 'override "TRUE" counts (lower-cased)', ['salt-unset', 'production', 'override'], { want: DEF }),
  c('prod-override-title', { NODE_ENV: 'production', ELIZA_ALLOW_DEFAULT_SECRET_SALT: 'True' }, 'override "True" counts (lower-cased)', ['salt-unset', 'production', 'override'], { want: DEF }),
  c('prod-override-1', { NODE_ENV: 'production', ELIZA_ALLOW_DEFAULT_SECRET_SALT: '1' }, 'override "1" does not count', ['salt-unset', 'production', 'override'], { want: REFUSE }),
  c('prod-override-yes', { NODE_ENV: 'production', ELIZA_ALLOW_DEFAULT_SECRET_SALT: 'yes' }, 'override "yes" does not count', ['salt-unset', 'production', 'override'], { want: REFUSE }),
  c('prod-override-leading-space', { NODE_ENV: 'production', ELIZA_ALLOW_DEFAULT_SECRET_SALT: ' true' }, 'override " true" does not count (no trimming)', ['salt-unset', 'production', 'override', 'whitespace'], { want: REFUSE }),
  c('prod-override-trailing-newline', { NODE_ENV: 'production', ELIZA_ALLOW_DEFAULT_SECRET_SALT: 'true\n' }, 'override "true\\n" does not count (no trimming)', ['salt-unset', 'production', 'override', 'whitespace'], { want: REFUSE }),
  c('prod-override-empty', { NODE_ENV: 'production', ELIZA_ALLOW_DEFAULT_SECRET_SALT: '' }, 'override set to empty does not count', ['salt-unset', 'production', 'override'], { want: REFUSE }),
  c('prod-override-false', { NODE_ENV: 'production', ELIZA_ALLOW_DEFAULT_SECRET_SALT: 'false' }, 'override "false" does not count', ['salt-unset', 'production', 'override'], { want: REFUSE }),
  c('prod-override-explicit-default', { NODE_ENV: 'PRODUCTION', SECRET_SALT: 'secretsalt', ELIZA_ALLOW_DEFAULT_SECRET_SALT: 'TRUE' }, 'explicit default salt in PRODUCTION with override TRUE is allowed', ['salt-default', 'production', 'override'], { want: DEF }),
  c('prod-override-custom', { NODE_ENV: 'production', SECRET_SALT: 'prod-salt-123', ELIZA_ALLOW_DEFAULT_SECRET_SALT: 'true' }, 'override is irrelevant when a custom salt is set', ['salt-explicit', 'production', 'override']),
  c('dev-override', { NODE_ENV: 'development', ELIZA_ALLOW_DEFAULT_SECRET_SALT: 'true' }, 'override outside production changes nothing', ['salt-unset', 'not-production', 'override'], { want: DEF }),
];

export const saltPolicy = {
  name: 'salt.policy',
  spec: (input) => ref.saltPolicy(input.env),
  observe: (input) => up.observeSaltPolicy(input),
  agrees: (spec, obs) => {
    if (has(spec, 'error')) return has(obs, 'error') && obs.kind === spec.error;
    return has(obs, 'output') && isDeepStrictEqual(obs.output, spec.output);
  },
  files: [
    { name: 'policy', description: 'salt.policy: which salt is in force for a given environment, whether it is the default salt (upstream warns once), and the production refusal with its override.', cases },
  ],
};

export const suites = [saltPolicy];
