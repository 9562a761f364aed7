// The CLI's memory settings are defined once (src/shared/node-memory.mjs) and every way of
// starting it says the same: the bin's shebang and launcher, `npm run outbound`, the
// container image (ENV and ENTRYPOINT) and the units `outbound schedule` writes. Before,
// the image ran the bundle without MALLOC_ARENA_MAX or the heap growing factor, and
// scheduled units ran without MALLOC_ARENA_MAX.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MALLOC_ARENA_MAX, NODE_FLAGS, NODE_START_FLAGS, V8_RUNTIME_FLAGS } from '../../src/shared/node-memory.mjs';
import { cliLauncher } from '../../src/main/app/schedule/command.js';
import { planSchedule } from '../../src/main/app/schedule/plan.js';

const ROOT = process.cwd();
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

/** The final stage of the Dockerfile, continuation lines joined, comments dropped. */
function finalStage(): string[] {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'));
  const from = lines.findLastIndex((l) => /^FROM\s/.test(l));
  return lines.slice(from);
}

describe('one set of memory settings', () => {
  it('the flag list splits into start and run-time flags', () => {
    expect(NODE_FLAGS).toEqual([...NODE_START_FLAGS, ...V8_RUNTIME_FLAGS]);
    expect(NODE_START_FLAGS).toContain('--max-semi-space-size=8');
    expect(V8_RUNTIME_FLAGS).toContain('--heap-growing-percent=100');
    expect(MALLOC_ARENA_MAX).toBe('2');
  });

  it("bin/outbound.mjs's shebang sets MALLOC_ARENA_MAX and the start flags; the launcher sets the run-time flags from the module", () => {
    const bin = read('bin/outbound.mjs');
    expect(bin.split('\n')[0]).toBe(`#!/usr/bin/env -S MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX} node ${NODE_START_FLAGS.join(' ')}`);
    expect(bin).toContain("import { V8_RUNTIME_FLAGS } from '../src/shared/node-memory.mjs';");
    expect(bin).toMatch(/^for \(const flag of V8_RUNTIME_FLAGS\) setFlagsFromString\(flag\);$/m);
  });

  it('npm run outbound starts node with the start flags', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.outbound).toBe(`node ${NODE_START_FLAGS.join(' ')} bin/outbound.mjs`);
  });

  it('the image sets MALLOC_ARENA_MAX and its ENTRYPOINT runs the bundle with every flag', () => {
    const stage = finalStage();
    const env = stage.filter((l) => /^ENV\s/.test(l)).join(' ');
    expect(env).toMatch(new RegExp(`\\bMALLOC_ARENA_MAX=${MALLOC_ARENA_MAX}\\b`));
    const entry = stage.find((l) => /^ENTRYPOINT\s/.test(l))!;
    expect(JSON.parse(entry.replace(/^ENTRYPOINT\s+/, ''))).toEqual(['node', ...NODE_FLAGS, '/app/dist/cli/outbound.mjs']);
  });

  it('the schedule command runs node with every flag, and every unit that runs it sets MALLOC_ARENA_MAX', () => {
    const launcher = cliLauncher();
    expect(launcher.prefix.slice(0, -1)).toEqual([...NODE_FLAGS]);
    const config = { version: 1, destination: { name: 'Acme', add: { url: 'https://api.example.com/m' } }, audience: { name: 'VIP' } };
    const view = planSchedule(
      { config, configPath: 'acme.json', inputPath: 'in.ndjson', dbPath: 'o.db', schedule: { cron: '0 6 * * *' } },
      { env: {}, cwd: '/work', now: new Date('2026-01-01T00:00:00Z'), launcher, home: '/home/u' },
    );
    const text = (f: string) => view.units!.find((u) => u.format === f)!.text;
    expect(text('crontab')).toMatch(new RegExp(`^0 6 \\* \\* \\* MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX} \\S+ ${NODE_FLAGS.join(' ')} `, 'm'));
    expect(text('systemd')).toContain(`\nEnvironment=MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX}\nExecStart=`);
    expect(text('systemd')).toContain(NODE_FLAGS.map((f) => `"${f}"`).join(' '));
    expect(text('launchd')).toContain(`<key>EnvironmentVariables</key>\n  <dict>\n    <key>MALLOC_ARENA_MAX</key><string>${MALLOC_ARENA_MAX}</string>\n  </dict>`);
  });
});
