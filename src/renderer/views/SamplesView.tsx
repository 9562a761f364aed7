// Sample profile sets: generate, import (paste or file), browse, and pick the one that
// feeds the preview.
import { useEffect, useState } from 'react';
import { api, errorText } from '../api.js';
import { actions, notify, useStudio } from '../state/studio.js';
import type { Issue } from '../../shared/issues.js';
import type { SampleSetSummary } from '../../shared/api.js';
import { plural } from '../../shared/format.js';
import { ConfirmDialog } from '../components/Dialog.js';

const PAGE = 20;

type ImportFormat = 'ndjson' | 'csv' | 'json' | 'parquet';

function formatFromName(name: string): ImportFormat {
  if (/\.parquet$/i.test(name)) return 'parquet';
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.json$/i.test(name)) return 'json';
  return 'ndjson';
}

/** Bytes as base64, in slices (String.fromCharCode takes a bounded number of arguments). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function GenerateForm() {
  const [count, setCount] = useState('100');
  const [seed, setSeed] = useState('1');
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="form-section"
      aria-label="Generate profiles"
      onSubmit={async (e) => {
        e.preventDefault();
        const n = Number(count);
        if (!Number.isInteger(n) || n < 1) return notify('Count must be a whole number of at least 1', 'error');
        setBusy(true);
        await actions.generateSamples(n, seed.trim() === '' ? undefined : Number(seed));
        setBusy(false);
      }}
    >
      <header>
        <h3>Generate XDM-style profiles</h3>
      </header>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="gen-count">Count</label>
          <input id="gen-count" inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="gen-seed">Seed</label>
          <input id="gen-seed" inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} />
        </div>
        <div className="field actions-end">
          <button type="submit" className="primary" disabled={busy}>
            Generate
          </button>
        </div>
      </div>
    </form>
  );
}

function ImportForm() {
  const [name, setName] = useState('Imported profiles');
  const [format, setFormat] = useState<ImportFormat>('ndjson');
  const [text, setText] = useState('');
  // A picked Parquet file: binary, so it travels as base64 and is not shown as text.
  const [parquet, setParquet] = useState<{ file: string; base64: string } | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  return (
    <form
      className="form-section"
      aria-label="Import profiles"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const result = await api().importSamples(format === 'parquet' ? { name, format, text: parquet?.base64 ?? '' } : { name, format, text });
          setIssues(result.issues);
          await actions.refreshSamples();
          actions.selectSet(result.set.id);
          notify(`Imported ${result.set.count} profiles${result.issues.length ? `, ${result.issues.length} rows skipped` : ''}`);
        } catch (err) {
          notify(`Could not import: ${errorText(err)}`, 'error');
        }
      }}
    >
      <header>
        <h3>Import NDJSON, CSV, JSON or Parquet</h3>
      </header>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="imp-name">Set name</label>
          <input id="imp-name" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="imp-format">Format</label>
          <select id="imp-format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
            <option value="ndjson">NDJSON (one JSON object a line)</option>
            <option value="csv">CSV (header row)</option>
            <option value="json">JSON array</option>
            <option value="parquet">Parquet (pick the file)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="imp-file">File</label>
          <input
            id="imp-file"
            type="file"
            accept=".ndjson,.jsonl,.csv,.json,.parquet"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              const picked = formatFromName(file.name);
              if (picked === 'parquet') setParquet({ file: file.name, base64: toBase64(new Uint8Array(await file.arrayBuffer())) });
              else {
                setParquet(null);
                setText(await file.text());
              }
              setFormat(picked);
              setName(file.name.replace(/\.[^.]+$/, ''));
            }}
          />
        </div>
        {format === 'parquet' ? (
          <p className="field wide muted" aria-live="polite">
            {parquet ? `Parquet file ${parquet.file} (${Math.round((parquet.base64.length * 3) / 4).toLocaleString('en-US')} bytes): each row becomes a profile.` : 'Pick a .parquet file above: each row becomes a profile.'}
          </p>
        ) : (
        <div className="field wide">
          <label htmlFor="imp-text">Profiles to import</label>
          <textarea
            id="imp-text"
            className="mono"
            rows={6}
            spellCheck={false}
            placeholder='{"id": "u1", "person": {"email": "a@example.com"}}'
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        )}
        <div className="field actions-end">
          <button type="submit" disabled={format === 'parquet' ? parquet === null : text.trim() === ''}>
            Import
          </button>
        </div>
        {issues.length > 0 && (
          <ul className="issue-list wide" aria-label="Import problems">
            {issues.map((i, n) => (
              <li key={n} className="issue">
                <span className="where mono">{i.path}</span> {i.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </form>
  );
}

function Browser({ setId }: { setId: string }) {
  const [offset, setOffset] = useState(0);
  const [rows, setRows] = useState<unknown[] | null>(null);
  const total = useStudio((s) => s.sampleSets.find((x) => x.id === setId)?.count ?? 0);
  useEffect(() => setOffset(0), [setId]);
  useEffect(() => {
    let alive = true;
    setRows(null);
    api()
      .getSamples({ setId, offset, limit: PAGE })
      .then((r) => alive && setRows(r))
      .catch((err: unknown) => alive && notify(`Could not read samples: ${errorText(err)}`, 'error'));
    return () => {
      alive = false;
    };
  }, [setId, offset]);
  return (
    <section className="form-section" aria-label="Profiles">
      <header>
        <h3>
          Profiles {total > 0 && `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total}`}
        </h3>
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Previous page
          </button>
          <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
            Next page
          </button>
        </div>
      </header>
      {rows === null ? <div className="muted">Loading…</div> : <ProfileTable rows={rows} offset={offset} />}
    </section>
  );
}

/** The fields a person scans a profile by; anything else is in the JSON on expand. */
export function profileSummary(value: unknown): { id: string; name: string; email: string; segments: string } {
  const r = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const person = (r.person && typeof r.person === 'object' ? r.person : {}) as Record<string, unknown>;
  const name = (person.name && typeof person.name === 'object' ? person.name : {}) as Record<string, unknown>;
  const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const fullName = [name.firstName, name.lastName].filter((x) => x !== undefined && x !== null && x !== '').map(text).join(' ');
  const ups = (r.segmentMembership as { ups?: unknown } | undefined)?.ups;
  return {
    id: text(r.id ?? r.key ?? ''),
    name: fullName || text(typeof r.name === 'string' ? r.name : ''),
    email: text(person.email ?? r.email ?? ''),
    segments: ups && typeof ups === 'object' ? String(Object.keys(ups).length) : '',
  };
}

function ProfileTable({ rows, offset }: { rows: unknown[]; offset: number }) {
  const [open, setOpen] = useState<Set<number>>(new Set());
  useEffect(() => setOpen(new Set()), [offset, rows]);
  const toggle = (n: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(n)) next.delete(n);
      else next.add(n);
      return next;
    });
  return (
    <table className="profile-table" aria-label="Profile table">
      <thead>
        <tr>
          <th scope="col" className="col-n">#</th>
          <th scope="col" className="col-id">id</th>
          <th scope="col">Name</th>
          <th scope="col">Email</th>
          <th scope="col" className="col-seg" title="Segments">
            Segments
          </th>
          <th scope="col" className="col-json">
            <span className="visually-hidden">JSON</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.flatMap((r, i) => {
          const n = offset + i + 1;
          const p = profileSummary(r);
          const expanded = open.has(n);
          const line = (
            <tr key={n}>
              <td className="muted">{n}</td>
              <td className="mono" title={p.id}>
                {p.id}
              </td>
              <td title={p.name}>{p.name}</td>
              <td className="mono" title={p.email}>
                {p.email}
              </td>
              <td>{p.segments}</td>
              <td>
                <button type="button" className="link" aria-expanded={expanded} aria-label={`JSON of profile ${n}`} onClick={() => toggle(n)}>
                  {expanded ? 'Hide JSON' : 'JSON'}
                </button>
              </td>
            </tr>
          );
          return expanded
            ? [
                line,
                <tr key={`${n}-json`} className="profile-json">
                  <td colSpan={6}>
                    <pre className="mono code-block" aria-label={`Profile ${n} as JSON`}>
                      {JSON.stringify(r, null, 2)}
                    </pre>
                  </td>
                </tr>,
              ]
            : [line];
        })}
      </tbody>
    </table>
  );
}

/** One set: pick it for the preview, rename it in place, delete it (asks first). */
function SetRow({ set, selected }: { set: SampleSetSummary; selected: boolean }) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(set.name);
  const [confirming, setConfirming] = useState(false);
  const commit = async () => {
    if (name.trim() === '' || name.trim() === set.name) {
      setRenaming(false);
      setName(set.name);
      return;
    }
    if (await actions.renameSampleSet(set.id, name)) setRenaming(false);
  };
  return (
    <li>
      {renaming ? (
        <form
          className="set-rename"
          onSubmit={(e) => {
            e.preventDefault();
            void commit();
          }}
        >
          <input
            aria-label={`New name for ${set.name}`}
            value={name}
            autoFocus
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                setRenaming(false);
                setName(set.name);
              }
            }}
          />
          <button type="submit" className="primary" disabled={name.trim() === ''}>
            Save name
          </button>
          <button
            type="button"
            onClick={() => {
              setRenaming(false);
              setName(set.name);
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <div className="set-row">
          <label>
            <input type="radio" name="sample-set" checked={selected} onChange={() => actions.selectSet(set.id)} />
            <span className="set-name">{set.name}</span>
            <span className="muted">{plural(set.count, 'profile')}</span>
          </label>
          <span className="set-actions">
            <button type="button" className="link" aria-label={`Rename ${set.name}`} onClick={() => setRenaming(true)}>
              Rename
            </button>
            <button type="button" className="link danger" aria-label={`Delete ${set.name}`} onClick={() => setConfirming(true)}>
              Delete
            </button>
          </span>
        </div>
      )}
      <ConfirmDialog
        title={`Delete "${set.name}"?`}
        open={confirming}
        confirmLabel="Delete set"
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void actions.deleteSampleSet(set.id);
        }}
      >
        <p>
          Its {plural(set.count, 'profile')} are removed from this workspace. A run that read this set can no longer be resumed; its log stays.
        </p>
      </ConfirmDialog>
    </li>
  );
}

export function SamplesView() {
  const sets = useStudio((s) => s.sampleSets);
  const selected = useStudio((s) => s.selectedSetId);
  return (
    <div className="page" role="region" aria-label="Samples">
      <h2>Sample profiles</h2>
      <p className="lede">The selected set feeds the preview. Generated profiles look like AEP XDM profiles.</p>
      <div className="sample-layout">
        <div>
          <section className="form-section" aria-label="Sample sets">
            <header>
              <h3>Sets</h3>
            </header>
            {sets.length === 0 ? (
              <div className="empty">No sets yet: generate some profiles or import a file.</div>
            ) : (
              <ul className="set-list" role="radiogroup" aria-label="Sample set for the preview">
                {sets.map((s) => (
                  <SetRow key={s.id} set={s} selected={s.id === selected} />
                ))}
              </ul>
            )}
          </section>
          <GenerateForm />
          <ImportForm />
        </div>
        <div>{selected && <Browser setId={selected} />}</div>
      </div>
    </div>
  );
}
