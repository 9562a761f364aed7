// The `${env:…}` references of the config being edited and where each gets its value: the
// selected environment, the process environment, or nowhere (then the preview lists the
// problem). Values themselves never show here: the preview shows references by design.
import { useMemo } from 'react';
import type { Issue } from '../../../shared/issues.js';
import { environmentActions, useEnvironments } from '../../state/environments.js';
import { useStudio } from '../../state/studio.js';

const NONE: Issue[] = [];
const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names referenced as `${env:NAME}` anywhere in the config, in order of first use. */
export function envReferences(config: unknown): string[] {
  const names = new Set<string>();
  for (const m of JSON.stringify(config ?? null).matchAll(ENV_REF)) names.add(m[1]!);
  return [...names];
}

export function EnvReferences() {
  const config = useStudio((s) => s.config);
  const serverIssues = useStudio((s) => s.serverIssues);
  const previewIssues = useStudio((s) => s.preview?.issues ?? NONE);
  const environments = useEnvironments((s) => s.environments);
  const selectedId = useEnvironments((s) => s.selectedId);
  const names = useMemo(() => envReferences(config), [config]);
  if (names.length === 0) return null;
  const selected = environments.find((e) => e.id === selectedId);
  const unset = new Set<string>();
  for (const i of [...serverIssues, ...previewIssues]) {
    const m = /environment variable ([A-Za-z_][A-Za-z0-9_]*) is not set/.exec(i.message);
    if (m) unset.add(m[1]!);
  }
  return (
    <section className="env-refs" aria-label="Environment variables">
      <h3>
        Environment: {selected ? selected.name : 'none selected'}
        <button type="button" className="link" onClick={() => environmentActions.openEditor(selectedId)}>
          edit
        </button>
      </h3>
      <ul>
        {names.map((name) => {
          const v = selected?.variables.find((x) => x.name === name);
          const status = unset.has(name)
            ? v?.secret && !v.set
              ? `not set: the secret has no value in ${selected!.name}`
              : 'not set'
            : v && (!v.secret || v.set)
              ? `set in ${selected!.name}${v.secret ? (v.sessionOnly ? ' (secret, this session only)' : ' (secret)') : ''}`
              : 'set from the process environment';
          return (
            <li key={name} className={unset.has(name) ? 'unset' : 'set'}>
              <code>{`\${env:${name}}`}</code> <span>{status}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
