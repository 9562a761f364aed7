// Types of node-memory.mjs (plain JavaScript so bin/outbound.mjs can import it).
export declare const MALLOC_ARENA_MAX: string;
export declare const NODE_START_FLAGS: readonly string[];
export declare const V8_RUNTIME_FLAGS: readonly string[];
export declare const NODE_FLAGS: readonly string[];
