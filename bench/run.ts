/**
 * `npm run bench`: runs every benchmark suite in one process, prints one table and writes it
 * as JSON to bench/results/latest.json. Timing lives here, never in `npm test`.
 * `npm run bench:check` then compares that file with bench/budgets.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { formatTable, type BenchRow } from './lib.ts';
import { suites } from './suites.ts';

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const rows: BenchRow[] = [];
for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  process.stderr.write(`bench: ${suite.name}…\n`);
  rows.push(...(await suite.run()));
}
console.log(formatTable(rows));
mkdirSync('bench/results', { recursive: true });
const result = { date: new Date().toISOString(), node: process.version, rows };
writeFileSync('bench/results/latest.json', JSON.stringify(result, null, 2));
console.log('\nwritten bench/results/latest.json');
