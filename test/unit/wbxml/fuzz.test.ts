import { describe, expect, it } from 'vitest';
import { decodeWbxml } from '../../../src/core/wbxml/decode.ts';
import { encodeWbxml } from '../../../src/core/wbxml/encode.ts';
import { WbxmlError } from '../../../src/core/wbxml/errors.ts';
import { parseHex } from '../../../src/core/bytes/hex.ts';
import { canonicalXml } from '../../../src/core/xml/canonical.ts';
import { CP_S10_HEX, goldenPairs, handVectors, stringTableVectors } from './corpus.ts';

/** mulberry32: small, fast, seedable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 0x0ca11ab1e;
const INPUTS = 120_000;

describe('fuzzing the decoder (fixed seed)', () => {
  const seeds = [
    parseHex(CP_S10_HEX),
    ...goldenPairs().map((p) => p.wbxml),
    ...stringTableVectors().map((v) => v.wbxml),
    ...handVectors().map((v) => v.bytes),
  ];
  // Bytes a mutation likes to insert: global tokens and common tag/attribute tokens.
  const interesting = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x40, 0x43, 0x44, 0x80, 0x83, 0x84, 0xc3, 0xc4, 0x7f, 0xff,
  ];

  it(`only WbxmlError comes out of ${INPUTS} mutated and random inputs, and decoding still works afterwards`, () => {
    const random = rng(SEED);
    const int = (n: number) => Math.floor(random() * n);
    const counts: Record<string, number> = {};
    let decodedOk = 0;
    const badOffsets: number[] = [];
    for (let i = 0; i < INPUTS; i++) {
      let input: Uint8Array;
      const kind = i % 10;
      if (kind === 0) {
        // Random bytes, half of them behind a valid header.
        const body = new Uint8Array(int(200));
        for (let k = 0; k < body.length; k++) body[k] = int(256);
        const headers = [
          [0x03, 0x0b, 0x6a, 0x00],
          [0x02, 0xa4, 0x01, 0x6a, 0x00],
        ];
        const header = random() < 0.5 ? headers[int(2)]! : [];
        input = new Uint8Array([...header, ...body]);
      } else {
        const base = seeds[int(seeds.length)]!;
        const bytes = Array.from(base);
        const mutations = 1 + int(4);
        for (let m = 0; m < mutations; m++) {
          const at = int(bytes.length + 1);
          switch (int(7)) {
            case 0:
              bytes[at] = int(256);
              break;
            case 1:
              bytes[at] = (bytes[at] ?? 0) ^ (1 << int(8));
              break;
            case 2:
              bytes.splice(at, 0, interesting[int(interesting.length)]!);
              break;
            case 3:
              bytes.splice(at, 1 + int(8));
              break;
            case 4:
              bytes.length = Math.min(bytes.length, at);
              break;
            case 5: {
              // Duplicate a slice (repeats elements, strings, switches).
              const len = 1 + int(16);
              bytes.splice(at, 0, ...bytes.slice(at, at + len));
              break;
            }
            default:
              // A large mb_u_int32 where a length or index may be.
              bytes.splice(at, 0, 0x8f, 0xff, 0xff, 0xff, 0x7f);
          }
        }
        input = new Uint8Array(bytes);
      }
      try {
        const decoded = decodeWbxml(input);
        decodedOk++;
        if (decodedOk % 8 === 0) {
          // Whatever decodes must encode and decode back to the same document.
          const again = decodeWbxml(encodeWbxml(decoded.document)).document;
          if (canonicalXml(again) !== canonicalXml(decoded.document))
            throw new Error(`round trip changed input ${i}`);
        }
      } catch (error) {
        if (!(error instanceof WbxmlError)) throw error;
        // Plain checks: `expect` per input would dominate the run time.
        if (!(error.offset >= 0 && error.offset <= input.length)) badOffsets.push(i);
        counts[error.code] = (counts[error.code] ?? 0) + 1;
      }
    }
    expect(badOffsets).toEqual([]);
    // The run exercised many different failure paths and many successes.
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(8);
    expect(decodedOk).toBeGreaterThan(1000);
    // The decoder keeps working.
    expect(decodeWbxml(parseHex(CP_S10_HEX)).document.root.name).toBe('wap-provisioningdoc');
  });
});
