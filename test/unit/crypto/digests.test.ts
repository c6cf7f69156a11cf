import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacMd5, hmacSha1, hmacSha256, md5, sha1, sha256 } from '../../../src/core/crypto/index.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
const repeat = (byte: number, count: number): Uint8Array => new Uint8Array(count).fill(byte);

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function pseudoRandom(length: number, seed: number): Uint8Array {
  let x = seed || 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('md5: RFC 1321 appendix A.5 test suite', () => {
  const suite: Array<[string, string]> = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ];
  it.each(suite)('MD5(%j)', (input, expected) => {
    expect(hex(md5(ascii(input)))).toBe(expected);
  });
});

describe('sha1: FIPS 180 / RFC 3174 section 7.3 tests', () => {
  it('TEST1 "abc"', () => {
    expect(hex(sha1(ascii('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
  it('TEST2 two-block message', () => {
    expect(hex(sha1(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });
  it('TEST3 one million "a"', () => {
    expect(hex(sha1(repeat(0x61, 1_000_000)))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });
  it('TEST4 "01234567" x 80', () => {
    expect(hex(sha1(ascii('01234567'.repeat(80))))).toBe('dea356a2cddd90c7a7ecedc5ebb563934f460452');
  });
  it('empty input', () => {
    expect(hex(sha1(new Uint8Array()))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });
});

describe('sha256: FIPS 180-2 appendix B', () => {
  it('"abc"', () => {
    expect(hex(sha256(ascii('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
  it('two-block message', () => {
    expect(hex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });
  it('empty input', () => {
    expect(hex(sha256(new Uint8Array()))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});

describe('hmac: RFC 2202 test cases', () => {
  const md5Cases: Array<[string, Uint8Array, Uint8Array, string]> = [
    ['1', repeat(0x0b, 16), ascii('Hi There'), '9294727a3638bb1c13f48ef8158bfc9d'],
    ['2', ascii('Jefe'), ascii('what do ya want for nothing?'), '750c783e6ab0b503eaa86e310a5db738'],
    ['3', repeat(0xaa, 16), repeat(0xdd, 50), '56be34521d144c88dbb8c733f0e8b3f6'],
    [
      '4',
      fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
      repeat(0xcd, 50),
      '697eaf0aca3a3aea3a75164746ffaa79',
    ],
    ['5', repeat(0x0c, 16), ascii('Test With Truncation'), '56461ef2342edc00f9bab995690efd4c'],
    [
      '6',
      repeat(0xaa, 80),
      ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
      '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd',
    ],
    [
      '7',
      repeat(0xaa, 80),
      ascii('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
      '6f630fad67cda0ee1fb1f562db3aa53e',
    ],
  ];
  it.each(md5Cases)('HMAC-MD5 case %s', (_name, key, data, expected) => {
    expect(hex(hmacMd5(key, data))).toBe(expected);
  });

  const sha1Cases: Array<[string, Uint8Array, Uint8Array, string]> = [
    ['1', repeat(0x0b, 20), ascii('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
    ['2', ascii('Jefe'), ascii('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
    ['3', repeat(0xaa, 20), repeat(0xdd, 50), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
    [
      '4',
      fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
      repeat(0xcd, 50),
      '4c9007f4026250c6bc8414f9bf50c86c2d7235da',
    ],
    ['5', repeat(0x0c, 20), ascii('Test With Truncation'), '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04'],
    [
      '6',
      repeat(0xaa, 80),
      ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
      'aa4ae5e15272d00e95705637ce8a3b55ed402112',
    ],
    [
      '7',
      repeat(0xaa, 80),
      ascii('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
      'e8e99d0f45237d786d6bbaa7965c7808bbff1a91',
    ],
  ];
  it.each(sha1Cases)('HMAC-SHA1 case %s', (_name, key, data, expected) => {
    expect(hex(hmacSha1(key, data))).toBe(expected);
  });

  it('HMAC-SHA256 RFC 4231 case 2', () => {
    expect(hex(hmacSha256(ascii('Jefe'), ascii('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('against node:crypto on every length 0..300', () => {
  const lengths = Array.from({ length: 301 }, (_, i) => i);
  it('md5, sha1, sha256', () => {
    for (const length of lengths) {
      const data = pseudoRandom(length, length + 17);
      expect(hex(md5(data)), `md5 len ${length}`).toBe(createHash('md5').update(data).digest('hex'));
      expect(hex(sha1(data)), `sha1 len ${length}`).toBe(createHash('sha1').update(data).digest('hex'));
      expect(hex(sha256(data)), `sha256 len ${length}`).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
  it('hmacs with keys of lengths around the block size', () => {
    for (const keyLength of [0, 1, 16, 20, 55, 56, 63, 64, 65, 100, 129]) {
      for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300]) {
        const key = pseudoRandom(keyLength, keyLength * 7 + 3);
        const data = pseudoRandom(length, length * 13 + 5);
        const label = `key ${keyLength} data ${length}`;
        expect(hex(hmacMd5(key, data)), label).toBe(createHmac('md5', key).update(data).digest('hex'));
        expect(hex(hmacSha1(key, data)), label).toBe(createHmac('sha1', key).update(data).digest('hex'));
        expect(hex(hmacSha256(key, data)), label).toBe(createHmac('sha256', key).update(data).digest('hex'));
      }
    }
  });
  it('works on a subarray view with a non-zero byte offset', () => {
    const backing = pseudoRandom(200, 99);
    const view = backing.subarray(37, 150);
    expect(hex(md5(view))).toBe(createHash('md5').update(view).digest('hex'));
    expect(hex(sha1(view))).toBe(createHash('sha1').update(view).digest('hex'));
    expect(hex(hmacSha1(backing.subarray(3, 9), view))).toBe(
      createHmac('sha1', backing.subarray(3, 9)).update(view).digest('hex'),
    );
  });
  it('does not modify its input', () => {
    const data = pseudoRandom(70, 5);
    const copy = data.slice();
    md5(data);
    sha1(data);
    sha256(data);
    hmacSha1(data, data);
    expect(data).toEqual(copy);
  });
});
