import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeMac,
  explainMac,
  netwpinKey,
  PIN_ATTEMPT_LIMIT,
  signPush,
  userPinMacDigits,
  usernetwpinKey,
  userpinKey,
  verifyPush,
} from '../../../src/core/cp/security.ts';
import { KeyDerivationError } from '../../../src/core/cp/errors.ts';
import { IMSI, MACS, USERPINMAC_ENTRY, toHex, vector } from './vectors.ts';

const docA = vector('doc-a.wbxml.hex');
const dm = vector('dm-bootstrap.wbxml.hex');

describe('key derivation', () => {
  it('NETWPIN key of the oma-cp.md §6.3 example', () => {
    expect(toHex(netwpinKey(IMSI))).toBe('2926200233687472');
  });
  it('even-length IMSI gets parity 1 and a trailing F filler', () => {
    // nibbles 1 2 6 2 0 2 2 0 3 3 8 6 4 7 2 F -> pairs 12 62 02 20 33 86 47 2F -> swapped
    expect(toHex(netwpinKey('26202203386472'))).toBe('21262002336874F2');
  });
  it('short IMSI: exact rule uses only the octets needed, padded-15 is always 8 octets', () => {
    // 6 digits: nibbles 1 1 2 3 4 5 6 F -> 11 32 54 F6
    expect(toHex(netwpinKey('123456'))).toBe('113254F6');
    // padded-15: parity still 1 (real length even), then F up to 15 digits
    expect(toHex(netwpinKey('123456', 'padded-15'))).toBe('113254F6FFFFFFFF');
    expect(toHex(netwpinKey('1234567'))).toBe('19325476');
    expect(toHex(netwpinKey('1234567', 'padded-15'))).toBe('19325476FFFFFFFF');
  });
  it('14 and 15 digit IMSIs give the same key under both rules', () => {
    expect(netwpinKey(IMSI, 'padded-15')).toEqual(netwpinKey(IMSI));
    expect(netwpinKey('26202203386472', 'padded-15')).toEqual(netwpinKey('26202203386472'));
  });
  it('USERPIN and USERNETWPIN keys', () => {
    expect(toHex(userpinKey('1234'))).toBe('31323334');
    expect(toHex(usernetwpinKey(IMSI, '1234'))).toBe('292620023368747231323334');
  });
  it('rejects bad IMSIs and PINs with typed errors', () => {
    expect(() => netwpinKey('12345')).toThrow(KeyDerivationError);
    expect(() => netwpinKey('26202203386472x')).toThrow(expect.objectContaining({ code: 'bad-imsi' }));
    expect(() => netwpinKey('2620220338647271')).toThrow(expect.objectContaining({ code: 'bad-imsi' }));
    expect(() => userpinKey('')).toThrow(expect.objectContaining({ code: 'bad-pin' }));
    expect(() => userpinKey('12é4')).toThrow(expect.objectContaining({ code: 'bad-pin' }));
  });
});

describe('computeMac', () => {
  it('oma-cp.md §10: Document A, USERPIN 1234', () => {
    expect(docA.length).toBe(286);
    expect(computeMac(userpinKey('1234'), docA)).toBe('E29BF3FF98F0287675E404F7668DB0B2DC8F8F08');
  });
  it('openssl vectors for every key', () => {
    expect(computeMac(netwpinKey(IMSI), docA)).toBe(MACS.netwpin);
    expect(computeMac(usernetwpinKey(IMSI, '1234'), docA)).toBe(MACS.usernetwpin);
    expect(computeMac(netwpinKey(IMSI), dm)).toBe(MACS.dmBootstrap);
  });
  it('matches node:crypto for a key over 64 bytes', () => {
    const key = new Uint8Array(100).fill(7);
    expect(computeMac(key, docA)).toBe(createHmac('sha1', key).update(docA).digest('hex').toUpperCase());
  });
  it('USERPINMAC digits (openssl: D9 E4 AF CA A5 mod 10)', () => {
    expect(userPinMacDigits('12345', docA)).toBe('78525');
  });
});

describe('verifyPush', () => {
  it('NETWPIN authentic; MAC compared case-insensitively', () => {
    const v = verifyPush({ sec: 0, mac: MACS.netwpin, body: docA, imsi: IMSI });
    expect(v).toMatchObject({
      outcome: 'authentic',
      authentic: true,
      action: 'accept',
      method: 'NETWPIN',
      secCode: 0,
    });
    expect(verifyPush({ sec: 0, mac: MACS.netwpin.toLowerCase(), body: docA, imsi: IMSI }).outcome).toBe(
      'authentic',
    );
  });
  it('NETWPIN mismatch is dropped silently', () => {
    const v = verifyPush({ sec: 0, mac: MACS.netwpin, body: docA, imsi: '262022033864728' });
    expect(v).toMatchObject({ outcome: 'mac-mismatch', action: 'drop-silently', received: MACS.netwpin });
    expect(v.expected).toMatch(/^[0-9A-F]{40}$/);
  });
  it('a single changed body byte breaks the MAC', () => {
    const body = docA.slice();
    body[100] = (body[100] as number) ^ 1;
    expect(verifyPush({ sec: 1, mac: MACS.userpin, body, pin: '1234' }).outcome).toBe('mac-mismatch');
  });
  it('USERPIN: pin-required, then wrong PIN, then right PIN', () => {
    expect(verifyPush({ sec: 1, mac: MACS.userpin, body: docA })).toMatchObject({
      outcome: 'pin-required',
      action: 'ask-pin',
      method: 'USERPIN',
    });
    expect(verifyPush({ sec: 1, mac: MACS.userpin, body: docA, pin: '1235' })).toMatchObject({
      outcome: 'mac-mismatch',
      action: 'ask-pin',
    });
    expect(verifyPush({ sec: 1, mac: MACS.userpin, body: docA, pin: '1234' }).outcome).toBe('authentic');
  });
  it('USERNETWPIN needs both IMSI and PIN', () => {
    expect(verifyPush({ sec: 2, mac: MACS.usernetwpin, body: docA, pin: '1234' }).outcome).toBe(
      'imsi-required',
    );
    expect(verifyPush({ sec: 2, mac: MACS.usernetwpin, body: docA, imsi: IMSI }).outcome).toBe(
      'pin-required',
    );
    expect(verifyPush({ sec: 2, mac: MACS.usernetwpin, body: docA, imsi: IMSI, pin: '1234' }).outcome).toBe(
      'authentic',
    );
    expect(verifyPush({ sec: 2, mac: MACS.usernetwpin, body: docA, imsi: 'abc', pin: '1234' }).outcome).toBe(
      'bad-imsi',
    );
  });
  it('USERPINMAC: digits checked, MAC parameter ignored', () => {
    const ok = verifyPush({ sec: 3, mac: '0'.repeat(40), body: docA, pin: USERPINMAC_ENTRY });
    expect(ok).toMatchObject({
      outcome: 'authentic',
      method: 'USERPINMAC',
      macIgnored: true,
      expected: '78525',
    });
    expect(verifyPush({ sec: 3, body: docA, pin: '1234578526' })).toMatchObject({
      outcome: 'mac-mismatch',
      received: '78526',
      expected: '78525',
    });
    expect(verifyPush({ sec: 3, body: docA }).outcome).toBe('pin-required');
  });
  it('USERPINMAC: malformed entries', () => {
    for (const pin of ['123457852', '12345a8525', '12347852']) {
      expect(verifyPush({ sec: 3, body: docA, pin }).outcome, pin).toBe('malformed-pin');
    }
    expect(verifyPush({ sec: 3, body: docA, pin: '12347852' }).message).toContain('MediaTek');
    expect(verifyPush({ sec: 3, body: docA, pin: '1'.repeat(42) }).outcome).toBe('malformed-pin');
    // a lower minimum can be configured (MediaTek: 8)
    const four = '1234' + userPinMacDigits('1234', docA);
    expect(verifyPush({ sec: 3, body: docA, pin: four, userPinMacMinLength: 8 }).outcome).toBe('authentic');
  });
  it('unsigned, unknown SEC and bad MAC parameters are verdicts, not exceptions', () => {
    expect(verifyPush({ body: docA })).toMatchObject({
      outcome: 'unsigned',
      action: 'unsigned-policy',
      method: null,
    });
    expect(verifyPush({ sec: 7, mac: MACS.userpin, body: docA })).toMatchObject({
      outcome: 'unknown-sec',
      secCode: 7,
      method: null,
    });
    expect(verifyPush({ sec: 1, body: docA, pin: '1234' }).outcome).toBe('bad-mac-parameter');
    expect(verifyPush({ sec: 1, mac: MACS.userpin.slice(2), body: docA, pin: '1234' }).outcome).toBe(
      'bad-mac-parameter',
    );
    expect(verifyPush({ sec: 1, mac: 'Z'.repeat(40), body: docA, pin: '1234' }).outcome).toBe(
      'bad-mac-parameter',
    );
  });
  it('PIN attempt limit is 3', () => {
    expect(PIN_ATTEMPT_LIMIT).toBe(3);
  });
});

describe('signPush', () => {
  it('reproduces the openssl MACs', () => {
    expect(signPush({ method: 'NETWPIN', body: docA, imsi: IMSI })).toMatchObject({
      sec: 0,
      mac: MACS.netwpin,
    });
    expect(signPush({ method: 'USERPIN', body: docA, pin: '1234' })).toMatchObject({
      sec: 1,
      mac: MACS.userpin,
    });
    expect(signPush({ method: 'USERNETWPIN', body: docA, imsi: IMSI, pin: '1234' })).toMatchObject({
      sec: 2,
      mac: MACS.usernetwpin,
      keyHex: '292620023368747231323334',
    });
    expect(signPush({ method: 'USERPINMAC', body: docA, pin: '12345' })).toMatchObject({
      sec: 3,
      userEntry: USERPINMAC_ENTRY,
    });
  });
  it('missing secrets are typed errors', () => {
    expect(() => signPush({ method: 'NETWPIN', body: docA })).toThrow(
      expect.objectContaining({ code: 'bad-imsi' }),
    );
    expect(() => signPush({ method: 'USERPIN', body: docA })).toThrow(
      expect.objectContaining({ code: 'bad-pin' }),
    );
  });
});

describe('explainMac', () => {
  const macWith = (key: Uint8Array): string =>
    createHmac('sha1', key).update(docA).digest('hex').toUpperCase();
  const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('authentic NETWPIN: primary matches', () => {
    const e = explainMac({ sec: 0, mac: MACS.netwpin, body: docA, imsi: IMSI });
    expect(e.primary).toMatchObject({
      id: 'netwpin',
      keyHex: '2926200233687472',
      mac: MACS.netwpin,
      matches: true,
    });
    expect(e.matchedBy).toContain('netwpin');
  });
  it('finds a generator that keyed NETWPIN with the ASCII IMSI', () => {
    const e = explainMac({ sec: 0, mac: macWith(ascii(IMSI)), body: docA, imsi: IMSI });
    expect(e.verdict.outcome).toBe('mac-mismatch');
    expect(e.primary?.matches).toBe(false);
    expect(e.matchedBy).toEqual(['imsi-ascii']);
    expect(e.notes.join(' ')).toContain('IMSI as ASCII');
  });
  it('finds unswapped semi-octets and the Gecko padding on a short IMSI', () => {
    expect(
      explainMac({
        sec: 0,
        mac: macWith(Uint8Array.of(0x92, 0x62, 0x02, 0x20, 0x33, 0x86, 0x47, 0x27)),
        body: docA,
        imsi: IMSI,
      }).matchedBy,
    ).toEqual(['netwpin-no-swap']);
    const short = '1234567';
    const padded = explainMac({
      sec: 0,
      mac: macWith(netwpinKey(short, 'padded-15')),
      body: docA,
      imsi: short,
    });
    expect(padded.matchedBy).toEqual(['netwpin-padded-15']);
  });
  it('finds USERNETWPIN signed with the PIN alone, and with the DM text form', () => {
    expect(explainMac({ sec: 2, mac: MACS.userpin, body: docA, imsi: IMSI, pin: '1234' }).matchedBy).toEqual([
      'userpin',
    ]);
    const dmText = explainMac({
      sec: 2,
      mac: macWith(ascii(`${IMSI}:1234`)),
      body: docA,
      imsi: IMSI,
      pin: '1234',
    });
    expect(dmText.matchedBy).toEqual(['dm-imsi-colon-pin']);
  });
  it('finds a push signed with USERPIN but labelled NETWPIN', () => {
    expect(explainMac({ sec: 0, mac: MACS.userpin, body: docA, imsi: IMSI, pin: '1234' }).matchedBy).toEqual([
      'userpin',
    ]);
  });
  it('notes a lowercase MAC', () => {
    const e = explainMac({ sec: 1, mac: MACS.userpin.toLowerCase(), body: docA, pin: '1234' });
    expect(e.verdict.outcome).toBe('authentic');
    expect(e.notes.join(' ')).toMatch(/lowercase/);
  });
  it('USERPINMAC: primary uses the PIN half; the MediaTek whole-entry key is offered as an alternative', () => {
    const e = explainMac({ sec: 3, body: docA, pin: USERPINMAC_ENTRY });
    expect(e.primary).toMatchObject({ id: 'userpinmac', keyHex: '3132333435', mac: '78525', matches: true });
    expect(e.alternatives.find((a) => a.id === 'userpinmac-whole-entry')?.keyHex).toBe(
      toHex(ascii(USERPINMAC_ENTRY)),
    );
  });
  it('never throws on bad input', () => {
    expect(() => explainMac({ sec: 2, mac: 'x', body: docA, imsi: 'nope', pin: '' })).not.toThrow();
    expect(explainMac({ body: docA }).verdict.outcome).toBe('unsigned');
  });
});
