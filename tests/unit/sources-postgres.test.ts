// The PostgreSQL source's config block and its pure helpers (no server): the schema (strict,
// did you mean), the JSON Schema, a literal password masked in the stored config and taken
// as a secret, `${env:…}` tainted, the URL recorded without password, ORDER BY detection,
// and the row label record errors use.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/main/engine/load.js';
import { createRecordPreparer } from '../../src/main/engine/records.js';
import { inputFromPath, inputPathOf, inputWarnings, reopenInput } from '../../src/main/app/run/input.js';
import { displayPostgresUrl, postgresLabel, postgresUrlPassword, postgresUrlSecrets, queryHasOrderBy } from '../../src/main/sources/postgres.js';
import { exportConfigJsonSchema, parseExportConfig } from '../../src/shared/config.js';

const base = { version: 1, destination: { name: 'x', add: { url: 'https://api.example.com/m' } }, audience: { name: 'A' } };
const PW = 'Sup3r-secret/pw';

describe('source.postgres in the export config', () => {
  it('is optional, strict (did you mean) and checked', () => {
    expect(parseExportConfig(base).ok).toBe(true);
    const ok = parseExportConfig({ ...base, source: { postgres: { url: 'postgresql://a@h/db', query: 'select 1', fetchSize: 500 } } });
    expect(ok.ok && ok.config.source?.postgres).toEqual({ url: 'postgresql://a@h/db', query: 'select 1', fetchSize: 500 });
    const bad = parseExportConfig({ ...base, source: { postgres: { url: 'mysql://h/db', query: ' ', fetchsize: 10 } } });
    expect(bad.ok ? [] : bad.issues).toEqual(
      expect.arrayContaining([
        { path: 'source.postgres.fetchsize', message: 'unknown key; did you mean "fetchSize"?' },
        { path: 'source.postgres.url', message: 'must be a postgres:// or postgresql:// URL' },
        { path: 'source.postgres.query', message: 'must not be empty' },
      ]),
    );
    const typo = parseExportConfig({ ...base, sources: {} });
    expect(typo.ok ? [] : typo.issues).toEqual([{ path: 'sources', message: 'unknown key; did you mean "source"?' }]);
    const schema = JSON.stringify(exportConfigJsonSchema());
    expect(schema).toContain('"fetchSize"');
    expect(schema).toContain('postgres');
  });

  it('a literal password in source.postgres.url is masked in the stored config and is a secret; ${env:…} is kept as a reference', () => {
    const literal = resolveConfig({ ...base, source: { postgres: { url: `postgres://app:${encodeURIComponent(PW)}@db:5432/crm`, query: 'select 1' } } }, {});
    if (!literal.ok) throw new Error(JSON.stringify(literal.issues));
    expect(JSON.stringify(literal.stored)).not.toContain('Sup3r');
    expect((literal.stored as { source: { postgres: { url: string } } }).source.postgres.url).toBe('postgres://app:●●●●@db:5432/crm');
    expect(literal.maskedLiterals).toBe(true);
    expect(literal.secrets).toContain(PW);
    const env = resolveConfig({ ...base, source: { postgres: { url: 'postgres://app:${env:PGPW}@db/crm', query: 'select 1' } } }, { PGPW: PW });
    if (!env.ok) throw new Error(JSON.stringify(env.issues));
    expect((env.stored as { source: { postgres: { url: string } } }).source.postgres.url).toBe('postgres://app:${env:PGPW}@db/crm');
    expect(env.config.source?.postgres?.url).toBe(`postgres://app:${encodeURIComponent(PW)}@db/crm`);
    expect(env.secrets).toContainEqual({ value: PW, shownAs: '${env:PGPW}' });
  });
});

describe('a PostgreSQL run input', () => {
  it('a ${env:…} in the user info of source.postgres.url is percent-encoded when substituted (elsewhere it is not), both forms secrets', () => {
    const weird = 'a/b#c?d%e@f:g h';
    const r = resolveConfig({ ...base, source: { postgres: { url: 'postgres://${env:U}:${env:PW}@db/crm?application_name=${env:PW}', query: 'select 1' } } }, { U: 'me@x', PW: weird });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.config.source?.postgres?.url).toBe(`postgres://me%40x:${encodeURIComponent(weird)}@db/crm?application_name=${weird}`);
    expect(r.secrets).toContainEqual({ value: encodeURIComponent(weird), shownAs: '${env:PW}' });
    expect(r.secrets).toContainEqual({ value: weird, shownAs: '${env:PW}' });
  });

  it('decides the password as pg does (last @ of the authority, spaces, the unix-socket form, ?password=) and shows the URL without it', () => {
    expect(postgresUrlPassword('postgres://app:p@ssw0rd!@db/crm')).toBe('p@ssw0rd!');
    expect(displayPostgresUrl('postgres://app:p@ssw0rd!@db/crm')).toBe('postgres://app@db/crm');
    expect(postgresUrlPassword('postgres://app:my secret pw@db/crm')).toBe('my secret pw');
    expect(displayPostgresUrl('postgres://app:my secret pw@db/crm')).toBe('postgres://app@db/crm');
    const socket = 'postgres://app@/crm?host=/var/run/postgresql&password=Sekr3t';
    expect(postgresUrlPassword(socket)).toBe('Sekr3t');
    expect(displayPostgresUrl(socket)).toBe('postgres://app@/crm?host=/var/run/postgresql');
    expect(displayPostgresUrl('postgres://app@/crm?password=Sekr3t&host=/tmp&sslpassword=k3y')).toBe('postgres://app@/crm?host=/tmp');
    expect(postgresUrlSecrets('postgres://app@/crm?host=/tmp&sslpassword=k%2By')).toEqual(expect.arrayContaining(['k+y', 'k%2By']));
  });

  const url = `postgres://app:${encodeURIComponent(PW)}@db:5432/crm?sslmode=require`;
  it('is recorded without its password and read back; the config block gives the password again', () => {
    expect(postgresUrlPassword(url)).toBe(PW);
    expect(displayPostgresUrl(url)).toBe('postgres://app@db:5432/crm?sslmode=require');
    expect(displayPostgresUrl('postgres://app@db/crm?password=xyz12')).toBe('postgres://app@db/crm');
    const input = { kind: 'postgres' as const, url, query: 'select id from t order by id;\n' };
    const recorded = inputPathOf(input);
    expect(recorded).toBe('postgres://app@db:5432/crm?sslmode=require#select id from t order by id');
    expect(recorded).not.toContain('Sup3r');
    const back = inputFromPath(recorded);
    expect(back).toEqual({ kind: 'postgres', url: 'postgres://app@db:5432/crm?sslmode=require', query: 'select id from t order by id' });
    const cfg = parseExportConfig({ ...base, source: { postgres: { url, query: 'select id from t order by id', fetchSize: 50 } } });
    if (!cfg.ok) throw new Error('config');
    expect(reopenInput(back, cfg.config)).toEqual({ kind: 'postgres', url, query: 'select id from t order by id', fetchSize: 50 });
    // Another target or query: not the run's; the recorded input stays (pg's PGPASSWORD then).
    const other = parseExportConfig({ ...base, source: { postgres: { url: 'postgres://app@other/crm', query: 'select 1' } } });
    if (!other.ok) throw new Error('config');
    expect(reopenInput(back, other.config)).toBe(back);
  });

  it('warns when the query has no ORDER BY (a resume matches rows by position)', () => {
    expect(queryHasOrderBy('select * from t ORDER\n BY id')).toBe(true);
    expect(queryHasOrderBy("select 'order by' as x from t -- order by id")).toBe(false);
    // Only a top-level ORDER BY sorts the result: not a window's, not a subquery's.
    expect(queryHasOrderBy('select id, row_number() over (order by id) as n from t')).toBe(false);
    expect(queryHasOrderBy('select * from (select * from t order by id) s')).toBe(false);
    expect(queryHasOrderBy('select * from (select * from t order by id) s where x in (select 1) order by s.id')).toBe(true);
    expect(queryHasOrderBy('select $$ order by $$ as x, "order by" from t')).toBe(false);
    expect(inputWarnings({ kind: 'postgres', url, query: 'select * from t' })[0]).toMatch(/no ORDER BY/);
    expect(inputWarnings({ kind: 'postgres', url, query: 'select * from t order by id' })).toEqual([]);
  });

  it('record errors say `postgres://… row N`; file inputs keep `file:line`', () => {
    const cfg = parseExportConfig(base);
    if (!cfg.ok) throw new Error('config');
    const label = postgresLabel(url);
    expect(label).toBe('postgres://app@db:5432/crm?sslmode=require');
    const p = createRecordPreparer(cfg.config, label);
    if (!p.ok) throw new Error('preparer');
    const out = p.prepare({ ok: true, line: 42, value: 'not an object' }, 41);
    expect(out.ok === false && out.failure.where).toBe('postgres://app@db:5432/crm?sslmode=require row 42');
    const f = createRecordPreparer(cfg.config, 'in.ndjson');
    if (!f.ok) throw new Error('preparer');
    const fo = f.prepare({ ok: true, line: 3, value: 1 }, 2);
    expect(fo.ok === false && fo.failure.where).toBe('in.ndjson:3');
  });
});
