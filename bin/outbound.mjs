#!/usr/bin/env -S node --max-semi-space-size=8
// A small young generation: V8 otherwise grows it to ~130 MB during a long export, which
// is most of the process's memory (see bench/million.ts, BENCH_MEMLOG=1). Same flag in
// package.json's `outbound` script, which `npm run bench` runs (bench/cli.ts).
// Runs the bundle `npm install` built (bin/build-cli.mjs) when it matches the sources, else
// the TypeScript sources through tsx, so an edit is never run stale.
// OUTBOUND_DEBUG_BOOT=1 says on stderr which one ran and why.
import { pathToFileURL } from 'node:url';
import { BUNDLE, bundleProblem } from './cli-bundle.mjs';

const problem = bundleProblem();
if (process.env.OUTBOUND_DEBUG_BOOT) process.stderr.write(problem ? `outbound: boot tsx (${problem})\n` : 'outbound: boot bundle\n');
if (problem) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/index.ts');
} else {
  await import(pathToFileURL(BUNDLE).href);
}
