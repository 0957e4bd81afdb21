// ESLint with typescript-eslint, as in Temporal's TypeScript samples: the rules that catch a forgotten await
// (a floating promise in a workflow or a route is a lost effect) and deprecated APIs; Prettier owns the layout.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', '.temporal-venv/', '.test-data/', 'coverage/', 'dist/', 'test-results/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-deprecated': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
      'object-shorthand': 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: nothing of Node, nothing that touches the world.
    files: ['workflows/**/*.ts', 'temporal/definitions.ts', 'temporal/search-attributes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'os', 'http', 'https', 'net', 'child_process'],
              message: 'workflow code cannot use Node modules',
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'workflow code uses @temporalio/workflow only',
            },
            { group: ['**/api/*', '**/activities/*', '**/config/*'], message: 'workflow code imports domain/ and the definitions only' },
          ],
        },
      ],
    },
  },
  prettier,
);
