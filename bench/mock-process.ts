// Starts the mock endpoint in its own process, so the server does not share a core with
// the code being measured. Resolves with its URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export async function startMockProcess(): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'outbound.mjs'), 'mock', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d;
      const m = /listening (http:\/\/\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`mock exited with ${code}`)));
  });
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
