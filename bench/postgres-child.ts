// Child of bench/postgres.ts: the export itself, so its peak RSS is measured alone. Given an
// .ndjson path instead of a postgres URL it reads that file (the comparison row).
import { resolveConfig } from '../src/main/engine/load.js';
import { runExport } from '../src/main/engine/runner.js';
import { openSource } from '../src/main/sources/index.js';
import { postgresLabel, readPostgres } from '../src/main/sources/postgres.js';

const [sinkUrl, pgUrl, query, fetchSize] = process.argv.slice(2) as [string, string, string, string];
const cfg = resolveConfig(
  {
    version: 1,
    destination: {
      name: 'bench postgres',
      concurrency: 8,
      add: {
        url: `${sinkUrl}/hooks/postgres`,
        bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}',
        batchMode: 'batched',
        batchSize: 100,
      },
    },
    audience: { name: 'bench' },
  },
  {},
);
if (!cfg.ok) throw new Error(JSON.stringify(cfg.issues));
const started = performance.now();
const file = pgUrl.endsWith('.ndjson');
const source = file ? openSource(pgUrl) : readPostgres({ url: pgUrl, query, fetchSize: Number(fetchSize) });
const summary = await runExport({ config: cfg.config, source, file: file ? pgUrl : postgresLabel(pgUrl), runId: 'bench-postgres' });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({ status: summary.status, records: summary.records.succeeded, seconds, recordsPerSecond: summary.records.succeeded / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
