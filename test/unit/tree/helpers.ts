import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import type { Clock } from '../../../src/core/ports.ts';

export const T0 = Date.UTC(2024, 10, 21, 10, 42, 0);

export function fixedClock(start = T0): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

export async function factoryTree(
  clock = fixedClock(),
): Promise<{ tree: ManagementTree; store: MemoryTreeStore }> {
  const store = new MemoryTreeStore();
  const tree = await ManagementTree.openWithFactory(store, clock, DEFAULT_IDENTITY);
  return { tree, store };
}
