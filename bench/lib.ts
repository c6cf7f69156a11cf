/**
 * Shared benchmark helpers: every figure is measured several times and reported as the
 * median with its spread, next to a comparison measured in the same run, as a ratio.
 */

export interface Sample {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** One row of the benchmark table. `ratio` = ours / comparison (lower is better for times). */
export interface BenchRow {
  suite: string;
  figure: string;
  unit: string;
  ours: Sample;
  comparisonName?: string;
  comparison?: Sample;
  ratio?: number;
  /** A goal in words, shown beside the figure ("<= 0.5 (2x faster)"). */
  goal?: string;
}

export function sample(values: number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Times `fn` (milliseconds) `runs` times after `warmup` untimed calls. */
export async function timeMs(fn: () => unknown | Promise<unknown>, runs = 7, warmup = 2): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    values.push(performance.now() - start);
  }
  return sample(values);
}

/**
 * Times `a` and `b` alternately (a, b, a, b …) so that load from other processes hits both
 * alike: `warmup` untimed pairs, then `runs` timed pairs. Milliseconds per call of each.
 */
export function alternateMs(
  a: () => unknown,
  b: () => unknown,
  runs: number,
  warmup: number,
): [number[], number[]] {
  for (let i = 0; i < warmup; i++) {
    a();
    b();
  }
  const msA: number[] = [];
  const msB: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    a();
    msA.push(performance.now() - t);
    t = performance.now();
    b();
    msB.push(performance.now() - t);
  }
  return [msA, msB];
}

/** Builds a row with the ratio of medians. */
export function row(
  suite: string,
  figure: string,
  unit: string,
  ours: Sample,
  comparison?: { name: string; sample: Sample },
  goal?: string,
): BenchRow {
  const out: BenchRow = { suite, figure, unit, ours };
  if (comparison) {
    out.comparisonName = comparison.name;
    out.comparison = comparison.sample;
    out.ratio = comparison.sample.median === 0 ? Infinity : ours.median / comparison.sample.median;
  }
  if (goal) out.goal = goal;
  return out;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function fmtSample(s: Sample | undefined): string {
  return s ? `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})` : '';
}

/** A plain-text table: medians with min-max spread, and the ratio. */
export function formatTable(rows: BenchRow[]): string {
  const header = [
    'suite',
    'figure',
    'unit',
    'ours median (min-max)',
    'comparison',
    'comparison median (min-max)',
    'ratio',
    'goal',
  ];
  const body = rows.map((r) => [
    r.suite,
    r.figure,
    r.unit,
    fmtSample(r.ours),
    r.comparisonName ?? '',
    fmtSample(r.comparison),
    r.ratio === undefined ? '' : `${fmt(r.ratio)}x`,
    r.goal ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
