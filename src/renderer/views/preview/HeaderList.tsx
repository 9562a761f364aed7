// Headers as a definition list in monospace (wire data), or "no headers".
export function HeaderList({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <div className="muted">no headers</div>;
  return (
    <dl className="headers mono" aria-label={label}>
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}:</dt> <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
