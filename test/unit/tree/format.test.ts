import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  encodeBase64,
  formatTStamp,
  isDate,
  isFloat,
  isTime,
  normalizeValue,
} from '../../../src/core/tree/format.ts';

describe('formats (TND 83 Format; AOSP testnewdatatype.xml examples in oma-dm.md §12.2)', () => {
  it('accepts the spec example values for float, date and time', () => {
    expect(isFloat('+1.23e+01')).toBe(true);
    expect(isDate('2005-10-18')).toBe(true);
    expect(isDate('2005-345')).toBe(true);
    expect(isTime('23:18:23')).toBe(true);
    expect(isTime('11:20:35+01:20')).toBe(true);
  });

  it('rejects bad values', () => {
    expect(isFloat('1.2.3')).toBe(false);
    expect(isDate('2005-13-01')).toBe(false);
    expect(isDate('2005-02-30')).toBe(false);
    expect(isDate('2005-366')).toBe(false);
    expect(isTime('25:00:00')).toBe(false);
    expect(normalizeValue('int', 'twelve')).toBeTypeOf('string');
    expect(normalizeValue('bool', 'yes')).toBeTypeOf('string');
    expect(normalizeValue('bool', 'true')).toEqual({ text: 'true' });
    expect(normalizeValue('null', 'x')).toBeTypeOf('string');
  });

  it('keeps bin as base64 text (RFC 4648 test vectors)', () => {
    expect(encodeBase64(new Uint8Array([0x66, 0x6f, 0x6f, 0x62]))).toBe('Zm9vYg==');
    expect([...decodeBase64('Zm9vYmE=')!]).toEqual([0x66, 0x6f, 0x6f, 0x62, 0x61]);
    expect(normalizeValue('bin', new Uint8Array([0x66, 0x6f, 0x6f]))).toEqual({ text: 'Zm9v' });
    expect(normalizeValue('bin', '!!')).toBeTypeOf('string');
  });

  it('writes TStamp in ISO 8601 basic UTC, as in the spec example 20010711T163817Z', () => {
    expect(formatTStamp(Date.UTC(2001, 6, 11, 16, 38, 17))).toBe('20010711T163817Z');
  });
});
