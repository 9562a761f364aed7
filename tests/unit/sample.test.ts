import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { generateProfiles, profileToNdjsonLine, SAMPLE_SEGMENT_IDS, type Profile } from '../../src/main/sources/sample.js';
import { runSampleCommand } from '../../src/cli/commands/sample.js';
import { readNdjson } from '../../src/main/sources/ndjson.js';
import { collect, tempDir } from './sources-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const text = (count: number, seed?: number): string =>
  [...generateProfiles(count, seed)].map(profileToNdjsonLine).join('');
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('generateProfiles', () => {
  it('is deterministic: same seed, same bytes; another seed, other bytes', () => {
    expect(sha(text(500, 7))).toBe(sha(text(500, 7)));
    expect(sha(text(500, 7))).not.toBe(sha(text(500, 8)));
    expect(text(300)).toBe(text(300, 1)); // the default seed is 1
  });

  it('gives a prefix of a larger run for a smaller count', () => {
    expect(text(1000, 3).startsWith(text(100, 3))).toBe(true);
  });

  it('is lazy: asking for ten million costs nothing until read', () => {
    const it = generateProfiles(10_000_000, 1);
    expect(it.next().value).toMatchObject({ id: 'p-000001' });
  });

  it('gives every profile an id, an email, its hash, an ECID and 1–3 known segments', () => {
    const ids = new Set<string>();
    const problems: string[] = [];
    const check = (ok: boolean, p: Profile, what: string): void => {
      if (!ok) problems.push(`${p.id}: ${what}`);
    };
    for (const p of generateProfiles(2000, 11)) {
      ids.add(p.id);
      check(/^p-\d{6,}$/.test(p.id), p, 'id');
      check(/^[^@\s]+@[a-z.]+$/i.test(p.person.email), p, 'email');
      check(p.identityMap.email_lc_sha256[0]?.id === sha(p.person.email.toLowerCase()), p, 'email hash');
      check(p.identityMap.ecid.length > 0 && p.identityMap.ecid.every((e) => /^[1-9]\d{37}$/.test(e.id)), p, 'ecid');
      const segments = Object.entries(p.segmentMembership.ups);
      check(segments.length >= 1 && segments.length <= 3, p, 'segment count');
      for (const [id, m] of segments) {
        check((SAMPLE_SEGMENT_IDS as readonly string[]).includes(id), p, `segment ${id}`);
        check(['realized', 'existing', 'exited'].includes(m.status), p, 'status');
        check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(m.lastQualificationTime), p, 'lastQualificationTime');
      }
      check(['platinum', 'gold', 'silver', 'bronze'].includes(p.loyalty.tier), p, 'tier');
      check(typeof p.consent.marketing === 'boolean', p, 'consent');
      check(!Number.isNaN(Number(p.ltv)) && !Number.isNaN(Number(p.orders)), p, 'numbers');
      check(!Number.isNaN(Date.parse(p.createdAt)), p, 'createdAt');
    }
    expect(problems).toEqual([]);
    expect(ids.size).toBe(2000);
  });

  it('produces the same bytes as when this test was written (no machine- or clock-dependent values)', () => {
    // If the generator is changed on purpose, update this hash.
    expect(sha(text(200, 42))).toBe('b752c56beee49af66b5713199e8f8aa54565b0ef4f21249545926b939ffd3362');
  });

  it('includes the awkward values real data has, at a steady rate', () => {
    const profiles = [...generateProfiles(5000, 1)];
    const names = profiles.map((p) => `${p.person.name.firstName} ${p.person.name.lastName}`);
    const some = (pred: (p: Profile, name: string) => boolean): number => profiles.filter((p, i) => pred(p, names[i]!)).length;
    expect(some((_, n) => n.includes('"'))).toBeGreaterThan(0);
    expect(some((_, n) => n.includes('\\'))).toBeGreaterThan(0);
    expect(some((_, n) => n.includes('\n') && n.includes('\t'))).toBeGreaterThan(0);
    expect(some((_, n) => /\p{Extended_Pictographic}/u.test(n))).toBeGreaterThan(0);
    expect(some((_, n) => /[\u0600-\u06ff]/.test(n))).toBeGreaterThan(0); // Arabic (RTL)
    expect(some((_, n) => /[\u4e00-\u9fff]/.test(n))).toBeGreaterThan(0); // CJK
    expect(some((_, n) => n.includes('</script>'))).toBeGreaterThan(0);
    expect(some((p) => typeof p.ltv === 'string' && typeof p.loyalty.points === 'string')).toBeGreaterThan(0);
    expect(some((p) => typeof p.orders === 'string')).toBeGreaterThan(0);
    expect(some((p) => p.person.birthDate === null)).toBeGreaterThan(0);
    expect(some((p) => !('birthDate' in p.person))).toBeGreaterThan(0);
    expect(some((p) => !('phone' in p.person))).toBeGreaterThan(0);
    expect(some((p) => p.person.name.firstName === '')).toBeGreaterThan(0);
    expect(some((_, n) => n.length > 5000)).toBeGreaterThan(0);
    expect(some((_, n) => n.length > 5000)).toBeLessThan(50); // rare

    const plain = /^[A-Za-z]+ [A-Za-z]+$/;
    const awkwardShare = some((p, n) => !plain.test(n) || typeof p.ltv === 'string' || p.person.birthDate === null) / profiles.length;
    expect(awkwardShare).toBeGreaterThan(0.12);
    expect(awkwardShare).toBeLessThan(0.3);
  });

  it('writes one valid JSON value per line that round-trips', () => {
    const lines = text(1000, 5).split('\n');
    expect(lines.pop()).toBe(''); // every line ends with a newline
    expect(lines).toHaveLength(1000);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([...generateProfiles(1000, 5)]);
  });
});

describe('runSampleCommand', () => {
  it('streams NDJSON to stdout that the NDJSON reader reads back without errors', async () => {
    const chunks: Buffer[] = [];
    const stdout = new Writable({
      highWaterMark: 1024, // small, so the command must wait for 'drain'
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        setImmediate(cb);
      },
    });
    const result = await runSampleCommand({ count: 2000, seed: 9 }, { stdout });
    const out = Buffer.concat(chunks).toString('utf8');
    expect(out).toBe(text(2000, 9));
    expect(result).toEqual({ count: 2000, bytes: Buffer.byteLength(out) });

    const path = tmp.write('sample.ndjson', out);
    const items = await collect(readNdjson(path));
    expect(items).toHaveLength(2000);
    expect(items.every((i) => i.ok)).toBe(true);
  });

  it('writes to a file with --out', async () => {
    const path = join(tmp.dir, 'out.ndjson');
    await runSampleCommand({ count: 50, out: path }, { stdout: new PassThrough() });
    expect(readFileSync(path, 'utf8')).toBe(text(50, 1));
  });

  it('stops quietly when the reader goes away', async () => {
    const stdout = new Writable({
      write(_chunk, _enc, cb) {
        const err = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        cb(err);
      },
    });
    const result = await runSampleCommand({ count: 100_000 }, { stdout });
    expect(result.count).toBeLessThan(100_000);
  });

  it('refuses a bad count or seed', async () => {
    const io = { stdout: new PassThrough() };
    await expect(runSampleCommand({ count: -1 }, io)).rejects.toThrow('--count must be a whole number of 0 or more, got -1');
    await expect(runSampleCommand({ count: 1.5 }, io)).rejects.toThrow(/--count/);
    await expect(runSampleCommand({ count: 1, seed: Number.NaN }, io)).rejects.toThrow('--seed must be a whole number, got NaN');
  });

  it('reports an unwritable --out path', async () => {
    const path = join(tmp.dir, 'no-such-dir', 'out.ndjson');
    await expect(runSampleCommand({ count: 10, out: path }, { stdout: new PassThrough() })).rejects.toThrow(`cannot write ${path}`);
  });
});
