// --shard's rule (app/run/shard.ts, app/run/selection.ts): a stable hash (fixed vectors,
// computed independently with Python's hashlib: int.from_bytes(sha256(key.encode()).digest()[:4],
// 'big') % n), an even spread, the i/N parsing with its refusals, keyless records on shard
// 0, the requestsPerHour share, and the group total.
import { describe, expect, it } from 'vitest';
import { summarizeGroup, type GroupRun } from '../../src/main/app/run/group.js';
import { createSelector } from '../../src/main/app/run/selection.js';
import { defaultGroup, parseShard, shardConfig, shardOfKey } from '../../src/main/app/run/shard.js';
import type { RunRow } from '../../src/main/store/rows.js';
import { config } from '../helpers/run.js';

describe('shardOfKey', () => {
  it('is the first 4 bytes of SHA-256 over the UTF-8 key, big-endian, mod N (fixed vectors)', () => {
    const vectors: Array<[string, number, number[]]> = [
      ['p-000001', 2161821180, [0, 0, 0, 1, 12]],
      ['alice@example.com', 4287469593, [1, 0, 1, 1, 9]],
      ['Zoë', 3332449944, [0, 0, 0, 5, 8]],
      ['ключ', 501443122, [0, 1, 2, 5, 2]],
      ['🙂', 3496940837, [1, 2, 1, 5, 5]],
    ];
    for (const [key, u32, shards] of vectors) {
      [2, 3, 4, 7, 16].forEach((n, i) => expect(shardOfKey(key, n), `${key} mod ${n}`).toBe(shards[i]));
      expect(shardOfKey(key, 2 ** 32)).toBe(u32); // mod 2^32: the integer itself
    }
    expect(shardOfKey('anything', 1)).toBe(0);
  });

  it('spreads 10,000 keys over 4 shards within 4% of an even share', () => {
    for (const make of [(i: number) => `p-${String(i).padStart(6, '0')}`, (i: number) => `user${i}@example.com`]) {
      const counts = [0, 0, 0, 0];
      for (let i = 0; i < 10_000; i++) counts[shardOfKey(make(i), 4)]!++;
      for (const c of counts) expect(Math.abs(c - 2500), `counts ${counts.join(', ')}`).toBeLessThan(100);
    }
  });
});

describe('parseShard', () => {
  const ok = (text: string, env: Record<string, string> = {}) => {
    const r = parseShard(text, env);
    if (!r.ok) throw new Error(r.message);
    return r.shard;
  };
  const refused = (text: string, env: Record<string, string> = {}) => {
    const r = parseShard(text, env);
    if (r.ok) throw new Error(`accepted ${text}`);
    return r.message;
  };

  it('takes 0-based i/N and index/N from JOB_COMPLETION_INDEX', () => {
    expect(ok('0/4')).toEqual({ index: 0, count: 4 });
    expect(ok(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
    expect(ok('0/1')).toEqual({ index: 0, count: 1 });
    expect(ok('index/4', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 4 });
  });

  it('refuses the 1-based form, naming what was given and the last shard', () => {
    expect(refused('4/4')).toBe('"4/4": the shard index must be below 4 (0 … 3); shards are numbered from 0, so the last of 4 is 3/4');
    expect(refused('index/4', { JOB_COMPLETION_INDEX: '4' })).toContain('(JOB_COMPLETION_INDEX=4)');
  });

  it('refuses what is not a shard, saying why', () => {
    expect(refused('2')).toContain('"2" is not a shard');
    expect(refused('1/0')).toContain('the shard count must be a whole number from 1');
    expect(refused('-1/4')).toContain('the shard index must be a whole number or "index" (got "-1")');
    expect(refused('$JOB_COMPLETION_INDEX/4')).toBe(
      '"$JOB_COMPLETION_INDEX/4": the shard index must be a whole number or "index" (got "$JOB_COMPLETION_INDEX"); it looks like a variable no shell expanded: use index/4 to read JOB_COMPLETION_INDEX',
    );
    expect(refused('index/4')).toBe('"index/4": index/N reads JOB_COMPLETION_INDEX, which is not set');
    expect(refused('index/4', { JOB_COMPLETION_INDEX: 'two' })).toContain('JOB_COMPLETION_INDEX must be a whole number (got "two")');
  });
});

describe('the shard selection', () => {
  const cfg = config({
    version: 1,
    destination: { name: 'd', requestsPerHour: 36_000, add: { url: 'http://127.0.0.1:9/m', bodyTemplate: '{}' } },
    audience: { name: 'a' },
    records: { key: 'id' },
  });

  it('takes each record in exactly one shard; records without a key of their own go to shard 0', () => {
    const input = [
      ...Array.from({ length: 200 }, (_, i) => ({ ok: true as const, line: i + 1, value: { id: `k${i}` } })),
      { ok: true as const, line: 201, value: { name: 'no id' } },
      { ok: true as const, line: 202, value: { id: '' } },
      { ok: false as const, line: 203, error: 'invalid JSON at column 3' },
      { ok: true as const, line: 204, value: 'not an object' },
    ];
    const takenBy = new Map<number, number[]>();
    for (let index = 0; index < 4; index++) {
      const selector = createSelector(cfg, 'in.ndjson', { shard: { index, count: 4 } })!;
      input.forEach((item, seq) => {
        if (selector.select(item, seq) === 'take') takenBy.set(seq, [...(takenBy.get(seq) ?? []), index]);
      });
      expect(selector.counts().seen).toBe(input.length);
    }
    for (let seq = 0; seq < input.length; seq++) expect(takenBy.get(seq), `seq ${seq}`).toHaveLength(1);
    for (const seq of [200, 201, 202, 203]) expect(takenBy.get(seq)).toEqual([0]);
    for (let seq = 0; seq < 200; seq++) expect(takenBy.get(seq)).toEqual([shardOfKey(`k${seq}`, 4)]);
  });

  it('paces each shard at requestsPerHour / N; the config itself is left whole', () => {
    expect(shardConfig(cfg, { index: 1, count: 4 }).destination.requestsPerHour).toBe(9_000);
    expect(cfg.destination.requestsPerHour).toBe(36_000);
    expect(shardConfig(cfg, undefined)).toBe(cfg);
  });

  it('one shard of 1 selects nothing out', () => {
    expect(createSelector(cfg, 'in.ndjson', { shard: { index: 0, count: 1 } })).toBeNull();
  });
});

describe('groups', () => {
  it('derives the same default group from config, input content and N, not from path or mtime', () => {
    const a = defaultGroup({ v: 1 }, { size: 10, prefixHash: 'abc' }, 4);
    expect(a).toMatch(/^g-[0-9a-f]{12}$/);
    expect(defaultGroup({ v: 1 }, { size: 10, prefixHash: 'abc' }, 4)).toBe(a);
    expect(defaultGroup({ v: 1 }, { size: 10, prefixHash: 'abc' }, 2)).not.toBe(a);
    expect(defaultGroup({ v: 2 }, { size: 10, prefixHash: 'abc' }, 4)).not.toBe(a);
    expect(defaultGroup({ v: 1 }, { size: 11, prefixHash: 'abc' }, 4)).not.toBe(a);
  });

  const row = (id: string, createdAt: number, index: number, status: RunRow['status'], c: [number, number, number, number], group = 'G'): GroupRun => ({
    db: `/data/shard-${index}.db`,
    run: {
      id,
      createdAt,
      startedAt: createdAt,
      finishedAt: status === 'running' ? null : createdAt + 1,
      destination: 'd',
      audience: 'a',
      config: {},
      configSource: null,
      inputPath: '/in.ndjson',
      inputIdentity: null,
      options: { shard: { index, count: 4 }, group },
      status,
      records: { total: c[0], succeeded: c[1], failed: c[2], skipped: c[3], unconfirmed: 0 },
      requests: { sent: c[1] + c[2], retried: 0 },
      remoteAudience: null,
      error: null,
      lease: null,
    },
  });

  it("sums each shard's latest run and names the shards missing or unfinished", () => {
    const s = summarizeGroup('G', [
      row('r0-old', 1, 0, 'aborted', [5, 5, 0, 0]),
      row('r0', 2, 0, 'succeeded', [10, 10, 0, 0]),
      row('r1', 3, 1, 'partial', [12, 10, 2, 0]),
      row('r3', 4, 3, 'running', [8, 5, 0, 1]),
      row('other', 5, 2, 'succeeded', [99, 99, 0, 0], 'H'),
    ]);
    expect(s.runs.map((r) => r.run.id)).toEqual(['r0-old', 'r0', 'r1', 'r3']);
    expect(s.total).toEqual({ records: 30, delivered: 25, failed: 2, skipped: 1, pending: 2, requests: { sent: 27, retried: 0 } });
    expect(s.missing).toEqual([2]);
    expect(s.running).toEqual([3]);
    expect(s.finished).toBe(false);
    expect(s.shards.find((x) => x.index === 0)).toMatchObject({ runs: 2, latest: { run: { id: 'r0' } } });
  });
});
