// Engine-only micro bench: runExport over an NDJSON file with an injected HTTP client that
// answers 200 `{}` at once, so what is timed is the engine's (and the store's) CPU, not the
// network. Store on by default, as the CLI runs.
//   node --import tsx bench/perf/engine.ts <file.ndjson> [batch=1] [store|none] [concurrency=32]
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/main/engine/load.js';
import { runExport } from '../../src/main/engine/runner.js';
import type { HttpClient } from '../../src/main/engine/http.js';
import type { HttpResult } from '../../src/main/engine/types.js';
import { openSource } from '../../src/main/sources/index.js';
import { openStore } from '../../src/main/store/db.js';
import { createRunRecorder } from '../../src/main/store/recorder.js';

const [input, batchArg = '1', storeArg = 'store', concArg = '32'] = process.argv.slice(2) as [string, string?, string?, string?];
const batch = Number(batchArg);
const add =
  batch === 1
    ? { url: 'http://127.0.0.1:9/hooks/engine', bodyTemplate: '{"id": "{{user.id}}", "email": "{{user.email}}", "ltv": {{user.ltv}}}' }
    : { url: 'http://127.0.0.1:9/hooks/engine', bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}', batchMode: 'batched' as const, batchSize: batch };
const cfg = resolveConfig({ version: 1, destination: { name: 'engine bench', concurrency: Number(concArg), add }, audience: { name: 'perf' }, records: { key: 'id', mapping: { id: 'id', email: 'person.email', ltv: 'ltv' } } }, {});
if (!cfg.ok) throw new Error(JSON.stringify(cfg.issues));

const answer = (): HttpResult => ({ ok: true, status: 200, headers: { 'content-type': 'application/json', 'content-length': '2' }, body: '{}', bodyBytes: 2, truncated: false, timings: { ttfb: 0.1, total: 0.2 } as HttpResult['timings'] });
const http: HttpClient = { execute: () => new Promise((r) => setImmediate(() => r(answer()))), maxBodyBytes: 1024 * 1024, close: async () => {} };

const dbPath = join(tmpdir(), `outbound-engine-bench-${process.pid}.db`);
const store = storeArg === 'store' ? openStore(dbPath) : null;
const runId = 'engine-bench';
store?.createRun({ id: runId, destination: 'bench', audience: 'bench', config: {}, inputPath: input });
const recorder = store ? createRunRecorder(store, runId) : null;
const started = performance.now();
const summary = await runExport({ config: cfg.config, source: openSource(input), file: input, runId, http, ...(recorder ? { onEvent: (e) => recorder.onEvent(e) } : {}) });
recorder?.close();
const seconds = (performance.now() - started) / 1000;
store?.close();
if (store) for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f, { force: true });
const cpu = process.cpuUsage();
process.stdout.write(
  `${summary.status} ${summary.records.succeeded} records, batch ${batch}, ${storeArg}: ${seconds.toFixed(2)} s wall, ${Math.round(summary.records.succeeded / seconds).toLocaleString('en-US')} rec/s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`,
);
