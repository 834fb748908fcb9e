// Lint config shared by every package: typescript-eslint's recommended rules, with `any` kept out,
// and for tests the vitest rules that catch a test that cannot fail.
import js from '@eslint/js';
import vitest from '@vitest/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/results/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    plugins: { vitest },
    rules: {
      // A test with no assertion passes whatever the code does. expectOneLine asserts inside.
      'vitest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expectOneLine'] }],
      'vitest/no-focused-tests': 'error',
      // A test declared under an `if` may silently not exist. tests/inspector declares its
      // Chromium-less case that way on purpose, as a visible skip, so it is left out here.
      'vitest/no-conditional-tests': 'error',
      // Not no-disabled-tests: it counts `context.skip()` as disabled, and that is how the fidelity
      // and proxy suites report a check that could not run rather than pass it.
    },
  },
  {
    files: ['tests/inspector/**'],
    rules: { 'vitest/no-conditional-tests': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
