/**
 * Peak and retained JS heap of decoding WBXML (decision 0105). Each measurement runs in a
 * fresh Node process (bench/heap/probe.ts) so the rest of the benchmark's heap does not blur
 * it. In that process every collection is a full mark-compact and the young generation is the
 * smallest V8 allows (1 MiB semi-spaces), so a collection happens about every 1-2 MiB of
 * allocation, and each one reports the heap's size before and after it:
 * - after a full collection the heap holds exactly the live objects, so the largest "after"
 *   during the decode is a lower bound of the peak;
 * - between two collections the heap only grows by allocation, so the largest "before"
 *   (live at the previous collection + everything allocated since) is an upper bound.
 * The figure we report as "peak" is the upper bound minus the baseline: conservative.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type DecoderName = 'v1' | 'current';

export interface DecodeHeap {
  /** Bytes of WBXML decoded. */
  inputBytes: number;
  /** Upper bound of the peak heap above the baseline, in bytes. */
  peak: number;
  /** Lower bound of the peak heap above the baseline, in bytes. */
  peakLow: number;
  /** Heap still used by the decoded results after a full collection, in bytes. */
  retained: number;
  /** Full collections traced during the decode (more = finer sampling). */
  collections: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

interface GcLine {
  before: number;
  after: number;
}

function parseTrace(stdout: string): GcLine[] {
  const lines: GcLine[] = [];
  for (const line of stdout.split('\n')) {
    const before = /total_size_before=(\d+)/.exec(line);
    const after = /total_size_after=(\d+)/.exec(line);
    if (before && after) lines.push({ before: Number(before[1]), after: Number(after[1]) });
  }
  return lines;
}

/**
 * Decodes `messages` (all kept alive together) in a child process and reports its heap; with
 * `walk`, every node of every document is also read (the view is built in full).
 */
export function measureDecodeHeap(
  decoder: DecoderName,
  messages: readonly Uint8Array[],
  options: { walk?: boolean } = {},
): DecodeHeap {
  const dir = mkdtempSync(join(tmpdir(), 'ota-heap-'));
  try {
    const file = join(dir, 'input.wbxml');
    const total = messages.reduce((s, m) => s + m.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const m of messages) {
      joined.set(m, at);
      at += m.length;
    }
    writeFileSync(file, joined);
    const lengths = messages.map((m) => m.length).join(',');
    const run = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-semi-space-size=1',
        '--import',
        'tsx',
        join(here, 'probe.ts'),
        decoder,
        file,
        lengths,
        ...(options.walk ? ['walk'] : []),
      ],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    if (run.status !== 0) {
      throw new Error(`heap probe failed (${run.status ?? run.signal}): ${run.stderr}`);
    }
    const lines = parseTrace(run.stdout);
    if (lines.length < 2) throw new Error(`heap probe: no GC trace in its output: ${run.stderr}`);
    const baseline = lines[0]!.after;
    const during = lines.slice(1);
    const last = during[during.length - 1]!;
    return {
      inputBytes: total,
      peak: Math.max(...during.map((l) => l.before)) - baseline,
      peakLow: Math.max(...during.map((l) => l.after)) - baseline,
      retained: last.after - baseline,
      collections: during.length - 1,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
