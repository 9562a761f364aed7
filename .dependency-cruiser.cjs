// The house's layers as an ALLOW-LIST (DESIGN.md "Who may import whom"), the way VS Code's
// code-import-patterns does it. Run by `npm run layers`, hence by `npm test`;
// tests/unit/layers.test.ts proves every cell of the table and every rule below.
//
// How it works: every dependency of a file under src/ must match one `allowed` rule, or it
// is a `not-in-allowed` error. The `forbidden` rules then refuse, even where `allowed`
// matched: 'electron' outside the shell, Node in shared/renderer, cycles, files outside any
// layer, and imports that do not resolve (an unresolved import could hide a breach).
// Type-only imports (`import type`, `export type … from`), dynamic `import()`, `require()`
// and `export … from` are all dependencies here (tsPreCompilationDeps keeps the type-only ones).

/** layer name -> the folder (or file) it owns, as a regex on the path from the repo root */
const LAYERS = {
  shared: '^src/shared/',
  engine: '^src/main/engine/',
  sources: '^src/main/sources/',
  store: '^src/main/store/',
  mock: '^src/main/mock/',
  app: '^src/main/app/',
  studio: '^src/main/studio/',
  electron: '^src/main/electron/',
  cli: '^src/cli/',
  preload: '^src/preload/',
  renderer: '^src/renderer/',
  // The Electron entry electron-vite builds: it only calls into the shell.
  entry: '^src/main/index\\.ts$',
};

/** The table, verbatim. A layer may always import itself (added below). */
const MAY_IMPORT = {
  shared: [],
  engine: ['shared'],
  sources: ['shared', 'engine'], // DESIGN: engine types; values are allowed too
  store: ['shared', 'engine'], // DESIGN: engine types; values are allowed too
  mock: ['shared'],
  app: ['shared', 'engine', 'sources', 'store'],
  studio: ['shared', 'app', 'engine', 'sources', 'store', 'mock'],
  electron: ['shared', 'studio'],
  cli: ['shared', 'app', 'sources', 'mock', 'store'],
  preload: ['shared'],
  renderer: ['shared'],
  entry: ['electron'],
};

/** Layers that may use npm packages and Node built-ins at all (subject to the forbidden rules). */
const USES_PACKAGES = Object.keys(LAYERS).filter((layer) => layer !== 'entry');

const anyOf = (names) => `(${names.map((name) => LAYERS[name]).join(')|(')})`;
const ALL_LAYERS = anyOf(Object.keys(LAYERS));

// Resolved paths of npm packages (the form an unresolved bare specifier keeps is covered too).
const pkg = (names) => `(^|/)node_modules/(${names.join('|')})/|^(${names.join('|')})(/|$)`;
const NODE_ONLY_PACKAGES = ['better-sqlite3', 'undici'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  allowed: [
    ...Object.entries(MAY_IMPORT).map(([layer, targets]) => ({
      comment: `${layer} may import ${[layer, ...targets].join(', ')}`,
      from: { path: LAYERS[layer] },
      to: { path: anyOf([layer, ...targets]) },
    })),
    {
      comment: 'packages from node_modules (electron and Node-only ones are refused below where they do not belong)',
      from: { path: anyOf(USES_PACKAGES) },
      to: { path: '(^|/)node_modules/' },
    },
    {
      comment: 'Node built-ins (refused below in shared and renderer)',
      from: { path: anyOf(USES_PACKAGES) },
      to: { dependencyTypes: ['core'] },
    },
  ],
  allowedSeverity: 'error',

  forbidden: [
    {
      name: 'electron-only-in-shell',
      comment: "Only src/main/electron and src/preload import 'electron' (DESIGN.md, the house).",
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(['electron', 'preload']) },
      to: { path: pkg(['electron']) },
    },
    {
      name: 'no-node-in-shared-or-renderer',
      comment: 'src/shared runs in every process and the renderer has no Node: no Node built-ins.',
      severity: 'error',
      from: { path: anyOf(['shared', 'renderer']) },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-node-packages-in-shared-or-renderer',
      comment: `src/shared and src/renderer import no Node-only package (${NODE_ONLY_PACKAGES.join(', ')}).`,
      severity: 'error',
      from: { path: anyOf(['shared', 'renderer']) },
      to: { path: pkg(NODE_ONLY_PACKAGES) },
    },
    {
      name: 'store-connection-private',
      comment: "The store's connection (db, statements) is private to the store: other layers use the Store's methods.",
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.store },
      to: { path: '^src/main/store/connection\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle anywhere under src/ (type-only imports count).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-unknown-layer-importing',
      comment: 'Every file under src/ belongs to a layer of the table; this one does not, and imports.',
      severity: 'error',
      from: { path: '^src/', pathNot: ALL_LAYERS },
      to: {},
    },
    {
      name: 'no-unknown-layer-imported',
      comment: 'Every file under src/ belongs to a layer of the table; this one does not, and is imported.',
      severity: 'error',
      from: {},
      to: { path: '^src/', pathNot: ALL_LAYERS },
    },
    {
      name: 'no-unknown-layer-orphan',
      comment: 'Every file under src/ belongs to a layer of the table; this one does not.',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: ALL_LAYERS },
      to: {},
    },
    {
      name: 'no-unresolvable',
      comment: 'Every import resolves (an unresolved one could hide a layer breach).',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],

  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    // Keep `import type` / `export type … from`: a type-only import still couples two layers.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: false,
  },
};
