import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Type-aware lint: every TypeScript file is checked with type information from its own project
// (`projectService` picks the nearest tsconfig.json: the root one for src/, media/tsconfig.json for the
// webview scripts, test/tsconfig.json for the tests). Plain JavaScript files are linted without types.
export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Already in recommendedTypeChecked; named here so that a later preset change cannot drop them quietly.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      curly: ['error', 'multi-line'],
      'no-console': 'off',
    },
  },
  {
    // Plain JavaScript (build scripts, the test runner, browser fakes): no type information to check against.
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
  {
    // CommonJS config files (.dependency-cruiser.cjs): `module`, `require` and `exports` are defined there.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
