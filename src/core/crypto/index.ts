/**
 * Synchronous, pure-TypeScript digests for the core (see docs/decisions/0030).
 * WebCrypto has no MD5, is asynchronous and needs a secure context, while the DM
 * session engine and the CP security check are synchronous sans-I/O code.
 */
export { md5 } from './md5.ts';
export { sha1 } from './sha1.ts';
export { sha256 } from './sha256.ts';
export { hmac, hmacMd5, hmacSha1, hmacSha256 } from './hmac.ts';
export type { DigestFunction } from './hmac.ts';
