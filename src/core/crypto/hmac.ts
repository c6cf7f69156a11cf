/** HMAC (RFC 2104) over the pure digests; block size 64 for MD5, SHA-1 and SHA-256. */
import { md5 } from './md5.ts';
import { sha1 } from './sha1.ts';
import { sha256 } from './sha256.ts';

export type DigestFunction = (data: Uint8Array) => Uint8Array;

const BLOCK_SIZE = 64;

/** HMAC with any 64-byte-block digest. Keys longer than a block are hashed first (RFC 2104 §2). */
export function hmac(digest: DigestFunction, key: Uint8Array, data: Uint8Array): Uint8Array {
  const k = key.length > BLOCK_SIZE ? digest(key) : key;
  const inner = new Uint8Array(BLOCK_SIZE + data.length);
  const outerKey = new Uint8Array(BLOCK_SIZE);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const byte = k[i] ?? 0;
    inner[i] = byte ^ 0x36;
    outerKey[i] = byte ^ 0x5c;
  }
  inner.set(data, BLOCK_SIZE);
  const innerHash = digest(inner);
  const outer = new Uint8Array(BLOCK_SIZE + innerHash.length);
  outer.set(outerKey);
  outer.set(innerHash, BLOCK_SIZE);
  return digest(outer);
}

/** HMAC-MD5 (RFC 2104), 16 bytes. */
export function hmacMd5(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(md5, key, data);
}

/** HMAC-SHA1 (RFC 2104), 20 bytes. The CP MAC of `oma-cp.md` §6.2. */
export function hmacSha1(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha1, key, data);
}

/** HMAC-SHA256 (RFC 4231), 32 bytes. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha256, key, data);
}
