// The audiences the built-in sample profiles belong to (main/sources/sample.ts generates
// them), shared so the renderer's presets decide add/remove from a segment the samples have.

/** Every generated profile belongs to 1–3 of these (each holds about two in three profiles). */
export const SAMPLE_SEGMENT_IDS = [
  '7841ba61-23c1-4bb3-a495-00d3a5fe1e93',
  '59bd2f8d-3c48-4b18-bf56-4f5c5e6967ae',
  'c2a1f0e4-6b1d-4e8a-9f3c-2d5b7e9a1c04',
] as const;

/** The segment the presets export: its status (realized/existing → add, exited → remove) is the action. */
export const PRESET_SEGMENT_ID = SAMPLE_SEGMENT_IDS[0];

/**
 * Profiles a sample set holds at most, generated or imported (a set lives in the studio's
 * store and is read into the main process when imported; a run reads a bigger file itself).
 */
export const MAX_SAMPLE_SET_PROFILES = 100_000;
