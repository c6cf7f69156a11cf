/**
 * Merkle–Damgård padding shared by MD5, SHA-1 and SHA-256: append 0x80, zeros up to
 * 56 mod 64, then the message length in bits as a 64-bit integer (little-endian for MD5,
 * big-endian for the SHA family). Returns a fresh buffer whose length is a multiple of 64.
 */
export function padMessage(data: Uint8Array, endian: 'little' | 'big'): Uint8Array {
  const length = data.length;
  const padded = new Uint8Array((((length + 8) >> 6) + 1) << 6);
  padded.set(data);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  // Bit length split into two 32-bit halves; inputs up to 2^53 bits are exact.
  const bitsLow = (length * 8) >>> 0;
  const bitsHigh = Math.floor(length / 0x20000000) >>> 0;
  const end = padded.length;
  if (endian === 'little') {
    view.setUint32(end - 8, bitsLow, true);
    view.setUint32(end - 4, bitsHigh, true);
  } else {
    view.setUint32(end - 8, bitsHigh, false);
    view.setUint32(end - 4, bitsLow, false);
  }
  return padded;
}
