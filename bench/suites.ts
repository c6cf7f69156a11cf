import type { BenchRow } from './lib.ts';
import { runAppBench } from './app.ts';
import { runCpBench } from './cp.ts';
import { runFleetBench } from './fleet.ts';
import { runSessionBench } from './session.ts';
import { runTreeChromiumBench } from './tree-chromium.ts';
import { runWbxmlBench } from './wbxml.ts';

const log = (line: string) => process.stderr.write(`  ${line}\n`);

export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Every benchmark suite; each capability adds its own module. */
export const suites: BenchSuite[] = [
  { name: 'wbxml', run: () => runWbxmlBench(log) },
  { name: 'cp', run: () => runCpBench(log) },
  { name: 'session', run: () => runSessionBench(log) },
  { name: 'fleet', run: () => runFleetBench(log) },
  { name: 'tree-chromium', run: () => runTreeChromiumBench(log) },
  { name: 'app', run: () => runAppBench(log) },
];
