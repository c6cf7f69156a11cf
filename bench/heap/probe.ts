/**
 * Child process of the decode heap measurement (bench/heap/measure.ts; decision 0105).
 * Usage: node --expose-gc --max-semi-space-size=1 --import tsx bench/heap/probe.ts
 *          <v1|current> <input file> <comma-separated message lengths> [walk]
 * With `walk`, each decoded document is also read in full (every element's children and
 * attributes, every text value and opaque byte count), as readSyncML or writeXml would.
 *
 * It decodes every message of the input once to warm the code up (JIT code, inline caches and
 * the decoder's lookup tables would otherwise be counted as "decoding"), then, with every
 * collection forced to be a full mark-compact (`--gc-global`) and traced in bytes
 * (`--trace-gc-nvp`), runs: gc() → decode all messages, keeping every result → gc().
 * The parent reads the trace lines from stdout; nothing else is written there.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { decodeWbxml as decodeCurrent } from '../../src/core/wbxml/decode.ts';
import type { XmlNode } from '../../src/core/wbxml/document.ts';
import { decodeWbxml as decodeV1 } from './decode-v1.ts';

const [which, file, lengthList, mode] = process.argv.slice(2);
const decoder = which === 'v1' ? decodeV1 : which === 'current' ? decodeCurrent : undefined;
if (!decoder || !file || !lengthList) {
  process.stderr.write('usage: probe.ts <v1|current> <input file> <lengths> [walk]\n');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write('probe.ts needs --expose-gc\n');
  process.exit(2);
}

// The input lives outside the JS heap (a Buffer's backing store), so it is not counted.
const all = readFileSync(file);
const inputs: Uint8Array[] = [];
let offset = 0;
for (const n of lengthList.split(',').map(Number)) {
  inputs.push(all.subarray(offset, offset + n));
  offset += n;
}

/** Reads every node; returns a checksum so the reads cannot be optimised away. */
function walk(node: XmlNode): number {
  if (node.kind === 'text') return node.value.length;
  if (node.kind === 'opaque') return node.bytes.length;
  let sum = node.name.length + node.attributes.length;
  for (const child of node.children) sum += walk(child);
  return sum;
}
let checksum = 0;
const decode =
  mode === 'walk'
    ? (bytes: Uint8Array) => {
        const decoded = decoder(bytes);
        checksum += walk(decoded.document.root);
        return decoded;
      }
    : decoder;

for (let i = 0; i < 3; i++) for (const bytes of inputs) decode(bytes);

const kept: unknown[] = new Array(inputs.length);
gc();
gc();
setFlagsFromString('--gc-global');
setFlagsFromString('--trace-gc-nvp');
gc(); // first traced line: the baseline
for (let i = 0; i < inputs.length; i++) kept[i] = decode(inputs[i]!);
gc(); // last traced line: what the results retain
setFlagsFromString('--no-trace-gc-nvp');
setFlagsFromString('--no-gc-global');
// Keeps the results reachable up to the last collection.
process.stderr.write(`decoded ${kept.length} message(s), checksum ${checksum}\n`);
