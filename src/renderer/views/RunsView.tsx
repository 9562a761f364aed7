// Placeholder until the run view exists: says what will come and how to run today.
export function RunsView() {
  return (
    <div className="page" role="region" aria-label="Runs">
      <h2>Runs</h2>
      <div className="empty">
        Runs arrive with the run view. Until then, run an export from a terminal:
        <pre className="mono code-block">npm run -s outbound -- run destination.json --input profiles.ndjson</pre>
        Export the current destination with <strong>Export config</strong> in the Destinations place.
      </div>
    </div>
  );
}
