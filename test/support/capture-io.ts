import type { CliIo } from '../../src/cli/io.ts';

/** A CliIo that records what a verb prints, for running verbs in-process: `main([...], io)`. */
export function captureIo(
  stdin: Uint8Array = new Uint8Array(),
): CliIo & { stdout: () => string; stderr: () => string } {
  const out: (string | Uint8Array)[] = [];
  const err: string[] = [];
  return {
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    readStdin: async () => stdin,
    stdout: () => out.map((t) => (typeof t === 'string' ? t : new TextDecoder().decode(t))).join(''),
    stderr: () => err.join(''),
  };
}
