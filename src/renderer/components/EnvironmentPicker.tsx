// The title bar's environment picker: which named set of variables `${env:…}` resolves
// against ("No environment": the process environment only), and the way to edit them.
import { useEffect } from 'react';
import { environmentActions, useEnvironments } from '../state/environments.js';

export function EnvironmentPicker() {
  const environments = useEnvironments((s) => s.environments);
  const selectedId = useEnvironments((s) => s.selectedId);
  const loaded = useEnvironments((s) => s.loaded);
  useEffect(() => {
    if (!loaded) void environmentActions.refresh();
  }, [loaded]);
  return (
    <div className="env-picker">
      <label htmlFor="env-picker-select">Environment</label>
      <select
        id="env-picker-select"
        title={environments.find((env) => env.id === selectedId)?.name ?? 'No environment'}
        value={selectedId ?? ''}
        onChange={(e) => void environmentActions.select(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">No environment</option>
        {environments.map((env) => (
          <option key={env.id} value={env.id}>
            {env.name}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => environmentActions.openEditor(selectedId)} title="Create and edit environments (dev, staging, prod)">
        Edit environments…
      </button>
    </div>
  );
}
