// Lint runs in the test command. Type-aware rules catch promises nobody awaits or handles (an
// error there would vanish, or crash berthd as an unhandled rejection); tsc does the type checks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// node:test's describe/it/test return promises the runner itself awaits.
const nodeTestCalls = { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach', 'suite'] };

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'node_modules/**', 'src/compose/schema/compose-validator.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-control-regex': 'off',
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [nodeTestCalls] }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      // A failure may be ignored only through src/util/best-effort.ts, which says why and logs it.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[params.length=0][body.type='BlockStatement'][body.body.length=0]",
          message: 'A silent .catch(() => {}) hides errors: use bestEffort/settled/orUndefined (src/util/best-effort.ts).',
        },
        {
          selector: "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[params.length=0][body.type='Identifier'][body.name='undefined']",
          message: 'A silent .catch(() => undefined) hides errors: use bestEffort/settled/orUndefined (src/util/best-effort.ts).',
        },
      ],
    },
  },
  // Tests may drop a clean-up failure: the assertion that matters has already run.
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'no-restricted-syntax': 'off' } },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
