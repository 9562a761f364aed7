#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8
// The memory settings (MALLOC_ARENA_MAX=2, a small young generation, the heap growing
// factor) are defined once in src/shared/node-memory.mjs, which says why. The shebang
// cannot import it and must say them itself (tests/unit/node-memory.test.ts compares):
// MALLOC_ARENA_MAX must be set before node starts, so only the shebang (and npm's cmd shim,
// which reads it) can: `node bin/outbound.mjs` and `npm run outbound` run without it.
// Same start flag in package.json's `outbound` script, which `npm run bench` runs.
// Runs the bundle `npm install` built (bin/build-cli.mjs) when it matches the sources, else
// the TypeScript sources through tsx, so an edit is never run stale.
// OUTBOUND_DEBUG_BOOT=1 says on stderr which one ran and why.
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { V8_RUNTIME_FLAGS } from '../src/shared/node-memory.mjs';
import { BUNDLE, bundleProblem } from './cli-bundle.mjs';

// The heap growing factor: read at every GC, so setting it here, at run time, is enough.
for (const flag of V8_RUNTIME_FLAGS) setFlagsFromString(flag);

const problem = bundleProblem();
if (process.env.OUTBOUND_DEBUG_BOOT) process.stderr.write(problem ? `outbound: boot tsx (${problem})\n` : 'outbound: boot bundle\n');
if (problem) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/index.ts');
} else {
  await import(pathToFileURL(BUNDLE).href);
}
