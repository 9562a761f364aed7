// Runs the engine or the CLI in-process against files in a temp folder.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/main/engine/load.js';
import { runExport, type RunSummary } from '../../src/main/engine/runner.js';
import type { RunEvent, SourceItem } from '../../src/main/engine/types.js';
import type { ExportConfig, ExportConfigInput } from '../../src/shared/config.js';
import { main } from '../../src/cli/main.js';

export function tempDir(prefix = 'outbound-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeNdjson(dir: string, name: string, records: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

export function config(input: ExportConfigInput, env: Record<string, string> = {}): ExportConfig {
  const r = resolveConfig(input, env);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.config;
}

export function items(records: unknown[]): SourceItem[] {
  return records.map((value, i) => ({ ok: true, line: i + 1, value }));
}

export async function run(cfg: ExportConfig, records: unknown[], extra: { onEvent?: (e: RunEvent) => void; gate?: () => Promise<void> } = {}): Promise<RunSummary> {
  async function* source() {
    yield* items(records);
  }
  return runExport({ config: cfg, source: source(), file: 'test.ndjson', runId: 'test-run', ...extra });
}

export async function cli(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: { ...env }, isTTY: false });
  return { code, stdout, stderr };
}
