// `outbound runs`, `outbound log` and the HAR export, driven through their handlers.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportLogCommand, logCommand, runsCommand } from '../../src/cli/history/commands.js';
import { openStore } from '../../src/main/store/db.js';
import { createRunRecorder } from '../../src/main/store/recorder.js';
import { syntheticRun, T0, tempDir } from './store-helpers.js';

let tmp: ReturnType<typeof tempDir>;
let db: string;
let out: string;
let err: string;
const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s) };

beforeEach(() => {
  tmp = tempDir();
  db = tmp.file('outbound.db');
  out = '';
  err = '';
});
afterEach(() => tmp.cleanup());

function seed(): { first: string; second: string } {
  const store = openStore(db);
  const first = store.createRun({ id: 'run-first-0001', destination: 'Acme Audiences API', audience: 'High Value', config: {}, createdAt: T0 });
  const rec = createRunRecorder(store, first);
  for (const e of syntheticRun(first)) rec.onEvent(e);
  const second = store.createRun({ id: 'run-second-0002', destination: 'Beta', audience: 'Churn risk', config: {}, createdAt: T0 + 3_600_000 });
  store.close();
  return { first, second };
}

describe('runsCommand', () => {
  it('prints an aligned table, oldest first', () => {
    seed();
    expect(runsCommand({ db }, io)).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^WHEN\s+RUN\s+DESTINATION\s+AUDIENCE\s+RECORDS\s+OK\s+FAILED\s+SKIPPED\s+REQUESTS\s+RETRIED\s+STATUS\s+DURATION$/);
    expect(lines[1]).toMatch(/run-first-0001\s+Acme Audiences API\s+High Value\s+6\s+3\s+3\s+0\s+4\s+2\s+partial\s+32\.4 s/);
    expect(lines[2]).toMatch(/run-second-0002\s+Beta\s+Churn risk\s+0\s+0\s+0\s+0\s+0\s+0\s+running\s+-/);
    // Columns line up: every row puts its status at the same position.
    const col = lines[0]!.indexOf('STATUS');
    expect(lines[1]!.slice(col)).toMatch(/^partial/);
    expect(lines[2]!.slice(col)).toMatch(/^running/);
    expect(err).toBe('');
  });

  it('prints JSON oldest first with the summary fields', () => {
    seed();
    expect(runsCommand({ db, json: true }, io)).toBe(0);
    const runs = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(runs.map((r) => r.runId)).toEqual(['run-first-0001', 'run-second-0002']);
    expect(runs[0]).toMatchObject({
      runId: 'run-first-0001',
      status: 'partial',
      records: { total: 6, succeeded: 3, failed: 3 },
      requests: { sent: 4, retried: 2 },
      destination: 'Acme Audiences API',
      audience: 'High Value',
      startedAt: new Date(T0).toISOString(),
      finishedAt: new Date(T0 + 32400).toISOString(),
      durationMs: 32400,
    });
    expect(runs[1]).toMatchObject({ status: 'running', finishedAt: null });
  });

  it('says there are no runs when the database does not exist, without creating it', () => {
    expect(runsCommand({ db }, io)).toBe(0);
    expect(out).toContain('no runs yet');
    out = '';
    expect(runsCommand({ db, json: true }, io)).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
  });

  it('reports a corrupt database with exit code 2 and leaves it alone', () => {
    writeFileSync(db, 'not a database at all');
    expect(runsCommand({ db }, io)).toBe(2);
    expect(err).toContain(db);
    expect(err).toMatch(/not a readable Outbound database/);
    expect(readFileSync(db, 'utf8')).toBe('not a database at all');
  });
});

describe('logCommand', () => {
  it('prints the human log of a run, by id or unique prefix', () => {
    seed();
    expect(logCommand({ runId: 'run-first', db }, io)).toBe(0);
    expect(out).toMatch(/run run-first-0001/);
    expect(out.split('\n').filter((l) => l.includes('https://api.example.com'))).toHaveLength(4);
    expect(out).toContain('record failures:');
    expect(out).toContain('ltv: "abc" is not a number');
  });

  it('--failed prints only failed attempts', () => {
    seed();
    expect(logCommand({ runId: 'run-first-0001', db, failedOnly: true }, io)).toBe(0);
    expect(out.split('\n').filter((l) => l.includes('https://api.example.com'))).toHaveLength(3);
  });

  it('--json prints one object with the run, its attempts and its record failures', () => {
    seed();
    expect(logCommand({ runId: 'run-first-0001', db, json: true }, io)).toBe(0);
    const parsed = JSON.parse(out) as { run: { runId: string; status: string }; requests: Array<{ status: number | null }>; recordFailures: Array<{ seq: number }> };
    expect(parsed.run).toMatchObject({ runId: 'run-first-0001', status: 'partial' });
    expect(parsed.requests.map((r) => r.status)).toEqual([503, 200, null, null]);
    expect(parsed.recordFailures.map((o) => o.seq)).toEqual([3, 4, 5]);
  });

  it('exits 2 with a clear message for an unknown run', () => {
    seed();
    expect(logCommand({ runId: 'nope-nope', db }, io)).toBe(2);
    expect(err).toContain('no run "nope-nope"');
    expect(err).toContain(db);
    expect(err).toContain('outbound runs');
    expect(out).toBe('');
  });
});

describe('exportLogCommand', () => {
  it('writes a HAR file', () => {
    seed();
    const har = tmp.file('run.har');
    expect(exportLogCommand({ runId: 'run-first-0001', db, harPath: har }, io)).toBe(0);
    const parsed = JSON.parse(readFileSync(har, 'utf8')) as { log: { version: string; entries: unknown[] } };
    expect(parsed.log.version).toBe('1.2');
    expect(parsed.log.entries).toHaveLength(4);
    expect(err).toContain('wrote 4 entries');
  });

  it('exits 2 for an unknown run or an unwritable path', () => {
    seed();
    expect(exportLogCommand({ runId: 'missing-run', db, harPath: tmp.file('x.har') }, io)).toBe(2);
    expect(err).toContain('no run "missing-run"');
    err = '';
    expect(exportLogCommand({ runId: 'run-first-0001', db, harPath: tmp.file('no/such/dir/x.har') }, io)).toBe(2);
    expect(err).toMatch(/cannot write .*x\.har: ENOENT/);
  });
});
