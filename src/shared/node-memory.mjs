// The memory settings every way of starting the CLI uses, in one place (bench/perf/NOTES.md,
// 2026-12-02, for the numbers). Plain JavaScript: bin/outbound.mjs reads it before any
// TypeScript loader exists; the schedule command builder (app/schedule/command.ts) imports
// it; the Dockerfile and bin/outbound.mjs's shebang cannot import, so
// tests/unit/node-memory.test.ts checks that they say the same.

/**
 * glibc's malloc gives each allocating thread (the store's writer, V8's helpers) an arena
 * of its own and keeps what they free; two arenas held the CLI's peak RSS ~29 MB lower at
 * 300k records. Read by glibc only when the process starts: set in the environment of the
 * node process (the shebang, the image's ENV, each scheduled unit), never from inside it.
 */
export const MALLOC_ARENA_MAX = '2';

/**
 * Flags node must be started with: a small young generation (V8 otherwise grows it to
 * ~130 MB during a long export, most of the process's memory).
 */
export const NODE_START_FLAGS = ['--max-semi-space-size=8'];

/**
 * V8 flags read at every GC, so bin/outbound.mjs sets them at run time too (a plain
 * `node bin/outbound.mjs` gets them): the old generation grows to twice its live size
 * before a full GC, not ~4× (peak RSS −25 MB at 300k records).
 */
export const V8_RUNTIME_FLAGS = ['--heap-growing-percent=100'];

/** Every flag, for a command line that starts node on the CLI (the image, scheduled units). */
export const NODE_FLAGS = [...NODE_START_FLAGS, ...V8_RUNTIME_FLAGS];
