// Throughput (records/s, bars) and latency (p50/p95 ms, lines) over time, as a small SVG.
import type { RunSeriesPoint } from '../../../shared/api.js';

const W = 560;
const H = 120;
const PAD = 24;

export function RunChart({ series }: { series: RunSeriesPoint[] }) {
  const points = series.slice(-120);
  const maxRate = Math.max(1, ...points.map((p) => p.recordsPerSec));
  const maxLat = Math.max(1, ...points.map((p) => p.p95Ms ?? 0));
  // At least a minute of slots, so the first seconds do not stretch across the chart.
  const n = Math.max(points.length, 60);
  const bw = (W - PAD * 2) / n;
  const x = (i: number) => PAD + i * bw;
  const yRate = (v: number) => H - PAD - (v / maxRate) * (H - PAD * 2);
  const yLat = (v: number) => H - PAD - (v / maxLat) * (H - PAD * 2);
  const line = (pick: (p: RunSeriesPoint) => number | null) =>
    points
      .map((p, i) => ({ v: pick(p), i }))
      .filter((d): d is { v: number; i: number } => d.v !== null)
      .map((d, k) => `${k === 0 ? 'M' : 'L'}${(x(d.i) + bw / 2).toFixed(1)},${yLat(d.v).toFixed(1)}`)
      .join(' ');
  return (
    <figure className="run-chart" aria-label="Throughput and latency">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Throughput up to ${maxRate} records/s; p95 latency up to ${Math.round(maxLat)} ms`}>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} className="axis" />
        {points.map((p, i) => (
          <rect key={p.t} x={x(i) + 0.5} width={Math.max(1, bw - 1)} y={yRate(p.recordsPerSec)} height={H - PAD - yRate(p.recordsPerSec)} className="bar" />
        ))}
        <path d={line((p) => p.p50Ms)} className="lat p50" />
        <path d={line((p) => p.p95Ms)} className="lat p95" />
        <text x={PAD} y={14} className="label">
          {maxRate} rec/s
        </text>
        <text x={W - PAD} y={14} className="label" textAnchor="end">
          {Math.round(maxLat)} ms
        </text>
        <text x={PAD} y={H - 6} className="label">
          {points[0]?.t ?? 0}s
        </text>
        <text x={W - PAD} y={H - 6} className="label" textAnchor="end">
          {(points[0]?.t ?? 0) + n - 1}s
        </text>
      </svg>
      <figcaption className="legend">
        <span className="key bar" /> records/s <span className="key p50" /> p50 latency <span className="key p95" /> p95 latency
      </figcaption>
    </figure>
  );
}
