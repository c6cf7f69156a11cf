import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { DEVICE, TNDS_MIME } from '../../../src/core/tree/types.ts';
import { fixedClock } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Bare module names reached from `file` through static (value) imports and re-exports. */
function staticPackages(file: string, seen = new Set<string>(), out = new Set<string>()): Set<string> {
  if (seen.has(file)) return out;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) staticPackages(resolve(dirname(file), spec), seen, out);
    else out.add(spec);
  }
  return out;
}

const TNDS = `<MgmtTree xmlns="syncml:dmddf1.2"><VerDTD>1.2</VerDTD><Node><NodeName>Lazy</NodeName><Path>.</Path>
<RTProperties><Format><node/></Format></RTProperties>
<Node><NodeName>Leaf</NodeName><RTProperties><Format><chr/></Format></RTProperties><Value>v</Value></Node></Node></MgmtTree>`;

describe('TNDS reader loaded on demand (decision 0170)', () => {
  it('keeps fast-xml-parser out of the static imports of the management tree', () => {
    const packages = staticPackages(resolve(ROOT, 'src/core/tree/tree.ts'));
    expect(packages.has('fast-xml-parser')).toBe(false);
    // The walk does reach the tree's own modules' packages: the reader module itself has it.
    expect(staticPackages(resolve(ROOT, 'src/core/tree/tnds.ts')).has('fast-xml-parser')).toBe(true);
  });

  it('batch loads the reader itself; check needs it loaded first', async () => {
    vi.resetModules(); // a fresh tree module: the reader not loaded yet
    const { ManagementTree } = await import('../../../src/core/tree/tree.ts');
    const { MemoryTreeStore } = await import('../../../src/adapters/memory-tree-store.ts');
    const tree = await ManagementTree.openWithFactory(new MemoryTreeStore(), fixedClock(), DEFAULT_IDENTITY);
    const op = { op: 'add' as const, uri: '.', type: TNDS_MIME, value: TNDS };
    expect(tree.check(DEVICE, [op])[0]).toMatchObject({ status: 500 });
    await ManagementTree.loadTndsParser();
    expect(tree.check(DEVICE, [op])[0]).toEqual({ status: 200 });
    expect(tree.size).toBeGreaterThan(0);
    expect(tree.record('./Lazy/Leaf')).toBeUndefined();

    vi.resetModules();
    const fresh = await import('../../../src/core/tree/tree.ts');
    const other = await fresh.ManagementTree.openWithFactory(
      new MemoryTreeStore(),
      fixedClock(),
      DEFAULT_IDENTITY,
    );
    expect((await other.batch(DEVICE, [op])).status).toBe(200);
    expect(other.record('./Lazy/Leaf')?.value).toBe('v');
  });
});
