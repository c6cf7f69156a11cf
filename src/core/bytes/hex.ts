import { BytesError } from './errors.ts';

const HEX = '0123456789abcdef';

/** One byte as two lower-case hex digits (`0x0a` → `0a`); for labels and messages that name a byte. */
export function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Lower-case hex, two digits per byte, no separators. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

export interface ParseHexOptions {
  /** Skip ASCII whitespace anywhere (spaces, tabs, newlines), e.g. in hex dumps. Default false. */
  allowWhitespace?: boolean;
}

function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Strict hex parse: digits in either case, an even count. `bad-hex` carries the character
 * offset of the first offending character (or the text length for an odd digit count).
 */
export function parseHex(text: string, options: ParseHexOptions = {}): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  let n = 0;
  let high = -1;
  let highAt = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (options.allowWhitespace && isSpace(c)) continue;
    const v = nibble(c);
    if (v < 0)
      throw new BytesError('bad-hex', `not a hex digit at offset ${i}: ${JSON.stringify(text[i])}`, i);
    if (high < 0) {
      high = v;
      highAt = i;
    } else {
      out[n++] = (high << 4) | v;
      high = -1;
    }
  }
  if (high >= 0) {
    throw new BytesError('bad-hex', `odd number of hex digits (last one at offset ${highAt})`, text.length);
  }
  return n === out.length ? out : out.slice(0, n);
}
