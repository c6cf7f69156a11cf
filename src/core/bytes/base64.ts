import { BytesError } from './errors.ts';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function table(alphabet: string): Int16Array {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
const STD_T = table(STD);
const URL_T = table(URL);

export interface Base64Options {
  /** RFC 4648 §5 alphabet (`-` and `_`). Default false. */
  url?: boolean;
}

/** RFC 4648 base64, padded (unpadded when `url` is set). */
export function toBase64(bytes: Uint8Array, options: Base64Options = {}): string {
  const alphabet = options.url ? URL : STD;
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (options.url ? '' : '==');
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out +=
      alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (options.url ? '' : '=');
  }
  return out;
}

export interface ParseBase64Options extends Base64Options {
  /** Skip ASCII whitespace (line breaks in MIME-style base64, as DM servers send). Default false. */
  allowWhitespace?: boolean;
  /** Accept input without `=` padding. Default: true for `url`, false otherwise. */
  allowMissingPadding?: boolean;
}

/**
 * Strict base64 parse: only alphabet characters, padding only at the end and only as much as
 * needed, unused trailing bits zero. Errors are `bad-base64` with the character offset.
 */
export function parseBase64(text: string, options: ParseBase64Options = {}): Uint8Array {
  const t = options.url ? URL_T : STD_T;
  const allowMissingPadding = options.allowMissingPadding ?? options.url ?? false;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let count = 0; // digits in the current quantum
  let pad = 0;
  let lastDigitAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (options.allowWhitespace && (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) continue;
    if (c === 0x3d) {
      // '='
      if (count < 2 || count + pad >= 4) throw bad(`misplaced padding at offset ${i}`, i);
      pad++;
      continue;
    }
    const v = c < 128 ? (t[c] as number) : -1;
    if (v < 0) throw bad(`not a base64 character at offset ${i}: ${JSON.stringify(text[i])}`, i);
    if (pad > 0) throw bad(`data after padding at offset ${i}`, i);
    acc = (acc << 6) | v;
    count++;
    lastDigitAt = i;
    if (count === 4) {
      out[n++] = (acc >> 16) & 0xff;
      out[n++] = (acc >> 8) & 0xff;
      out[n++] = acc & 0xff;
      acc = 0;
      count = 0;
    }
  }
  if (count === 1) throw bad('a single base64 digit cannot end the data', text.length);
  if (count > 0) {
    if (pad === 0 && !allowMissingPadding) throw bad('missing padding', text.length);
    if (pad > 0 && count + pad !== 4) throw bad('wrong amount of padding', text.length);
    if (count === 2) {
      if ((acc & 0x0f) !== 0) throw bad(`non-zero unused bits at offset ${lastDigitAt}`, lastDigitAt);
      out[n++] = (acc >> 4) & 0xff;
    } else {
      if ((acc & 0x03) !== 0) throw bad(`non-zero unused bits at offset ${lastDigitAt}`, lastDigitAt);
      out[n++] = (acc >> 10) & 0xff;
      out[n++] = (acc >> 2) & 0xff;
    }
  } else if (pad > 0) {
    throw bad('padding without data', text.length);
  }
  return out.slice(0, n);
}

function bad(message: string, offset: number): BytesError {
  return new BytesError('bad-base64', message, offset);
}
