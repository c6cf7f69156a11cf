/**
 * `npm run bench:check`: compares bench/results/latest.json (from `npm run bench`) with the
 * committed budgets in bench/budgets.json, so a regression is visible. Exit 1 on any breach.
 */
import { readFileSync } from 'node:fs';
import type { BenchRow } from './lib.ts';

interface Budget {
  suite: string;
  figure: string;
  /** Upper bound for the median of our figure, in the row's unit. */
  maxMedian?: number;
  /** Upper bound for ours / comparison. */
  maxRatio?: number;
  /** Lower bound for the median, for throughputs (higher is better). */
  minMedian?: number;
  /** Lower bound for ours / comparison, for throughputs. */
  minRatio?: number;
}

const budgets = JSON.parse(readFileSync('bench/budgets.json', 'utf8')) as { budgets: Budget[] };
let latest: { rows: BenchRow[] };
try {
  latest = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as { rows: BenchRow[] };
} catch {
  console.error('bench:check: no bench/results/latest.json; run `npm run bench` first.');
  process.exit(2);
}

let breaches = 0;
for (const budget of budgets.budgets) {
  const found = latest.rows.find((r) => r.suite === budget.suite && r.figure === budget.figure);
  const name = `${budget.suite} / ${budget.figure}`;
  if (!found) {
    console.log(`MISSING  ${name}: not measured in the latest run`);
    breaches++;
    continue;
  }
  const problems: string[] = [];
  if (budget.maxMedian !== undefined && found.ours.median > budget.maxMedian)
    problems.push(`median ${found.ours.median.toFixed(2)} ${found.unit} > budget ${budget.maxMedian}`);
  if (budget.maxRatio !== undefined && (found.ratio ?? Infinity) > budget.maxRatio)
    problems.push(`ratio ${(found.ratio ?? Infinity).toFixed(2)} > budget ${budget.maxRatio}`);
  if (budget.minMedian !== undefined && found.ours.median < budget.minMedian)
    problems.push(`median ${found.ours.median.toFixed(2)} ${found.unit} < budget ${budget.minMedian}`);
  if (budget.minRatio !== undefined && (found.ratio ?? 0) < budget.minRatio)
    problems.push(`ratio ${(found.ratio ?? 0).toFixed(2)} < budget ${budget.minRatio}`);
  console.log(
    `${problems.length ? 'OVER   ' : 'ok     '}  ${name}${problems.length ? `: ${problems.join('; ')}` : ''}`,
  );
  breaches += problems.length ? 1 : 0;
}
console.log(`\nbench:check: ${budgets.budgets.length - breaches} within budget, ${breaches} over or missing`);
process.exit(breaches ? 1 : 0);
