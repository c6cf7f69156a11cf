import type { BenchRow } from './lib.ts';

export interface BenchSuite {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Every benchmark suite; each capability adds its own module. */
export const suites: BenchSuite[] = [];
