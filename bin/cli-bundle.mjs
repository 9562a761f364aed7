// Where the bundled CLI lives and whether it still matches the sources. Shared by
// bin/build-cli.mjs (writes the bundle and its stamp) and bin/outbound.mjs (runs the bundle
// only when it is fresh). Plain JavaScript: it runs before any TypeScript loader exists.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = join(ROOT, 'src', 'cli', 'index.ts');
export const BUNDLE = join(ROOT, 'dist', 'cli', 'outbound.mjs');
/** `{ builtAt, inputs }`: when the build started (ms) and every file it read, relative to ROOT. */
export const STAMP = join(ROOT, 'dist', 'cli', 'stamp.json');

/**
 * Why the bundle may not be run, or null when it may. Stale means: a source it was built
 * from, the build script or package-lock.json (a dependency changed) was changed, or is
 * gone, since the build started. Comparing mtimes errs towards stale (a checkout touches files),
 * which only costs the tsx start.
 */
export function bundleProblem() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
    statSync(BUNDLE);
  } catch {
    return 'no bundle (run `npm run prepare`)';
  }
  if (typeof stamp?.builtAt !== 'number' || !Array.isArray(stamp.inputs)) return 'unreadable stamp';
  for (const rel of stamp.inputs) {
    let mtime;
    try {
      mtime = statSync(join(ROOT, rel)).mtimeMs;
    } catch {
      return `${rel} is gone`;
    }
    if (mtime > stamp.builtAt) return `${rel} is newer than the bundle`;
  }
  return null;
}
