import { describe, expect, it } from 'vitest';
import { systemRandom } from '../../../src/adapters/system-random.ts';

describe('systemRandom', () => {
  it('fills every byte, also past the 64 KiB a single getRandomValues call allows', () => {
    const n = 65536 * 2 + 10;
    const bytes = systemRandom.bytes(n);
    expect(bytes.length).toBe(n);
    // Each 64 KiB block and the tail were filled (ten zero bytes in a row: 2^-80).
    for (const at of [0, 65536, 131072]) expect(bytes.subarray(at, at + 10).some((b) => b !== 0)).toBe(true);
    expect(systemRandom.bytes(16)).not.toEqual(systemRandom.bytes(16));
  });
});
