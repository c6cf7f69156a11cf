/**
 * The shipped example flows (examples/flows/*.json) and their payload files, bundled by Vite so
 * the Flows tab offers them offline. `{ "file": "payloads/x.hex" }` resolves next to the flow.
 */
import { payloadBytes } from '../../../core/flow/payload-file.ts';

const flows = import.meta.glob<string>('../../../../examples/flows/*.json', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const payloads = import.meta.glob<string>('../../../../examples/flows/payloads/*', {
  query: '?raw',
  import: 'default',
  eager: true,
});

const BASE = '../../../../examples/flows/';

export interface ExampleFlow {
  /** The file name, e.g. `storyboard.json`. */
  file: string;
  text: string;
}

export const EXAMPLE_FLOWS: ExampleFlow[] = Object.entries(flows)
  .map(([path, text]) => ({ file: path.slice(BASE.length), text }))
  .sort((a, b) => a.file.localeCompare(b.file));

/** Reads a payload an example refers to. */
export async function exampleFile(name: string): Promise<Uint8Array> {
  const text = payloads[BASE + name.replace(/^\.\//, '')];
  if (text === undefined) throw new Error(`no shipped payload file "${name}"`);
  return payloadBytes(name, text);
}
