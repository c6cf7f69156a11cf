import type { Random } from '../core/ports.ts';

// getRandomValues fills at most 64 KiB a call.
const MAX_FILL = 65536;

/** The platform's cryptographic random bytes (Web Crypto: the browser and Node alike). */
export const systemRandom: Random = {
  bytes(n) {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += MAX_FILL) crypto.getRandomValues(out.subarray(at, at + MAX_FILL));
    return out;
  },
};
