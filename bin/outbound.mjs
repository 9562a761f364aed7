#!/usr/bin/env -S node --max-semi-space-size=8
// A small young generation: V8 otherwise grows it to ~130 MB during a long export, which
// is most of the process's memory (see bench/million.ts, BENCH_MEMLOG=1). Same flag in
// package.json's `outbound` script and in bench/run.ts.
// Runs the TypeScript CLI directly through tsx, so a checkout works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
