import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildPackage0,
  buildTrigger,
  package0Digest,
  parsePackage0,
  sessionIdForAlert,
  verifyPackage0,
} from '../../../src/core/dm/package0.ts';
import { Package0Error } from '../../../src/core/dm/errors.ts';

const md5 = (data: Buffer | string): Buffer => createHash('md5').update(data).digest();
/** Oracle for oma-dm.md §8: H( B64(H(serverId:password)) ":" nonce ":" B64(H(trigger)) ). */
function oracleDigest(serverId: string, password: string, nonce: Buffer, trigger: Buffer): Buffer {
  return md5(
    Buffer.concat([
      Buffer.from(md5(`${serverId}:${password}`).toString('base64')),
      Buffer.from(':'),
      nonce,
      Buffer.from(':'),
      Buffer.from(md5(trigger).toString('base64')),
    ]),
  );
}

/**
 * Hand-built trigger: version 11 = 0000001011, ui-mode 3, initiator 1, future-use 0,
 * session id 0x1A2B, server id "server.id" (9 bytes), vendor data "VD".
 *   byte 0: 00000010                = 0x02 (version bits 9..2)
 *   byte 1: 11 11 1 000             = 0xF8 (version bits 1..0, ui-mode, initiator, future-use 26..24)
 *   bytes 2-4: future-use 23..0     = 00 00 00
 *   bytes 5-6: session id           = 1A 2B
 *   byte 7: length-identifier       = 09
 */
const TRIGGER = Buffer.concat([
  Buffer.from([0x02, 0xf8, 0x00, 0x00, 0x00, 0x1a, 0x2b, 0x09]),
  Buffer.from('server.id'),
  Buffer.from('VD'),
]);
const PASSWORD = 'srvpwd';
const NONCE = Buffer.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);

describe('package 0 (oma-dm.md §8)', () => {
  it('parses the hand-built bit layout', () => {
    const digest = oracleDigest('server.id', PASSWORD, NONCE, TRIGGER);
    const pkg = parsePackage0(new Uint8Array(Buffer.concat([digest, TRIGGER])));
    expect(pkg).toEqual({
      digest: new Uint8Array(digest),
      version: 11,
      uiMode: 'user-interaction',
      initiator: 'server',
      futureUse: 0,
      sessionId: 0x1a2b,
      serverId: 'server.id',
      vendorData: new Uint8Array(Buffer.from('VD')),
      trigger: new Uint8Array(TRIGGER),
    });
    expect(sessionIdForAlert(pkg.sessionId)).toBe('1A2B');
  });

  it('builds the same bytes and a digest equal to the node:crypto oracle', () => {
    const fields = {
      uiMode: 'user-interaction',
      initiator: 'server',
      sessionId: 0x1a2b,
      serverId: 'server.id',
      vendorData: new Uint8Array(Buffer.from('VD')),
    } as const;
    expect(buildTrigger(fields)).toEqual(new Uint8Array(TRIGGER));
    expect(package0Digest('server.id', PASSWORD, NONCE, TRIGGER)).toEqual(
      new Uint8Array(oracleDigest('server.id', PASSWORD, NONCE, TRIGGER)),
    );
    const built = buildPackage0(fields, { password: PASSWORD, nonce: NONCE });
    expect(built).toEqual(
      new Uint8Array(Buffer.concat([oracleDigest('server.id', PASSWORD, NONCE, TRIGGER), TRIGGER])),
    );
  });

  it('round-trips every ui mode and initiator, and reads future-use bits', () => {
    for (const uiMode of ['not-specified', 'background', 'informative', 'user-interaction'] as const) {
      for (const initiator of ['client', 'server'] as const) {
        const bytes = buildPackage0(
          { uiMode, initiator, sessionId: 7, serverId: 'dm.example.com' },
          { password: 'p', nonce: new Uint8Array(0) },
        );
        expect(parsePackage0(bytes)).toMatchObject({
          uiMode,
          initiator,
          sessionId: 7,
          version: 11,
          futureUse: 0,
        });
      }
    }
    // ui-mode 2 (informative) and initiator 0 -> byte 1 = 0xC0 | 0x20 = 0xE0; future-use bits 26..24 = 101, 23..0 = 0x000102
    const trigger = [0x02, 0xe5, 0x00, 0x01, 0x02, 0x00, 0x00, 0x01, 0x41];
    const pkg = parsePackage0(new Uint8Array([...new Array<number>(16).fill(0), ...trigger]));
    expect(pkg).toMatchObject({
      uiMode: 'informative',
      initiator: 'client',
      futureUse: 0x5000102,
      serverId: 'A',
    });
    expect(pkg.vendorData).toEqual(new Uint8Array(0));
    expect(
      buildTrigger({
        uiMode: 'informative',
        initiator: 'client',
        sessionId: 0,
        serverId: 'A',
        futureUse: 0x5000102,
      }),
    ).toEqual(new Uint8Array(trigger));
  });

  it('gives typed errors for truncated input and unaccepted versions', () => {
    const full = buildPackage0(
      { uiMode: 'background', initiator: 'server', sessionId: 1, serverId: 'srv' },
      { password: 'p', nonce: new Uint8Array(0) },
    );
    const err = (fn: () => unknown): Package0Error => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(Package0Error);
        return e as Package0Error;
      }
      throw new Error('no error');
    };
    expect(err(() => parsePackage0(full.slice(0, 23)))).toMatchObject({
      code: 'package0-truncated',
      offset: 23,
    });
    expect(err(() => parsePackage0(full.slice(0, full.length - 1)))).toMatchObject({
      code: 'package0-truncated',
    });
    // version 10 ("1.0"): 0000001010 -> bytes 02 80
    const v10 = full.slice();
    v10[17] = 0x80 | (v10[17]! & 0x3f);
    expect(err(() => parsePackage0(v10))).toMatchObject({
      code: 'package0-bad-version',
      details: { version: 10 },
    });
    expect(parsePackage0(v10, { acceptedVersions: [10] }).version).toBe(10);
    // 12 is accepted by default (decision 0044)
    const v12 = buildPackage0(
      { version: 12, uiMode: 'background', initiator: 'server', sessionId: 1, serverId: 'srv' },
      { password: 'p', nonce: new Uint8Array(0) },
    );
    expect(parsePackage0(v12).version).toBe(12);
    expect(err(() => parsePackage0(v12, { acceptedVersions: [11] }))).toMatchObject({
      code: 'package0-bad-version',
    });
    expect(
      err(() =>
        buildTrigger({ uiMode: 'background', initiator: 'server', sessionId: 0x10000, serverId: 's' }),
      ),
    ).toMatchObject({
      code: 'package0-field-range',
    });
  });

  it('verifies the digest with the stored nonce, then the fallback nonces', () => {
    const fields = { uiMode: 'background', initiator: 'server', sessionId: 0x2f, serverId: 'srv' } as const;
    const stored = new Uint8Array([9, 9, 9, 9]);
    const withStored = parsePackage0(buildPackage0(fields, { password: 'pw', nonce: stored }));
    expect(verifyPackage0(withStored, { password: 'pw', nonce: stored })).toEqual({
      ok: true,
      nonce: stored,
      nonceUsed: 'stored',
    });
    expect(verifyPackage0(withStored, { password: 'wrong', nonce: stored })).toEqual({ ok: false });

    const zero = parsePackage0(buildPackage0(fields, { password: 'pw', nonce: new Uint8Array(4) }));
    expect(verifyPackage0(zero, { password: 'pw', nonce: stored })).toMatchObject({
      ok: true,
      nonceUsed: 'fallback-zero-bytes',
      nonce: new Uint8Array(4),
    });
    const ascii = parsePackage0(
      buildPackage0(fields, { password: 'pw', nonce: new TextEncoder().encode('0x00000000') }),
    );
    expect(verifyPackage0(ascii, { password: 'pw', nonce: undefined })).toMatchObject({
      ok: true,
      nonceUsed: 'fallback-ascii',
    });
    expect(verifyPackage0(ascii, { password: 'pw', nonce: stored }, { allowFallback: false })).toEqual({
      ok: false,
    });
  });

  it('formats the session id as upper-case hex without leading zeros', () => {
    expect(sessionIdForAlert(0)).toBe('0');
    expect(sessionIdForAlert(10)).toBe('A');
    expect(sessionIdForAlert(0x00ab)).toBe('AB');
    expect(sessionIdForAlert(0x0fff)).toBe('FFF');
    expect(sessionIdForAlert(0xffff)).toBe('FFFF');
  });
});
