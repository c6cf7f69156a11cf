import { BytesError } from './errors.ts';

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Below this length a hand-written loop beats TextDecoder's per-call overhead. */
const SHORT = 48;
const units: number[] = [];

/**
 * Strict UTF-8 decode of `bytes[start, end)`. Invalid sequences (overlongs, surrogates,
 * code points above U+10FFFF, truncated sequences) throw `bad-utf8`; `offsetBase` is added to
 * the offset reported in the error so callers can report positions in their own input.
 */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length, offsetBase = start): string {
  const length = end - start;
  if (length <= SHORT) {
    units.length = 0;
    let i = start;
    while (i < end) {
      const b0 = bytes[i] as number;
      if (b0 < 0x80) {
        units.push(b0);
        i++;
        continue;
      }
      let cp: number;
      let need: number;
      let min: number;
      if (b0 >= 0xc2 && b0 <= 0xdf) {
        cp = b0 & 0x1f;
        need = 1;
        min = 0x80;
      } else if (b0 >= 0xe0 && b0 <= 0xef) {
        cp = b0 & 0x0f;
        need = 2;
        min = 0x800;
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        cp = b0 & 0x07;
        need = 3;
        min = 0x10000;
      } else {
        throw badUtf8(offsetBase + (i - start));
      }
      if (i + need >= end) throw badUtf8(offsetBase + (i - start));
      for (let k = 1; k <= need; k++) {
        const b = bytes[i + k] as number;
        if ((b & 0xc0) !== 0x80) throw badUtf8(offsetBase + (i - start));
        cp = (cp << 6) | (b & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        throw badUtf8(offsetBase + (i - start));
      if (cp >= 0x10000) {
        cp -= 0x10000;
        units.push(0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
      } else {
        units.push(cp);
      }
      i += need + 1;
    }
    return String.fromCharCode.apply(null, units);
  }
  try {
    return fatalDecoder.decode(bytes.subarray(start, end));
  } catch {
    throw badUtf8(offsetBase + firstInvalidUtf8(bytes, start, end) - start);
  }
}

function badUtf8(offset: number): BytesError {
  return new BytesError('bad-utf8', `invalid UTF-8 at offset ${offset}`, offset);
}

/** Offset of the first byte that starts an invalid UTF-8 sequence, or `end` if all valid. */
function firstInvalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const chunkEnd = Math.min(end, i + SHORT);
    // Move the chunk end back to a sequence boundary so valid input never looks truncated.
    let cut = chunkEnd;
    if (cut < end) {
      let back = 0;
      while (back < 3 && cut - back > i && ((bytes[cut - back] as number) & 0xc0) === 0x80) back++;
      cut -= back;
      if (cut <= i) cut = chunkEnd;
    }
    try {
      decodeUtf8(bytes, i, cut, i);
    } catch (error) {
      if (error instanceof BytesError) return error.offset;
      throw error;
    }
    i = cut;
  }
  return end;
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    fatalDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Number of UTF-8 bytes `text` encodes to (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Writes the UTF-8 encoding of `text` into `buf` at `pos` and returns the new position.
 * The caller guarantees room for `text.length * 3` bytes (or `utf8Length(text)`).
 */
export function encodeUtf8Into(text: string, buf: Uint8Array, pos: number): number {
  const n = text.length;
  if (n > 64) return pos + encoder.encodeInto(text, buf.subarray(pos)).written;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          buf[pos++] = 0xf0 | (cp >> 18);
          buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[pos++] = 0x80 | (cp & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}
