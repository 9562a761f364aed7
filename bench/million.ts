// Child process of the benchmark: exports a large NDJSON file through the real engine (and
// optionally the store) and reports its own peak RSS, so memory is measured in isolation.
import { rmSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfig } from '../src/main/engine/load.js';
import { runExport } from '../src/main/engine/runner.js';
import { openSource } from '../src/main/sources/index.js';
import { openStore } from '../src/main/store/db.js';
import { createRunRecorder } from '../src/main/store/recorder.js';

const [url, input, withStore] = process.argv.slice(2) as [string, string, string];
const cfg = resolveConfig(
  {
    version: 1,
    destination: {
      name: 'bench million',
      concurrency: 8,
      add: {
        url: `${url}/hooks/million`,
        bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}',
        batchMode: 'batched',
        batchSize: 100,
      },
    },
    audience: { name: 'bench' },
    records: { key: 'id', mapping: { id: 'id', email: 'person.email', ltv: 'ltv' } },
  },
  {},
);
if (!cfg.ok) throw new Error(JSON.stringify(cfg.issues));
const dbPath = join(tmpdir(), `outbound-bench-${process.pid}.db`);
const store = withStore === 'store' ? openStore(dbPath) : null;
const runId = 'bench-million';
store?.createRun({ id: runId, destination: 'bench', audience: 'bench', config: {}, inputPath: input });
const recorder = store ? createRunRecorder(store, runId) : null;
const started = performance.now();
// BENCH_MEMLOG=1 prints the heap spaces every 2 s (to see what grows, when something does).
const memTimer = process.env.BENCH_MEMLOG
  ? setInterval(() => {
      const spaces = getHeapSpaceStatistics().map((s) => `${s.space_name.replace('_space', '')}:${Math.round(s.space_size / 1e6)}`).join(' ');
      process.stderr.write(`rss ${Math.round(process.memoryUsage().rss / 1e6)} MB · ${spaces}\n`);
    }, 2000)
  : null;
const summary = await runExport({ config: cfg.config, source: openSource(input), file: input, runId, ...(recorder ? { onEvent: (e) => recorder.onEvent(e) } : {}) });
const seconds = (performance.now() - started) / 1000;
if (memTimer) clearInterval(memTimer);
recorder?.close();
store?.close();
if (store) for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f, { force: true });
process.stdout.write(
  JSON.stringify({ status: summary.status, records: summary.records.succeeded, seconds, recordsPerSecond: summary.records.succeeded / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
