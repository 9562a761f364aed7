// The presets and the built-in sample profiles agree: each preset's records.action finds a
// status in the generated profiles, so the preview plans requests on first launch (the
// presets used to read segment "seg-1", which no generated profile has: every record skipped).
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/renderer/presets.js';
import { parseExportConfig } from '../../src/shared/config.js';
import { createRecordPreparer } from '../../src/main/engine/records.js';
import { generateProfiles } from '../../src/main/sources/sample.js';
import { DEMO_SAMPLE_COUNT, DEMO_SAMPLE_SEED } from '../../src/main/studio/demo.js';

// What the studio's first launch generates (the example sample set of demo.ts).
const FIRST_LAUNCH = [...generateProfiles(DEMO_SAMPLE_COUNT, DEMO_SAMPLE_SEED)];

describe.each(PRESETS.map((p) => [p.label, p] as const))('%s against the first-launch samples', (_label, preset) => {
  it('prepares records to add and, when it has a remove step, to remove', () => {
    const parsed = parseExportConfig(preset.config);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const preparer = createRecordPreparer(parsed.config, 'sample');
    if (!preparer.ok) throw new Error(JSON.stringify(preparer.issues));
    const counts = { add: 0, remove: 0, skip: 0, failed: 0 };
    FIRST_LAUNCH.forEach((value, seq) => {
      const r = preparer.prepare({ ok: true, line: seq + 1, value }, seq);
      if (r.ok === 'skip') counts.skip++;
      else if (!r.ok) counts.failed++;
      else counts[r.record.action]++;
    });
    expect(counts.failed).toBe(0);
    expect(counts.add).toBeGreaterThan(0);
    if (parsed.config.destination.remove.enabled && parsed.config.records.action) expect(counts.remove).toBeGreaterThan(0);
  });
});
