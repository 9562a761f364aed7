// Watching that an input file stays the version a run started with. Holds its own fd on the
// file: fstat of the fd sees a rewrite in place, stat of the path sees a replacement by
// rename (the path names another file while the fd still reads the old one). Checks are
// synchronous and cheap (two stat calls; the prefix hash only when asked for).
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { describeIdentityChange, IDENTITY_PREFIX_BYTES, type FileIdentity } from './identity.js';

export interface FileWatch {
  /** What changed since the run's identity, as a sentence, or null. `full` also hashes the prefix. */
  check(full: boolean): string | null;
  close(): void;
}

/** Opens `path` to watch it against `identity`; a file that cannot be opened is itself a change. */
export function watchFile(path: string, identity: FileIdentity): FileWatch {
  let fd: number | null = null;
  let openError: string | null = null;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    openError = `it can no longer be opened (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  return {
    check(full) {
      if (fd === null) return openError;
      const held = fstatSync(fd);
      const what = describeIdentityChange(identity, { size: held.size, mtimeMs: held.mtimeMs, prefixHash: full ? prefixHash(fd, held) : identity.prefixHash });
      if (what) return what;
      let named: Stats;
      try {
        named = statSync(path);
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it was deleted or moved away' : `it can no longer be read (${(err as Error).message})`;
      }
      if (named.ino !== held.ino || named.dev !== held.dev) return 'the path now names another file (it was replaced)';
      return null;
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

function prefixHash(fd: number, stats: Stats): string {
  const prefix = Buffer.alloc(Math.min(IDENTITY_PREFIX_BYTES, stats.size));
  let filled = 0;
  while (filled < prefix.length) {
    const n = readSync(fd, prefix, filled, prefix.length - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return createHash('sha256').update(prefix.subarray(0, filled)).digest('hex');
}
