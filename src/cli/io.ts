import { readFile } from 'node:fs/promises';

/** Where a verb reads and writes, so tests can run verbs in-process. */
export interface CliIo {
  out(text: string | Uint8Array): void;
  err(text: string): void;
  readStdin(): Promise<Uint8Array>;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  },
};

/** Reads a file argument, where `-` means standard input. */
export async function readInput(path: string, io: CliIo): Promise<Uint8Array> {
  if (path === '-') return io.readStdin();
  return new Uint8Array(await readFile(path));
}

/** Reads a UTF-8 text file argument; a file that cannot be read is a usage error. */
export async function readTextArg(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** A usage error: the verb prints it and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The usage error for a missing or unknown sub-command; `choices` reads like "init or show". */
export function subCommandError(sub: string | undefined, choices: string): UsageError {
  return new UsageError(
    sub === undefined ? `missing sub-command: ${choices}` : `unknown sub-command "${sub}"`,
  );
}
