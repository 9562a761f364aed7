// Child processes as the bench measures them: timed whole (spawn to exit, from this side)
// and their peak RSS read from the kernel without touching the child's code.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Timed {
  code: number | null;
  seconds: number;
  /** The kernel's high-water mark of the process's resident memory (all its threads), MB; null without /proc. */
  peakRssMb: number | null;
  stdout: string;
  stderr: string;
}

/** VmHWM of a live process in MB, or null (no /proc, or the process is gone). */
function highWater(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Runs `command args` to its exit. Peak RSS: /proc/<pid>/status VmHWM, polled every 10 ms.
 * VmHWM never decreases, so a poll only misses growth within the last 10 ms before exit;
 * nothing is loaded into the child (unlike a --import hook reporting resourceUsage), and
 * it needs no /usr/bin/time. The child is spawned without a shell, so the pid is its own.
 */
export function timed(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child: ChildProcess = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let peak: number | null = null;
    const poll = () => {
      const now = child.pid !== undefined ? highWater(child.pid) : null;
      if (now !== null) peak = Math.max(peak ?? 0, now);
    };
    const timer = setInterval(poll, 10);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    child.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on('exit', () => clearInterval(timer));
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - started) / 1000, peakRssMb: peak, stdout, stderr }));
  });
}

/** A long-lived helper process whose first stdout line says `listening http://…`. */
export async function startListening(command: string, args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d;
      const m = /listening (http:\/\/\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
