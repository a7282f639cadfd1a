// ESLint flat config. Formatting is Prettier's job (`prettier --check .`); ESLint only looks for bugs.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const testFiles = ['**/__tests__/**', '**/*.test.{ts,tsx}', '**/*.test-d.{ts,tsx}', 'test/**', 'bench/**'];

export default defineConfig(
  globalIgnores(['dist/', 'storybook-static/', 'node_modules/', 'test-output/', 'coverage/', 'examples/*/.next/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      // `_`-prefixed names mark parameters and bindings that are unused on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The library ships no `any`: every bad input becomes a typed VideoJobError instead.
    files: ['src/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['src/react/**/*.{ts,tsx}', 'src/components/**/*.{ts,tsx}', 'stories/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    // Tests may poke at internals and feed deliberately wrong shapes.
    files: testFiles,
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
