// Every config the project ships (examples/, the studio's demo destination, the editor's
// presets) passes the one check, strict keys and URL rules included: a schema change that
// refuses one of them fails here, not in a user's hands.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../src/main/app/check.js';
import { loadConfig } from '../../src/main/app/config.js';
import { demoConfig } from '../../src/main/studio/demo.js';
import { PRESETS } from '../../src/renderer/presets.js';
import { stripBom } from '../../src/main/engine/load.js';

// The environment the shipped configs reference (`${env:…}`).
const env = { OUTBOUND_MOCK_URL: 'http://127.0.0.1:4010', OUTBOUND_DEMO_SECRET: 's', LISTS_API_KEY: 'k', AEP_API_KEY: 'k', AEP_CLIENT_SECRET: 's' };

function issuesOf(value: unknown): string[] {
  const loaded = loadConfig(value, env);
  if (!loaded.ok) return loaded.issues.map((i) => `${i.path}: ${i.message}`);
  return checkConfig(loaded).map((i) => `${i.path}: ${i.message}`);
}

describe('shipped configs pass the check', () => {
  const dir = join(__dirname, '../../examples');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    it(`examples/${name}`, () => {
      expect(issuesOf(JSON.parse(stripBom(readFileSync(join(dir, name), 'utf8'))))).toEqual([]);
    });
  }
  it('the studio demo destination', () => {
    expect(issuesOf(demoConfig('http://127.0.0.1:4010/', 'demo-secret'))).toEqual([]);
  });
  for (const preset of PRESETS) {
    it(`preset ${preset.id}`, () => {
      expect(issuesOf(preset.config)).toEqual([]);
    });
  }
});
