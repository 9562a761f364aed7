// A cheap fingerprint of an input file, so a resumed run can refuse an input that changed.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { fileError } from './file-read.js';

export const IDENTITY_PREFIX_BYTES = 64 * 1024;

export interface FileIdentity {
  size: number;
  mtimeMs: number;
  /** sha256 (hex) of the first 64 KiB. */
  prefixHash: string;
}

export async function fileIdentity(path: string): Promise<FileIdentity> {
  let handle;
  try {
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const prefix = Buffer.alloc(Math.min(IDENTITY_PREFIX_BYTES, stat.size));
    let filled = 0;
    while (filled < prefix.length) {
      const { bytesRead } = await handle.read(prefix, filled, prefix.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const prefixHash = createHash('sha256').update(prefix.subarray(0, filled)).digest('hex');
    return { size: stat.size, mtimeMs: stat.mtimeMs, prefixHash };
  } catch (err) {
    throw fileError(path, err);
  } finally {
    await handle?.close();
  }
}

/** Why two identities differ, or null when they match. */
export function describeIdentityChange(before: FileIdentity, now: FileIdentity): string | null {
  if (before.size !== now.size) return `its size changed from ${before.size} to ${now.size} bytes`;
  if (before.prefixHash !== now.prefixHash) return 'its content changed';
  if (before.mtimeMs !== now.mtimeMs) return 'it was modified since the run started';
  return null;
}
