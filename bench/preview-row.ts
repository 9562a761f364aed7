// Preview of 100 profiles as the studio asks for it (studio/design.ts): app/preview with
// placeholders and refused requests shown, on generated XDM-style profiles, in this process.
import { loadConfig } from '../src/main/app/config.js';
import { preview } from '../src/main/app/preview.js';
import { generateProfiles } from '../src/main/sources/sample.js';
import { atMost, fmt, type Row } from './table.js';

const TARGET_MS = 2;

export async function previewRow(runs = 50): Promise<Row> {
  const loaded = loadConfig(
    {
      version: 1,
      destination: {
        name: 'bench preview',
        add: {
          url: 'http://127.0.0.1:9/api/audiences/{{remote_audience.id}}/members',
          bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{person.email}}", "name": "{{person.name.firstName}} {{person.name.lastName}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}',
          batchMode: 'batched',
          batchSize: 100,
        },
      },
      audience: { name: 'bench' },
    },
    {},
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  const items = [...generateProfiles(100, 1)].map((value, n) => ({ ok: true as const, line: n + 1, value }));
  const times: number[] = [];
  for (let i = 0; i < runs + 10; i++) {
    const s = performance.now();
    await preview(loaded, items, { file: 'sample', limit: 20, placeholders: true, showRefused: true });
    if (i >= 10) times.push(performance.now() - s); // the first ten warm the JIT
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return { measure: 'preview of 100 profiles (app/preview, as the studio calls it)', value: median, unit: 'ms', target: `≤ ${TARGET_MS} ms median`, pass: atMost(median, TARGET_MS), notes: `p90 ${fmt(times[Math.floor(times.length * 0.9)]!, 2)} ms, ${runs} runs` };
}
