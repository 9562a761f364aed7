#!/usr/bin/env node
// `npm run prepare` (run by `npm install` / `npm ci` in a checkout): bundles the CLI into
// plain JavaScript (dist/cli/outbound.mjs), so `npm run -s outbound` starts without tsx's
// transpiling and its ~30 MB. Without esbuild (a production install) it leaves nothing and
// bin/outbound.mjs keeps running the sources through tsx.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { BUNDLE, ENTRY, ROOT, STAMP } from './cli-bundle.mjs';

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('outbound: esbuild is not installed; the CLI runs through tsx\n');
  process.exit(0);
}

// Before reading any input: a file saved during the build makes the bundle stale.
const builtAt = Date.now();
mkdirSync(dirname(BUNDLE), { recursive: true });
// Removed first: a failed build must not leave an older bundle beside a newer stamp.
rmSync(STAMP, { force: true });
const tmp = `${BUNDLE}.${process.pid}.tmp`;
const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: [ENTRY],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  outfile: tmp,
  // better-sqlite3 finds its native addon from its own folder (`bindings`); the store's
  // writer thread also resolves it by path (src/main/store/writer.ts), so it stays a package.
  external: ['better-sqlite3'],
  // Bundled CommonJS packages (handlebars, jmespath, undici) call require().
  banner: { js: "import { createRequire as __outboundRequire } from 'node:module'; const require = __outboundRequire(import.meta.url);" },
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
renameSync(tmp, BUNDLE);
// The sources, not the bundled packages: npm writes package files with a fixed old mtime, so
// only package-lock.json tells that a dependency changed (and ~250 fewer stats per start).
const sources = Object.keys(result.metafile.inputs).filter((p) => !p.split(/[\\/]/).includes('node_modules'));
const inputs = [...sources, 'bin/build-cli.mjs', 'bin/cli-bundle.mjs', 'package-lock.json'].map((p) => relative(ROOT, join(ROOT, p)));
writeFileSync(STAMP, JSON.stringify({ builtAt, inputs }) + '\n');
