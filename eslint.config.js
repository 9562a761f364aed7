// ESLint parses every TypeScript file (typescript-eslint). The layering (who may import whom,
// 'electron' only in the shell, no Node in shared/renderer, no cycles) is not here: it is an
// allow-list in .dependency-cruiser.cjs, run by `npm run layers` inside `npm test`, and
// tests/unit/layers.test.ts proves every cell of it.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.bench/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {},
  },
);
