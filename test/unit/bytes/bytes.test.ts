import { describe, expect, it } from 'vitest';
import {
  ByteReader,
  ByteWriter,
  BytesError,
  decodeUtf8,
  encodeUtf8,
  hexByte,
  parseBase64,
  parseHex,
  toBase64,
  toHex,
  utf8Length,
} from '../../../src/core/bytes/index.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BytesError);
    return (e as BytesError).code;
  }
  throw new Error('expected a BytesError');
}

describe('mb_u_int32 / uintvar (WAP-192-WBXML §5.1)', () => {
  // Examples: wbxml.md §1 (0x1201 → A4 01) and WAP-230-WSP §8.1.2 style values.
  const cases: [number, string][] = [
    [0, '00'],
    [0x7f, '7f'],
    [0x80, '8100'],
    [0x1201, 'a401'],
    [0x0fd3, '9f53'],
    [0x3fff, 'ff7f'],
    [0x4000, '818000'],
    [0xffffffff, '8fffffff7f'],
  ];
  it.each(cases)('%i ↔ %s', (value, hex) => {
    const w = new ByteWriter();
    w.mbUint32(value);
    expect(toHex(w.finish())).toBe(hex);
    const r = new ByteReader(parseHex(hex));
    expect(r.mbUint32()).toBe(value);
    expect(r.atEnd()).toBe(true);
  });

  it('rejects 6-byte and over-32-bit integers and reports truncation', () => {
    expect(code(() => new ByteReader(parseHex('808080808000')).mbUint32())).toBe('bad-integer');
    expect(code(() => new ByteReader(parseHex('9fffffff7f')).mbUint32())).toBe('bad-integer');
    expect(code(() => new ByteReader(parseHex('8181')).mbUint32())).toBe('truncated');
  });
});

describe('ByteReader bounds', () => {
  it('never reads past the end', () => {
    const r = new ByteReader(parseHex('0102030400'));
    expect(r.u16be()).toBe(0x0102);
    expect(code(() => r.u32be())).toBe('truncated');
    expect(code(() => r.bytesView(4))).toBe('truncated');
    expect(Array.from(r.bytesView(2))).toEqual([3, 4]);
    expect(r.cString()).toBe('');
    expect(code(() => r.u8())).toBe('truncated');
    expect(code(() => new ByteReader(parseHex('6162')).cString())).toBe('truncated');
  });
});

describe('hex', () => {
  it('round trips and parses strictly', () => {
    expect(toHex(new Uint8Array([0, 0xab, 0xff]))).toBe('00abff');
    expect(Array.from(parseHex('00ABff'))).toEqual([0, 0xab, 0xff]);
    expect(Array.from(parseHex(' 00 ab\nff ', { allowWhitespace: true }))).toEqual([0, 0xab, 0xff]);
    expect(code(() => parseHex('0g'))).toBe('bad-hex');
    expect(code(() => parseHex('abc'))).toBe('bad-hex');
    expect(code(() => parseHex('00 11'))).toBe('bad-hex');
  });

  it('names one byte with two digits', () => {
    expect(hexByte(0x0a)).toBe('0a');
    expect(hexByte(0)).toBe('00');
    expect(hexByte(0xff)).toBe('ff');
  });
});

describe('base64 (RFC 4648 §10 test vectors)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];
  it.each(vectors)('"%s" ↔ "%s"', (plain, b64) => {
    expect(toBase64(encodeUtf8(plain))).toBe(b64);
    expect(decodeUtf8(parseBase64(b64))).toBe(plain);
  });

  it('is strict', () => {
    expect(code(() => parseBase64('Zg='))).toBe('bad-base64');
    expect(code(() => parseBase64('Zg'))).toBe('bad-base64');
    expect(code(() => parseBase64('Zh=='))).toBe('bad-base64'); // non-zero unused bits
    expect(code(() => parseBase64('Zm9v!'))).toBe('bad-base64');
    expect(code(() => parseBase64('Zg==Zg=='))).toBe('bad-base64');
    expect(code(() => parseBase64('Z==='))).toBe('bad-base64');
    expect(decodeUtf8(parseBase64('Zm9v\r\nYmFy', { allowWhitespace: true }))).toBe('foobar');
    expect(toBase64(new Uint8Array([0xfb, 0xff]), { url: true })).toBe('-_8');
    expect(Array.from(parseBase64('-_8', { url: true }))).toEqual([0xfb, 0xff]);
  });
});

describe('UTF-8', () => {
  it('decodes valid text, short and long paths alike', () => {
    const s = 'Grüße € 𝄞 ' + 'x'.repeat(100);
    const bytes = encodeUtf8(s);
    expect(utf8Length(s)).toBe(bytes.length);
    expect(decodeUtf8(bytes)).toBe(s);
    expect(decodeUtf8(bytes, 0, 12)).toBe('Grüße € ');
  });

  it.each([
    ['c328', 0], // bad continuation
    ['c0af', 0], // overlong
    ['e080af', 0], // overlong 3-byte
    ['eda080', 0], // surrogate
    ['f4908080', 0], // above U+10FFFF
    ['61e282', 1], // truncated sequence
    ['ff', 0],
  ])('rejects %s at offset %i', (hex, offset) => {
    try {
      decodeUtf8(parseHex(hex));
      throw new Error('expected failure');
    } catch (e) {
      expect((e as BytesError).code).toBe('bad-utf8');
      expect((e as BytesError).offset).toBe(offset);
    }
    // Same verdict on the TextDecoder path for long input.
    const long = new Uint8Array([...new Uint8Array(100).fill(0x61), ...parseHex(hex)]);
    expect(() => decodeUtf8(long)).toThrow(BytesError);
  });
});
