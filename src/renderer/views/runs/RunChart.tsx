// Throughput (records/s, bars) and latency (p50/p95 ms, lines) over time, as a small SVG.
// The time axis spans the run: from its first second shown to its elapsed time (a 9 s run
// fills the chart; a long one shows its last two minutes).
import type { RunSeriesPoint } from '../../../shared/api.js';

const W = 300;
const H = 84;
const PAD = 16;
/** Seconds shown at most: the last two minutes of a long run. */
const WINDOW = 120;

/** The axis: first and last second shown, and the number of one-second slots. */
export function chartAxis(series: RunSeriesPoint[], elapsedMs: number): { from: number; to: number; slots: number } {
  const points = series.slice(-WINDOW);
  const from = points[0]?.t ?? 0;
  const to = Math.max(Math.ceil(elapsedMs / 1000), (points[points.length - 1]?.t ?? 0) + 1, from + 1);
  return { from, to, slots: to - from };
}

export function RunChart({ series, elapsedMs }: { series: RunSeriesPoint[]; elapsedMs: number }) {
  const points = series.slice(-WINDOW);
  const { from, to, slots } = chartAxis(series, elapsedMs);
  const maxRate = Math.max(1, ...points.map((p) => p.recordsPerSec));
  const maxLat = Math.max(1, ...points.map((p) => p.p95Ms ?? 0));
  const bw = (W - PAD * 2) / slots;
  const x = (t: number) => PAD + (t - from) * bw;
  const yRate = (v: number) => H - PAD - (v / maxRate) * (H - PAD * 2);
  const yLat = (v: number) => H - PAD - (v / maxLat) * (H - PAD * 2);
  const line = (pick: (p: RunSeriesPoint) => number | null) =>
    points
      .map((p) => ({ v: pick(p), t: p.t }))
      .filter((d): d is { v: number; t: number } => d.v !== null)
      .map((d, k) => `${k === 0 ? 'M' : 'L'}${(x(d.t) + bw / 2).toFixed(1)},${yLat(d.v).toFixed(1)}`)
      .join(' ');
  return (
    <figure className="run-chart" aria-label="Throughput and latency">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Throughput up to ${maxRate} records/s; p95 latency up to ${Math.round(maxLat)} ms; from ${from} s to ${to} s`}
      >
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} className="axis" />
        {points.map((p) => (
          <rect key={p.t} x={x(p.t) + 0.5} width={Math.max(1, bw - 1)} y={yRate(p.recordsPerSec)} height={H - PAD - yRate(p.recordsPerSec)} className="bar" />
        ))}
        <path d={line((p) => p.p50Ms)} className="lat p50" />
        <path d={line((p) => p.p95Ms)} className="lat p95" />
        <text x={PAD} y={12} className="label">
          {maxRate} rec/s
        </text>
        <text x={W - PAD} y={12} className="label" textAnchor="end">
          {Math.round(maxLat)} ms
        </text>
        <text x={PAD} y={H - 5} className="label">
          {from}s
        </text>
        <text x={W - PAD} y={H - 5} className="label axis-end" textAnchor="end">
          {to}s
        </text>
      </svg>
      <figcaption className="legend">
        <span className="key bar" /> records/s <span className="key p50" /> p50 <span className="key p95" /> p95 latency
      </figcaption>
    </figure>
  );
}
