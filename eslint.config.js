// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Determinism: simulation results are only statements about the runtime if nothing in the delegation
 * logic reads the wall clock, an unseeded random source or schedules host timers. Time comes from an
 * injected `Clock`, randomness from an injected `Rng`. Only the modules that implement those two may
 * touch the host primitives.
 */
const determinismMessage =
  'Library code must not read host time, randomness or timers: inject a Clock or an Rng from @flotilla/core.';

const hostPrimitiveOwners = [
  'packages/core/src/time/system-clock.ts',
  'packages/core/src/random/default-seed.ts',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Everything here runs on Node: examples, agent modules and scripts may use its globals.
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    // The benchmark harness measures wall time by design.
    ignores: ['packages/bench/src/**', ...hostPrimitiveOwners],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: determinismMessage },
        { object: 'performance', property: 'now', message: determinismMessage },
        { object: 'Math', property: 'random', message: determinismMessage },
        { object: 'globalThis', property: 'setTimeout', message: determinismMessage },
        { object: 'globalThis', property: 'setInterval', message: determinismMessage },
        { object: 'globalThis', property: 'performance', message: determinismMessage },
        { object: 'crypto', property: 'getRandomValues', message: determinismMessage },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: determinismMessage },
        { name: 'setInterval', message: determinismMessage },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'timers',
            'node:timers',
            'timers/promises',
            'node:timers/promises',
            'perf_hooks',
            'node:perf_hooks',
          ].map((name) => ({ name, message: determinismMessage })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: determinismMessage },
      ],
    },
  },
);
