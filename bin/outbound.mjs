#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8
// MALLOC_ARENA_MAX=2: glibc's malloc gives each thread that allocates (the store's writer,
// V8's helpers) an arena of its own and keeps what they free; two arenas held the installed
// CLI's peak RSS ~29 MB lower at 300k records (bench/perf/NOTES.md). It must be set before
// node starts, so only the shebang (and npm's cmd shim, which reads it) can: `node
// bin/outbound.mjs` and `npm run outbound` run without it. Ignored by other allocators.
// A small young generation: V8 otherwise grows it to ~130 MB during a long export, which
// is most of the process's memory (see bench/million.ts, BENCH_MEMLOG=1). Same flag in
// package.json's `outbound` script, which `npm run bench` runs (bench/cli.ts).
// Runs the bundle `npm install` built (bin/build-cli.mjs) when it matches the sources, else
// the TypeScript sources through tsx, so an edit is never run stale.
// OUTBOUND_DEBUG_BOOT=1 says on stderr which one ran and why.
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { BUNDLE, bundleProblem } from './cli-bundle.mjs';

// The old generation may grow to twice its live size before a full GC, not ~4× (V8 sizes
// that for the machine's memory): an export's live set is small (~15 MB) but records in
// flight are promoted steadily, and at the default the old space swelled to 50+ MB of
// garbage between full GCs (peak RSS −25 MB at 300k records, bench/perf/NOTES.md).
// Read at every GC, so setting it here, at run time, is enough.
setFlagsFromString('--heap-growing-percent=100');

const problem = bundleProblem();
if (process.env.OUTBOUND_DEBUG_BOOT) process.stderr.write(problem ? `outbound: boot tsx (${problem})\n` : 'outbound: boot bundle\n');
if (problem) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/index.ts');
} else {
  await import(pathToFileURL(BUNDLE).href);
}
