import { describe, expect, it } from 'vitest';
import { decodeWbxml, type WbxmlDecodeOptions } from '../../../src/core/wbxml/decode.ts';
import { WbxmlError } from '../../../src/core/wbxml/errors.ts';
import { encodeWbxml } from '../../../src/core/wbxml/encode.ts';
import { element, text } from '../../../src/core/wbxml/document.ts';
import { parseHex } from '../../../src/core/bytes/hex.ts';
import { CP_S10_HEX, goldenPairs, handVectors } from './corpus.ts';

function failure(bytes: Uint8Array | string, options?: WbxmlDecodeOptions): WbxmlError {
  const input = typeof bytes === 'string' ? parseHex(bytes, { allowWhitespace: true }) : bytes;
  try {
    decodeWbxml(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(WbxmlError);
    return error as WbxmlError;
  }
  throw new Error('expected a WbxmlError');
}

describe('truncated input is told apart from malformed input', () => {
  const inputs = [
    parseHex(CP_S10_HEX),
    ...goldenPairs().map((p) => p.wbxml),
    ...handVectors().map((v) => v.bytes),
  ];

  it('every proper prefix of every vector fails with `truncated` at the end of the input', () => {
    let checked = 0;
    for (const full of inputs) {
      for (let n = 0; n < full.length; n++) {
        const e = failure(full.subarray(0, n));
        expect(e.code, `prefix ${n} of ${full.length}`).toBe('truncated');
        expect(e.offset).toBe(n);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(9_000);
  });
});

describe('malformed input: stable codes and byte offsets', () => {
  it.each([
    ['bad-version', '04 0B 6A 00 45', 0],
    ['bad-public-id', '03 9F 7F 6A 00 45', 1],
    ['bad-public-id', '03 01 6A 00 45', 1],
    ['unsupported-charset', '03 0B 83 6F 00 45', 2], // MIBenum 1007 (UCS-2)
    ['bad-integer', '03 0B 6A 80 80 80 80 80 00', 3],
    ['bad-integer', '03 0B 6A 9F FF FF FF 7F', 3], // above 2^32-1
    ['unknown-token', '03 0B 6A 00 08', 4], // tag 0x08 not on PROV page 0
    ['unknown-token', '03 0B 6A 00 85 4D 01', 5], // attribute-start 0x4D unassigned
    ['unknown-token', '03 0B 6A 00 85 50 FF 01', 6], // attribute value 0xFF undefined
    ['unknown-token', '03 A4 01 6A 00 6D 80 01 01', 6], // EXT_T_0 in SyncML content
    ['unknown-token', '03 A4 01 6A 00 6D 43 01', 6], // PI
    ['bad-string-ref', '03 0B 6A 02 61 00 C5 05 83 02 01 01', 8], // STR_T 2 beyond a 2-byte table
    ['bad-string-ref', '03 0B 6A 02 61 62 C5 05 83 00 01 01', 8], // string without NUL
    ['bad-utf8', '03 A4 01 6A 00 6D 03 C3 28 00 01', 7],
    ['bad-entity', '03 A4 01 6A 00 6D 02 83 EF FF 7F 01', 6], // ENTITY above U+10FFFF
    ['bad-structure', '03 0B 6A 00 85 03 61 00 01', 5], // value before any attribute start
    ['bad-structure', '03 A4 01 6A 00 01', 5], // END where the root element should be
    ['trailing-bytes', '03 0B 6A 00 05 05', 5],
  ] as const)('%s: %s', (code, hex, offset) => {
    const e = failure(hex);
    expect(e.code).toBe(code);
    expect(e.offset).toBe(offset);
    expect(e.details.offset).toBe(offset);
    expect(e.message.length).toBeGreaterThan(10);
  });

  it('decodes an unknown public id when told the language (like wbxml2xml -l)', () => {
    const d = decodeWbxml(parseHex('03 01 6A 00 05', { allowWhitespace: true }), { language: 'prov' });
    expect(d.document.root.name).toBe('wap-provisioningdoc');
    expect(d.publicIdNumber).toBe(1);
  });

  it('accepts ISO-8859-1 strings and reports the charset', () => {
    const d = decodeWbxml(parseHex('03 A4 01 04 00 6D 03 E9 00 01', { allowWhitespace: true }));
    expect(d.charset).toBe(4);
    expect(d.document.root.children).toEqual([text('é')]);
  });
});

describe('limits', () => {
  const deep = (depth: number) => {
    let el = element('Data', [], [text('x')]);
    for (let i = 0; i < depth - 1; i++) el = element('Item', [], [el]);
    return encodeWbxml({ publicId: '-//SYNCML//DTD SyncML 1.2//EN', root: el });
  };

  it('maxDepth', () => {
    expect(() => decodeWbxml(deep(100), { maxDepth: 100 })).not.toThrow();
    const e = failure(deep(101), { maxDepth: 100 });
    expect(e.code).toBe('limit-exceeded');
  });

  it('default depth limit stops a 100,000-deep document without a stack overflow', () => {
    const n = 100_000;
    const bytes = new Uint8Array(5 + n + n);
    bytes.set([0x03, 0xa4, 0x01, 0x6a, 0x00]);
    bytes.fill(0x54, 5, 5 + n); // Item with content, nested
    bytes.fill(0x01, 5 + n);
    expect(failure(bytes).code).toBe('limit-exceeded');
    expect(decodeWbxml(bytes, { maxDepth: n }).document.root.name).toBe('Item');
  });

  it('maxElements', () => {
    const many = element(
      'SyncML',
      [],
      Array.from({ length: 50 }, () => element('Final')),
    );
    const bytes = encodeWbxml({ publicId: null, root: many });
    expect(decodeWbxml(bytes, { maxElements: 51 }).document.root.children).toHaveLength(50);
    expect(failure(bytes, { maxElements: 50 }).code).toBe('limit-exceeded');
  });

  it('maxStringLength applies to inline strings, OPAQUE and the string table before allocating', () => {
    expect(failure('03 A4 01 6A 00 6D 03 61 62 63 64 00 01', { maxStringLength: 3 }).code).toBe(
      'limit-exceeded',
    );
    // OPAQUE claiming 4 GiB-1 bytes: refused from the length alone.
    const e = failure('03 A4 01 6A 00 6D C3 8F FF FF FF 7F 01');
    expect(e.code).toBe('limit-exceeded');
    expect(e.offset).toBe(7);
    expect(failure('03 A4 01 6A 84 80 80 00', { maxStringLength: 1000 }).code).toBe('limit-exceeded');
    // A claimed length within the limit but beyond the input is truncation.
    expect(failure('03 A4 01 6A 00 6D C3 20 61 62').code).toBe('truncated');
  });

  it('maxInputBytes', () => {
    expect(failure(parseHex(CP_S10_HEX), { maxInputBytes: 100 }).code).toBe('limit-exceeded');
  });
});
