/**
 * Node formats and value checks [TND 83, Format; oma-dm.md §12.2]. Values of int, bool,
 * float, date, time, b64, bin and null are checked; a bad value is status 400 and an unknown
 * format 415 (project decision 0020). Example values are those of AOSP `testnewdatatype.xml`.
 */
import { toBase64 } from '../bytes/base64.ts';
import { utf8Length } from '../bytes/utf8.ts';
import type { NodeFormat, NodeValue } from './types.ts';

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Padded RFC 4648 base64: the core's one encoder, `toBase64` in bytes/base64.ts. */
export const encodeBase64 = (bytes: Uint8Array): string => toBase64(bytes);

export function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, '');
  if (!B64.test(clean)) return undefined;
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((clean.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n =
      (B64_ALPHABET.indexOf(clean[i]!) << 18) |
      (B64_ALPHABET.indexOf(clean[i + 1]!) << 12) |
      ((clean[i + 2] === '=' ? 0 : B64_ALPHABET.indexOf(clean[i + 2]!)) << 6) |
      (clean[i + 3] === '=' ? 0 : B64_ALPHABET.indexOf(clean[i + 3]!));
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= days[m - 1]!;
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** ISO 8601 dates: `YYYY-MM-DD`, `YYYYMMDD`, ordinal `YYYY-DDD` / `YYYYDDD` (example `2005-345`). */
export function isDate(text: string): boolean {
  let m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  if (m && (text.length === 8 || text.length === 10))
    return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})-?(\d{3})$/.exec(text);
  if (m) {
    const day = Number(m[2]);
    return day >= 1 && day <= (isLeap(Number(m[1])) ? 366 : 365);
  }
  return false;
}

/** ISO 8601 times: `hh:mm:ss` or `hhmmss`, optional fraction, optional `Z` or `±hh[:mm]` (example `11:20:35+01:20`). */
export function isTime(text: string): boolean {
  const m = /^(\d{2}):?(\d{2}):?(\d{2})(?:[.,]\d+)?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/.exec(text);
  if (!m) return false;
  const [, hh, mm, ss, , zh, zm] = m;
  if (Number(hh) > 24 || Number(mm) > 59 || Number(ss) > 60) return false;
  if (zh !== undefined && Number(zh) > 14) return false;
  if (zm !== undefined && Number(zm) > 59) return false;
  return true;
}

/** Floats as in the XML Schema lexical space (example `+1.23e+01`), plus INF, -INF and NaN. */
export function isFloat(text: string): boolean {
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) || /^(?:[+-]?INF|NaN)$/.test(text);
}

/** Signed 32-bit integers in decimal (project decision 0020: DM 1.2 does not give the range). */
export function isInt(text: string): boolean {
  if (!/^[+-]?\d{1,10}$/.test(text)) return false;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647;
}

/**
 * Checks a value against a format and gives back its stored text (bin bytes → base64).
 * Returns a reason string when the value is not valid for the format.
 */
export function normalizeValue(format: NodeFormat, value: NodeValue | undefined): { text: string } | string {
  if (format === 'node')
    return value === undefined ? { text: '' } : 'an interior node (format node) has no value';
  if (value instanceof Uint8Array) {
    if (format === 'bin' || format === 'b64') return { text: encodeBase64(value) };
    return `bytes given for format ${format}`;
  }
  const text = value ?? '';
  switch (format) {
    case 'chr':
    case 'xml':
      return { text };
    case 'null':
      return text === '' ? { text } : 'a null node has no value';
    case 'int':
      return isInt(text) ? { text } : `"${text}" is not an int`;
    case 'bool':
      return text === 'true' || text === 'false' ? { text } : `"${text}" is not a bool (true or false)`;
    case 'float':
      return isFloat(text) ? { text } : `"${text}" is not a float`;
    case 'date':
      return isDate(text) ? { text } : `"${text}" is not an ISO 8601 date`;
    case 'time':
      return isTime(text) ? { text } : `"${text}" is not an ISO 8601 time`;
    case 'b64':
    case 'bin':
      return decodeBase64(text) ? { text: text.replace(/\s+/g, '') } : `"${text}" is not base64`;
  }
}

/** The Size property: decoded bytes for bin, UTF-8 bytes otherwise [TND 83, Size; oma-dm.md §10]. */
export function valueSize(format: NodeFormat, text: string): number {
  if (format === 'bin') return decodeBase64(text)?.length ?? 0;
  return utf8Length(text);
}

/** TStamp in ISO 8601 basic UTC, `20010711T163817Z` [TND 83, TStamp]. */
export function formatTStamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

export function nextVerNo(verNo: number): number {
  return (verNo + 1) & 0xffff;
}
