import type { CliIo } from './io.ts';

/** One `ota-handset <verb>`; each lives in its own module under verbs/. */
export interface Verb {
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** Full usage text for `ota-handset <verb> --help`. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}
