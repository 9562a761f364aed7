// bin/outbound.mjs runs the bundle `npm install` built (bin/build-cli.mjs, the `prepare`
// script) while it matches the sources, and the sources through tsx once one of them is
// newer or the bundle is missing, so an edit is never run stale. Proven on a copy of the
// checkout (the real dist/ is left alone for the other tests), with OUTBOUND_DEBUG_BOOT=1
// naming the path taken, and by output: an edited source shows up once the bundle is stale.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeNdjson } from '../helpers/run.js';

const ROOT = process.cwd();
let copy: string;
let work: string;
let configPath: string;
let input: string;

function node(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const outbound = (args: string[]) => node([join(copy, 'bin', 'outbound.mjs'), ...args], work, { OUTBOUND_DEBUG_BOOT: '1' });
const preview = () => outbound(['preview', configPath, '--input', input, '--limit', '3']);
/** Sets a file's mtime a minute ahead, as an edit after the build would. */
const touchNewer = (path: string) => {
  const later = new Date(Date.now() + 60_000);
  utimesSync(path, later, later);
};

beforeAll(async () => {
  copy = tempDir('outbound-bundle-');
  for (const part of ['bin', 'src', 'package.json', 'package-lock.json', 'tsconfig.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  work = tempDir();
  input = writeNdjson(work, 'in.ndjson', [
    { id: 'u1', email: 'a@example.com' },
    { id: 'u2', email: 'b@example.com' },
  ]);
  configPath = join(work, 'export.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      version: 1,
      destination: {
        name: 'bundle test',
        add: { url: 'http://127.0.0.1:9/members', batchMode: 'batched', batchSize: 10, bodyTemplate: '{"users": [{{#each users}}"{{id}}"{{#unless @last}},{{/unless}}{{/each}}]}' },
      },
      audience: { name: 'a' },
    }),
  );
  const built = await node([join(copy, 'bin', 'build-cli.mjs')], copy);
  expect(built.code, built.stderr).toBe(0);
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the CLI bundle', () => {
  it('prepare builds dist/cli/outbound.mjs with a stamp naming its inputs', () => {
    expect(existsSync(join(copy, 'dist', 'cli', 'outbound.mjs'))).toBe(true);
    const stamp = JSON.parse(readFileSync(join(copy, 'dist', 'cli', 'stamp.json'), 'utf8')) as { builtAt: number; inputs: string[] };
    expect(stamp.inputs).toEqual(expect.arrayContaining(['src/cli/index.ts', 'src/main/store/writer.ts']));
  });

  it('runs the fresh bundle, then tsx once a source is newer, with the same preview output', async () => {
    const bundled = await preview();
    expect(bundled.stderr).toContain('outbound: boot bundle\n');
    expect(bundled.code).toBe(0);
    expect(JSON.parse(bundled.stdout)).toBeTruthy();

    const touched = join(copy, 'src', 'shared', 'format.ts');
    touchNewer(touched);
    const fromSources = await preview();
    expect(fromSources.stderr).toContain('outbound: boot tsx (src/shared/format.ts is newer than the bundle)');
    expect(fromSources.code).toBe(0);
    expect(fromSources.stdout).toBe(bundled.stdout);
    // Back in the past, so the rebuild below is fresh again.
    utimesSync(touched, new Date(0), new Date(0));
  });

  it('a stale bundle never runs: an edited source is what the CLI does', async () => {
    const main = join(copy, 'src', 'cli', 'main.ts');
    const source = readFileSync(main, 'utf8');
    expect(source).toContain('usage: outbound <command> [options]');
    writeFileSync(main, source.replace('usage: outbound <command> [options]', 'usage: outbound-edited <command> [options]'));
    const edited = await outbound(['--help']);
    expect(edited.stderr).toContain('outbound: boot tsx (src/cli/main.ts is newer than the bundle)');
    expect(edited.stdout + edited.stderr).toContain('usage: outbound-edited');
  });

  it('a missing bundle falls back to tsx; rebuilding makes the bundle run again', async () => {
    rmSync(join(copy, 'dist'), { recursive: true, force: true });
    const missing = await outbound(['schema']);
    expect(missing.stderr).toContain('outbound: boot tsx (no bundle');
    expect(missing.code).toBe(0);

    const built = await node([join(copy, 'bin', 'build-cli.mjs')], copy);
    expect(built.code, built.stderr).toBe(0);
    const rebuilt = await outbound(['schema']);
    expect(rebuilt.stderr).toContain('outbound: boot bundle\n');
    expect(rebuilt.stdout).toBe(missing.stdout);
  });
});
