// The membership diff at scale (issue 12): stage N input records and classify them against
// a delivered membership of N members (1% changed, 1% new, 1% gone), in SQLite, then read the
// classes and the removals back the way a run does. Prints the times and the peak RSS, so
// 10k and 1M can be compared: the set difference must not cost memory by input size.
//
//   node --max-semi-space-size=8 --import tsx bench/sync-diff.ts [N=1000000]
// (the flag the CLI runs with, bin/outbound.mjs: without it V8's young generation alone grows by ~100 MB)
// Not part of `npm run bench` (one process per size, for a clean peak RSS).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { parseExportConfig } from '../src/shared/config.js';
import { memberHash, memberJson } from '../src/main/engine/sync-record.js';
import { membershipIdentity, stageSync, syncExecution } from '../src/main/app/run/sync.js';
import { openRunInput } from '../src/main/app/run/input.js';
import { openStore } from '../src/main/store/db.js';

const seedOnly = process.argv[2] === '--seed';
const n = Number(seedOnly ? process.argv[4] : (process.argv[2] ?? 1_000_000));
const dir = seedOnly ? process.argv[3]! : mkdtempSync(join(tmpdir(), 'outbound-sync-bench-'));
const parsed = parseExportConfig({
  version: 1,
  destination: { name: 'Bench', add: { url: 'http://127.0.0.1:9/m', batchMode: 'batched', batchSize: 100 }, remove: { enabled: true, url: 'http://127.0.0.1:9/m/{{user.id}}', method: 'DELETE' } },
  audience: { name: 'Bench' },
  records: { key: 'id', mapping: { id: 'id', email: 'email', v: 'v' } },
  sync: { mode: 'diff' },
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const config = parsed.config;

const dbPath = join(dir, 'outbound.db');
const input = join(dir, 'in.ndjson');
const gone = Math.floor(n / 100);
if (seedOnly) await seed();
else {
  try {
    // Seeding runs in its own process, so the peak RSS measured here is the diff's alone.
    const t = performance.now();
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--seed', dir, String(n)], { stdio: 'inherit' });
    const seedMs = performance.now() - t;
    await measure(seedMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function seed(): Promise<void> {
  // The delivered membership: r0..r(n-1), seeded directly (what n acknowledged adds leave).
  const store = openStore(dbPath);
  const setN = store.syncSet('Bench', 'Bench', membershipIdentity(config), (was) => `identity ${was}`);
  store.close();
  const raw = new Database(dbPath);
  const insert = raw.prepare('INSERT INTO sync_members (set_n, key, hash, record) VALUES (?, ?, ?, ?)');
  raw.transaction(() => {
    for (let i = 0; i < n; i++) {
      const rec = { id: `r${i}`, email: `r${i}@example.com`, v: 1 };
      insert.run(setN, rec.id, memberHash(rec), memberJson(rec));
    }
  })();
  raw.close();

  // The input: 1% gone (the first), 1% changed (v: 2), 1% new.
  const out = createWriteStream(input);
  for (let i = gone; i < n + gone; i++) {
    const line = `${JSON.stringify({ id: `r${i}`, email: `r${i}@example.com`, v: i < 2 * gone ? 2 : 1, other: 'x'.repeat(40) })}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function measure(seedMs: number): Promise<void> {
  const setN = (() => {
    const st = openStore(dbPath);
    try {
      return st.syncSet('Bench', 'Bench', membershipIdentity(config), (was) => `identity ${was}`);
    } finally {
      st.close();
    }
  })();

  const rssBefore = process.memoryUsage().rss;
  const s = openStore(dbPath);
  const t0 = performance.now();
  const { staging } = await stageSync(s, config, openRunInput(null, { kind: 'file', path: input }), input, null);
  const stageMs = performance.now() - t0;
  const afterStaging = process.memoryUsage();
  const summary = s.syncSummary(staging);
  // Read back as a run does: every record's class in seq order, then the removals.
  const t1 = performance.now();
  const exec = syncExecution(s, staging, setN, config);
  let sent = 0;
  for (let i = 0; i < n; i++) {
    const v = exec.hooks.classify({ seq: i, line: i + 1, key: `r${i + gone}`, action: 'add', data: {} });
    if (v.send) sent++;
  }
  let removed = 0;
  for (const _ of exec.hooks.removals()) removed++;
  const readMs = performance.now() - t1;
  s.close();
  const peak = process.resourceUsage().maxRSS * 1024;
  const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
  console.log(
    JSON.stringify({
      members: n,
      seedMs: Math.round(seedMs),
      stageAndClassifyMs: Math.round(stageMs),
      readBackMs: Math.round(readMs),
      diff: { added: summary.added, changed: summary.changed, removed: summary.removed, unchanged: summary.unchanged },
      sentByClassify: sent,
      removalsRead: removed,
      rssBeforeStaging: mb(rssBefore),
      peakRss: mb(peak),
      afterStaging: { rss: mb(afterStaging.rss), heapUsed: mb(afterStaging.heapUsed), heapTotal: mb(afterStaging.heapTotal), external: mb(afterStaging.external) },
    }),
  );
}
