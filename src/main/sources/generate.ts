// Alias of sample.ts for callers that import the generator by this name (service.ts).
export { generateProfiles, profileToNdjsonLine, SAMPLE_SEGMENT_IDS, type Profile } from './sample.js';
