// The layer allow-list (.dependency-cruiser.cjs, run by `npm run layers` inside `npm test`)
// must accept exactly what DESIGN.md's "Who may import whom" table allows and refuse the rest.
// One cruise over a temporary tree of probe files that mirrors src/: every (from, to) pair of
// layers, each with every way of importing (static, `import type`, `export … from`, `import()`,
// `require()`), plus 'electron', Node built-ins and Node-only packages in every layer, cycles,
// files outside any layer and an unresolvable import. The expectations below are written
// from the table, independently of the config: remove or loosen a rule and this test fails.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult, type IModule } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = process.cwd();

/** DESIGN.md "The house": the folder each layer owns. */
const LAYER_DIRS = {
  shared: 'src/shared',
  engine: 'src/main/engine',
  sources: 'src/main/sources',
  store: 'src/main/store',
  mock: 'src/main/mock',
  app: 'src/main/app',
  studio: 'src/main/studio',
  electron: 'src/main/electron',
  cli: 'src/cli',
  preload: 'src/preload',
  renderer: 'src/renderer',
} as const;
type Layer = keyof typeof LAYER_DIRS;
const LAYERS = Object.keys(LAYER_DIRS) as Layer[];

/** DESIGN.md "Who may import whom", verbatim (a layer may also import itself). */
const TABLE: Record<Layer, readonly Layer[]> = {
  shared: [],
  engine: ['shared'],
  sources: ['shared', 'engine'],
  store: ['shared', 'engine'],
  mock: ['shared'],
  app: ['shared', 'engine', 'sources', 'store'],
  studio: ['shared', 'app', 'engine', 'sources', 'store', 'mock'],
  electron: ['shared', 'studio'],
  cli: ['shared', 'app', 'sources', 'mock', 'store'],
  preload: ['shared'],
  renderer: ['shared'],
};

/** The Electron entry: it may import only src/main/electron, and nothing may import it. */
const ENTRY = 'src/main/index.ts';
type Target = Layer | 'entry';
const TARGETS: Target[] = [...LAYERS, 'entry'];

const mayImport = (from: Layer, to: Target): boolean => to !== 'entry' && (from === to || TABLE[from].includes(to));
const targetFile = (to: Target): string => (to === 'entry' ? ENTRY : `${LAYER_DIRS[to]}/target.ts`);

/** Every way one module can depend on another; each must be seen by the check. */
const KINDS = {
  static: (spec: string) => `import * as m from '${spec}';\nexport const probe = m;\n`,
  type: (spec: string) => `import type * as m from '${spec}';\nexport type Probe = typeof m;\n`,
  reexport: (spec: string) => `export * from '${spec}';\n`,
  dynamic: (spec: string) => `export const probe = () => import('${spec}');\n`,
  require: (spec: string) => `declare const require: (id: string) => unknown;\nexport const probe = () => require('${spec}');\n`,
} as const;
type Kind = keyof typeof KINDS;
const KIND_NAMES = Object.keys(KINDS) as Kind[];

/** A dependency the cruise must report: who, which specifier, and the verdict we expect. */
interface Expectation {
  from: string;
  spec: string;
  /** [] = accepted; otherwise the rule names that must all refuse it. */
  refusedBy: string[];
  why: string;
}

const files = new Map<string, string>();
const expectations: Expectation[] = [];
const moduleExpectations: { file: string; refusedBy: string[]; why: string }[] = [];

function relSpec(from: string, to: string): string {
  const rel = path.posix.relative(path.posix.dirname(from), to).replace(/\.tsx?$/, '.js');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function probe(from: string, spec: string, kind: Kind, refusedBy: string[], why: string): void {
  files.set(from, KINDS[kind](spec));
  expectations.push({ from, spec, refusedBy, why });
}

function buildProbeTree(): void {
  // One target per layer; the entry is its own target (it exports something too).
  for (const layer of LAYERS) files.set(targetFile(layer), 'export const value = 1;\nexport type T = number;\n');

  // The matrix: every layer x every target x every kind of import.
  for (const from of LAYERS) {
    for (const to of TARGETS) {
      for (const kind of KIND_NAMES) {
        const file = `${LAYER_DIRS[from]}/probe-${kind}-to-${to}.ts`;
        const ok = mayImport(from, to);
        probe(file, relSpec(file, targetFile(to)), kind, ok ? [] : ['not-in-allowed'], `${from} ${ok ? 'may' : 'may not'} import ${to} (${kind})`);
      }
    }
  }

  // The entry imports every target (and 'electron' and a Node built-in) from its single file.
  const entryLines = ["export const value = 1;\nexport type T = number;\n"];
  for (const to of LAYERS) {
    const spec = relSpec(ENTRY, targetFile(to));
    entryLines.push(`import * as to_${to} from '${spec}';\nexport const use_${to} = to_${to};\n`);
    expectations.push({ from: ENTRY, spec, refusedBy: to === 'electron' ? [] : ['not-in-allowed'], why: `the entry ${to === 'electron' ? 'may' : 'may not'} import ${to}` });
  }
  entryLines.push("import * as electron from 'electron';\nexport const useElectron = electron;\n");
  expectations.push({ from: ENTRY, spec: 'electron', refusedBy: ['electron-only-in-shell', 'not-in-allowed'], why: "the entry may not import 'electron' itself" });
  entryLines.push("import * as fs from 'node:fs';\nexport const useFs = fs;\n");
  expectations.push({ from: ENTRY, spec: 'node:fs', refusedBy: ['not-in-allowed'], why: 'the entry may import only src/main/electron' });
  files.set(ENTRY, entryLines.join(''));

  // Packages and built-ins, in every layer.
  const shell = new Set<Layer>(['electron', 'preload']);
  const noNode = new Set<Layer>(['shared', 'renderer']);
  for (const layer of LAYERS) {
    const dir = LAYER_DIRS[layer];
    for (const kind of KIND_NAMES) {
      probe(`${dir}/probe-electron-${kind}.ts`, 'electron', kind, shell.has(layer) ? [] : ['electron-only-in-shell'], `'electron' in ${layer} (${kind})`);
    }
    for (const [name, spec] of [['node-fs', 'node:fs'], ['fs', 'fs'], ['path', 'path'], ['crypto', 'node:crypto']] as const) {
      probe(`${dir}/probe-core-${name}.ts`, spec, 'static', noNode.has(layer) ? ['no-node-in-shared-or-renderer'] : [], `Node built-in ${spec} in ${layer}`);
    }
    probe(`${dir}/probe-core-dynamic.ts`, 'node:os', 'dynamic', noNode.has(layer) ? ['no-node-in-shared-or-renderer'] : [], `Node built-in node:os via import() in ${layer}`);
    for (const pkg of ['better-sqlite3', 'undici']) {
      probe(`${dir}/probe-pkg-${pkg}.ts`, pkg, 'static', noNode.has(layer) ? ['no-node-packages-in-shared-or-renderer'] : [], `Node-only ${pkg} in ${layer}`);
    }
    probe(`${dir}/probe-pkg-zod.ts`, 'zod', 'static', [], `a plain package (zod) in ${layer}`);
  }

  // Cycles: two files importing each other, by value and by type only.
  files.set('src/main/engine/cycle-a.ts', "import { b } from './cycle-b.js';\nexport const a = () => b;\n");
  files.set('src/main/engine/cycle-b.ts', "import { a } from './cycle-a.js';\nexport const b = () => a;\n");
  expectations.push({ from: 'src/main/engine/cycle-a.ts', spec: './cycle-b.js', refusedBy: ['no-circular'], why: 'a two-file cycle' });
  expectations.push({ from: 'src/main/engine/cycle-b.ts', spec: './cycle-a.js', refusedBy: ['no-circular'], why: 'a two-file cycle' });
  files.set('src/main/store/tcycle-a.ts', "import type { B } from './tcycle-b.js';\nexport type A = { b?: B };\n");
  files.set('src/main/store/tcycle-b.ts', "import type { A } from './tcycle-a.js';\nexport type B = { a?: A };\n");
  expectations.push({ from: 'src/main/store/tcycle-a.ts', spec: './tcycle-b.js', refusedBy: ['no-circular'], why: 'a type-only two-file cycle' });
  expectations.push({ from: 'src/main/store/tcycle-b.ts', spec: './tcycle-a.js', refusedBy: ['no-circular'], why: 'a type-only two-file cycle' });

  // Files outside every layer: importing, imported, or alone.
  probe('src/main/stray.ts', relSpec('src/main/stray.ts', targetFile('shared')), 'static', ['no-unknown-layer-importing', 'not-in-allowed'], 'a file in src/main outside the layers imports shared');
  probe('src/lib/util.ts', 'zod', 'static', ['no-unknown-layer-importing', 'not-in-allowed'], 'a file in an unknown src/ folder imports a package');
  files.set('src/main/misc/used.ts', 'export const used = 1;\n');
  probe('src/main/engine/probe-stray.ts', '../misc/used.js', 'static', ['no-unknown-layer-imported', 'not-in-allowed'], 'the engine imports a file outside the layers');
  files.set('src/main/misc/lonely.ts', 'export const lonely = 1;\n');
  moduleExpectations.push({ file: 'src/main/misc/lonely.ts', refusedBy: ['no-unknown-layer-orphan'], why: 'a lone file outside the layers' });

  // Outside src/ altogether, and an import that resolves to nothing.
  files.set('tests/helper.ts', 'export const helper = 1;\n');
  probe('src/main/app/probe-outside.ts', '../../../tests/helper.js', 'static', ['not-in-allowed'], 'src/ imports a file outside src/');
  probe('src/main/app/probe-unresolved.ts', './missing.js', 'static', ['no-unresolvable'], 'an import that does not resolve');
}

let tmp = '';
let result: ICruiseResult;
let seconds = 0;

beforeAll(async () => {
  buildProbeTree();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'outbound-layers-'));
  for (const [file, text] of files) {
    mkdirSync(path.join(tmp, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(tmp, file), text);
  }
  writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'layers-probe', private: true, type: 'module' }));
  const tsconfig = JSON.parse(readFileSync(path.join(REPO, 'tsconfig.json'), 'utf8')) as { compilerOptions: unknown };
  writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify({ compilerOptions: tsconfig.compilerOptions, include: ['src'] }));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');

  const options = await extractDepcruiseOptions(path.join(REPO, '.dependency-cruiser.cjs'));
  const tsConfigFile = path.join(tmp, 'tsconfig.json');
  const started = performance.now();
  const output = await cruise(['src'], { ...options, baseDir: tmp, tsConfig: { fileName: tsConfigFile } }, {}, { tsConfig: extractTSConfig(tsConfigFile) });
  seconds = (performance.now() - started) / 1000;
  if (typeof output.output === 'string') throw new Error('expected a cruise result object');
  result = output.output;
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('layer allow-list (.dependency-cruiser.cjs)', () => {
  it('judges every probe exactly as DESIGN.md says', () => {
    const modules = new Map<string, IModule>(result.modules.map((m) => [m.source, m]));
    const problems: string[] = [];
    for (const e of expectations) {
      // dependency-cruiser reports 'node:fs' as 'fs'.
      const dependency = modules.get(e.from)?.dependencies.find((d) => d.module === e.spec || `node:${d.module}` === e.spec);
      if (!dependency) {
        problems.push(`${e.why}: ${e.from} -> ${e.spec} was not seen at all`);
        continue;
      }
      // Only an error fails `npm run layers`: a rule that merely warns refuses nothing.
      const rules = (dependency.rules ?? []).filter((r) => r.severity === 'error').map((r) => r.name);
      if (e.refusedBy.length === 0 && (!dependency.valid || (dependency.rules ?? []).length > 0)) {
        problems.push(`${e.why}: ${e.from} -> ${e.spec} should be accepted, refused by ${(dependency.rules ?? []).map((r) => r.name).join(', ')}`);
      }
      if (e.refusedBy.length > 0 && (dependency.valid || !e.refusedBy.every((r) => rules.includes(r)))) {
        problems.push(`${e.why}: ${e.from} -> ${e.spec} should be refused by ${e.refusedBy.join(', ')}, got [${rules.join(', ')}]`);
      }
    }
    for (const e of moduleExpectations) {
      const rules = (modules.get(e.file)?.rules ?? []).filter((r) => r.severity === 'error').map((r) => r.name);
      if (!e.refusedBy.every((r) => rules.includes(r))) problems.push(`${e.why}: ${e.file} should be refused by ${e.refusedBy.join(', ')}, got [${rules.join(', ')}]`);
    }
    expect(problems).toEqual([]);
  });

  it('reports nothing it was not expected to', () => {
    const expected = new Set([...expectations.filter((e) => e.refusedBy.length > 0).map((e) => e.from), ...moduleExpectations.map((e) => e.file)]);
    const unexpected = result.summary.violations.filter((v) => !expected.has(v.from)).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(unexpected).toEqual([]);
  });

  it('covers the whole matrix in one quick cruise', () => {
    // 11 layers x 12 targets (the 11 layers and the entry) x 5 kinds of import, plus the entry's own.
    expect(expectations.filter((e) => e.why.includes(' import ')).length).toBeGreaterThanOrEqual(LAYERS.length * TARGETS.length * KIND_NAMES.length);
    expect(seconds).toBeLessThan(30);
  });
});
