// The installed CLI starts with memory settings that keep a long export's peak RSS down
// (bench/perf/NOTES.md, 2026-12-02): its shebang sets MALLOC_ARENA_MAX=2 before node starts
// (glibc reads it only then), and bin/outbound.mjs sets V8's heap growing factor at start.
// Proven on a real child process run through the shebang, as the `outbound` bin runs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'bin', 'outbound.mjs');

describe.runIf(process.platform === 'linux')('bin/outbound.mjs run through its shebang', () => {
  it('runs node with MALLOC_ARENA_MAX=2 and the V8 flags it names', async () => {
    // The shebang names `node`: the test's own node first on PATH.
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}` };
    delete env.MALLOC_ARENA_MAX;
    const child = spawn(BIN, ['mock', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          if (out.includes('listening')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain('MALLOC_ARENA_MAX=2');
      const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toContain('--max-semi-space-size=8');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('sets the heap growing factor before the CLI runs (the flags of src/shared/node-memory.mjs)', () => {
    expect(readFileSync(BIN, 'utf8')).toMatch(/^for \(const flag of V8_RUNTIME_FLAGS\) setFlagsFromString\(flag\);$/m);
  });
});
