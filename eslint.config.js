import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/.work/**', 'bench/results/**', '**/*.java'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      // Off: `async` on Broker/store methods without await is deliberate: a throw there must become a rejection.
      '@typescript-eslint/require-await': 'off',
      // `catch (e) { return Promise.reject(e); }` re-raises a caught error, as only-throw-error allows for `throw e`.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // node:test's test()/describe()/it() return promises the runner itself awaits and reports; every other
      // floating promise is still an error.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite'],
            },
          ],
        },
      ],
    },
  },
  // Plain scripts (build helpers, generators, this file) are not in tsconfig.json: lint them without types.
  { files: ['**/*.mjs', '**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
);
