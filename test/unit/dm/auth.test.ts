import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AUTH_BASIC,
  AUTH_MAC,
  AUTH_MD5,
  authTypeFromAAuthType,
  basicCredential,
  buildChal,
  buildCred,
  buildHmacHeader,
  computeMac,
  decodeNonce,
  md5Digest,
  md5DigestFromHash,
  parseChal,
  parseHmacHeader,
  userHash,
  verifyCred,
  verifyHmac,
} from '../../../src/core/dm/auth.ts';
import { DmError } from '../../../src/core/dm/errors.ts';

/** Oracle: the formulas of oma-dm.md §7 computed with node:crypto. */
const md5 = (data: Buffer | string): Buffer => createHash('md5').update(data).digest();
const b64 = (data: Buffer): string => data.toString('base64');
function oracleMd5(name: string, password: string, nonce: Buffer): string {
  return b64(md5(Buffer.concat([Buffer.from(b64(md5(`${name}:${password}`))), Buffer.from(':'), nonce])));
}
function oracleMac(name: string, password: string, nonce: Buffer, body: Buffer): string {
  return b64(
    md5(
      Buffer.concat([
        Buffer.from(b64(md5(`${name}:${password}`))),
        Buffer.from(':'),
        nonce,
        Buffer.from(':'),
        Buffer.from(b64(md5(body))),
      ]),
    ),
  );
}

const bruce = { name: 'Bruce2', password: 'OhBehave' };
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('syncml:auth-basic (oma-dm.md §7.1)', () => {
  it('matches the spec example Bruce2 / OhBehave', () => {
    expect(basicCredential(bruce)).toBe('QnJ1Y2UyOk9oQmVoYXZl');
    expect(buildCred(AUTH_BASIC, bruce)).toEqual({
      Meta: { Type: 'syncml:auth-basic', Format: 'b64' },
      Data: 'QnJ1Y2UyOk9oQmVoYXZl',
    });
  });

  it('verifies basic credentials and rejects a wrong password or name', () => {
    const cred = buildCred(AUTH_BASIC, bruce);
    expect(verifyCred(cred, bruce, undefined)).toEqual({ ok: true, type: AUTH_BASIC });
    expect(verifyCred(cred, { ...bruce, password: 'x' }, undefined)).toMatchObject({
      ok: false,
      reason: 'wrong-credentials',
    });
    expect(verifyCred(cred, { ...bruce, name: 'Bruce3' }, undefined)).toMatchObject({
      ok: false,
      reason: 'wrong-name',
    });
    expect(verifyCred(undefined, bruce, undefined)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('syncml:auth-md5 (oma-dm.md §7.2)', () => {
  it('matches the spec example: nonce "Nonce" gives Zz6EivR3yeaaENcRN6lpAQ==', () => {
    expect(md5Digest(bruce, bytes('Nonce'))).toBe('Zz6EivR3yeaaENcRN6lpAQ==');
    expect(oracleMd5('Bruce2', 'OhBehave', Buffer.from('Nonce'))).toBe('Zz6EivR3yeaaENcRN6lpAQ==');
  });

  it('uses the raw nonce bytes (not the base64 text), against the node:crypto oracle', () => {
    const nonce = new Uint8Array([0x00, 0xff, 0x10, 0x80, 0x7f, 0x3a, 0x0a, 0xc3]);
    expect(md5Digest(bruce, nonce)).toBe(oracleMd5('Bruce2', 'OhBehave', Buffer.from(nonce)));
    expect(md5Digest(bruce, nonce)).not.toBe(md5Digest(bruce, bytes(Buffer.from(nonce).toString('base64'))));
    // the authenticator only needs B64(H(name:password))
    expect(userHash(bruce)).toBe(b64(md5('Bruce2:OhBehave')));
    expect(md5DigestFromHash(userHash(bruce), nonce)).toBe(md5Digest(bruce, nonce));
  });

  it('builds a Cred with Format b64 and needs a nonce', () => {
    expect(buildCred(AUTH_MD5, bruce, bytes('Nonce'))).toEqual({
      Meta: { Type: 'syncml:auth-md5', Format: 'b64' },
      Data: 'Zz6EivR3yeaaENcRN6lpAQ==',
    });
    expect(() => buildCred(AUTH_MD5, bruce)).toThrow(DmError);
  });

  it('verifies md5 both ways, with the AOSP base64-text nonce lenience and type checks', () => {
    const nonce = decodeNonce('bk9uQ0U=');
    const cred = buildCred(AUTH_MD5, bruce, nonce);
    expect(verifyCred(cred, bruce, nonce, { locName: 'Bruce2' })).toEqual({
      ok: true,
      type: AUTH_MD5,
      nonceForm: 'decoded',
    });
    expect(verifyCred(cred, bruce, nonce, { locName: 'Other' })).toMatchObject({
      ok: false,
      reason: 'wrong-name',
    });
    expect(verifyCred(cred, bruce, bytes('other'))).toMatchObject({ ok: false, reason: 'wrong-credentials' });
    expect(verifyCred(cred, bruce, nonce, { expectedType: AUTH_BASIC })).toMatchObject({
      ok: false,
      reason: 'type-mismatch',
    });
    // a peer that digested the base64 text of the nonce
    const textCred = {
      Meta: { Type: 'SYNCML:AUTH-MD5', Format: 'b64' },
      Data: md5Digest(bruce, bytes('bk9uQ0U=')),
    };
    expect(verifyCred(textCred, bruce, nonce)).toEqual({
      ok: true,
      type: AUTH_MD5,
      nonceForm: 'base64-text',
    });
    expect(verifyCred(textCred, bruce, nonce, { tryBase64TextNonce: false })).toMatchObject({ ok: false });
    // a peer that drops the base64 padding
    const unpadded = { Meta: { Type: AUTH_MD5 }, Data: 'Zz6EivR3yeaaENcRN6lpAQ' };
    expect(verifyCred(unpadded, bruce, bytes('Nonce'))).toMatchObject({ ok: true });
    expect(verifyCred({ Meta: { Type: AUTH_MD5 }, Data: '%%' }, bruce, bytes('Nonce'))).toMatchObject({
      ok: false,
    });
  });
});

describe('HMAC / x-syncml-hmac (oma-dm.md §7.3)', () => {
  const body = bytes('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr>…</SyncHdr></SyncML>');
  const nonce = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  const robert = { name: 'Robert Jordan', password: 'wheel of time' };

  it('computes mac = B64(H(B64(H(name:password)):nonce:B64(H(body)))) like the oracle', () => {
    expect(computeMac(robert, nonce, body)).toBe(
      oracleMac(robert.name, robert.password, Buffer.from(nonce), Buffer.from(body)),
    );
    expect(buildHmacHeader(robert, nonce, body)).toBe(
      `algorithm=MD5, username="Robert Jordan", mac=${oracleMac(robert.name, robert.password, Buffer.from(nonce), Buffer.from(body))}`,
    );
  });

  it('parses the spec example and lenient variants', () => {
    const expected = {
      algorithm: 'MD5',
      username: 'Robert Jordan',
      mac: 'NTI2OTJhMDAwNjYxODkwYmQ3NWUxN2RhN2ZmYmJlMzk',
    };
    expect(
      parseHmacHeader(
        'algorithm=MD5, username="Robert Jordan", mac=NTI2OTJhMDAwNjYxODkwYmQ3NWUxN2RhN2ZmYmJlMzk',
      ),
    ).toEqual(expected);
    expect(
      parseHmacHeader('  MAC = NTI2OTJhMDAwNjYxODkwYmQ3NWUxN2RhN2ZmYmJlMzk ,Username = "Robert Jordan"'),
    ).toEqual(expected);
    expect(parseHmacHeader('username=bob,mac=abc=')).toEqual({
      algorithm: 'MD5',
      username: 'bob',
      mac: 'abc=',
    });
    expect(parseHmacHeader('algorithm=md5, username="a \\"q\\", b", mac=xyz')).toEqual({
      algorithm: 'md5',
      username: 'a "q", b',
      mac: 'xyz',
    });
    for (const bad of ['', 'username="bob"', 'mac=abc', 'garbage', 'username="x", mac=']) {
      expect(() => parseHmacHeader(bad), bad).toThrow(
        expect.objectContaining({ code: 'auth-hmac-header-malformed' }),
      );
    }
  });

  it('verifies over the exact bytes and rejects a tampered body, wrong name or algorithm', () => {
    const header = buildHmacHeader(robert, nonce, body);
    expect(verifyHmac(header, robert, nonce, body)).toEqual({ ok: true, nonceForm: 'decoded' });
    const tampered = body.slice();
    tampered[5] = (tampered[5] ?? 0) ^ 1;
    expect(verifyHmac(header, robert, nonce, tampered)).toEqual({ ok: false, reason: 'wrong-mac' });
    expect(verifyHmac(header, { ...robert, name: 'Rand' }, nonce, body)).toEqual({
      ok: false,
      reason: 'wrong-name',
    });
    expect(verifyHmac(header.replace('MD5', 'SHA1'), robert, nonce, body)).toEqual({
      ok: false,
      reason: 'unsupported-algorithm',
    });
    expect(verifyHmac(undefined, robert, nonce, body)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyHmac('nonsense', robert, nonce, body)).toEqual({ ok: false, reason: 'malformed' });
    const textNonce = bytes(Buffer.from(nonce).toString('base64'));
    expect(verifyHmac(buildHmacHeader(robert, textNonce, body), robert, nonce, body)).toEqual({
      ok: true,
      nonceForm: 'base64-text',
    });
  });
});

describe('Chal and nonces (oma-dm.md §7.4)', () => {
  it('decodes NextNonce from base64 to bytes', () => {
    expect(parseChal({ Meta: { Type: 'syncml:auth-md5', Format: 'b64', NextNonce: 'bk9uQ0U=' } })).toEqual({
      type: AUTH_MD5,
      format: 'b64',
      nextNonce: bytes('nOnCE'),
    });
    // whitespace and missing padding tolerated
    expect(parseChal({ Meta: { Type: 'syncml:auth-MAC', NextNonce: ' bk9u\nQ0U ' } }).nextNonce).toEqual(
      bytes('nOnCE'),
    );
  });

  it('takes the text as the nonce when it is not base64 or Format is not b64', () => {
    const chal = parseChal({ Meta: { Type: 'syncml:auth-md5', Format: 'b64', NextNonce: 'not base64!' } });
    expect(chal.nextNonce).toEqual(bytes('not base64!'));
    expect(chal.nonceWarning).toBeDefined();
    expect(parseChal({ Meta: { Type: 'x-custom', Format: 'chr', NextNonce: 'abc' } })).toEqual({
      type: 'x-custom',
      format: 'chr',
      nextNonce: bytes('abc'),
    });
  });

  it('builds a Chal that parses back to the same nonce', () => {
    const nonce = new Uint8Array([0, 255, 1, 254, 2]);
    const chal = buildChal(AUTH_MAC, nonce);
    expect(chal).toEqual({ Meta: { Type: 'syncml:auth-MAC', Format: 'b64', NextNonce: 'AP8B/gI=' } });
    expect(parseChal(chal).nextNonce).toEqual(nonce);
  });

  it('maps DMAcc AAuthType to the SyncML type and rejects bad nonces', () => {
    expect(authTypeFromAAuthType('DIGEST')).toBe(AUTH_MD5);
    expect(authTypeFromAAuthType('basic')).toBe(AUTH_BASIC);
    expect(authTypeFromAAuthType('HMAC')).toBe(AUTH_MAC);
    expect(authTypeFromAAuthType('X509')).toBeUndefined();
    expect(() => decodeNonce('*')).toThrow(expect.objectContaining({ code: 'auth-nonce-invalid' }));
  });
});
