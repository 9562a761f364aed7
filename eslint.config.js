// Layering, as VS Code does it: each layer may import only the ones below it. `npm test`
// runs this, so a layer breach fails the build (tests/unit/layers.test.ts proves it does).
import tseslint from 'typescript-eslint';

const electron = { name: 'electron', message: 'Only src/main/index.ts and src/main/ipc.ts may import electron (DESIGN.md invariant 1).' };
const nodeOnly = ['node:*', 'fs', 'path', 'os', 'child_process', 'better-sqlite3', 'undici'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.bench/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {},
  },
  {
    files: ['src/main/engine/**', 'src/main/sources/**', 'src/main/mock/**', 'src/main/store/**', 'src/main/runs/**', 'src/cli/**', 'src/main/service.ts', 'src/main/service/**', 'src/main/ipc-schemas.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron] }] },
  },
  {
    files: ['src/main/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            { group: ['**/store/**', '**/store'], message: 'The engine must not import the store: the store listens to engine events.' },
            { group: ['**/renderer/**', '**/cli/**', '**/service', '**/service.js'], message: 'The engine knows no host.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            { group: nodeOnly, message: 'src/shared runs in every process: no Node modules.' },
            { group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/cli/**'], message: 'src/shared imports nothing above it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer is untrusted: it talks only to window.outbound.' }],
          patterns: [
            { group: ['**/main/**', '**/main', '**/preload/**', '**/cli/**'], message: 'The renderer may import only src/shared; everything else goes through window.outbound.' },
            { group: nodeOnly, message: 'The renderer has no Node.' },
          ],
        },
      ],
    },
  },
);
