import type { BenchRow } from './lib.ts';
import { runWbxmlBench } from './wbxml.ts';

export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Every benchmark suite; each capability adds its own module. */
export const suites: BenchSuite[] = [
  { name: 'wbxml', run: () => runWbxmlBench((line) => process.stderr.write(`  ${line}\n`)) },
];
