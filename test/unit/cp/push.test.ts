import { describe, expect, it } from 'vitest';
import { PushError } from '../../../src/core/cp/errors.ts';
import { buildPush, parsePush } from '../../../src/core/cp/push.ts';
import { IMSI, MACS, fromHex, toHex, vector } from './vectors.ts';

const docA = vector('doc-a.wbxml.hex');
const dm = vector('dm-bootstrap.wbxml.hex');

function expectPushError(fn: () => unknown, code: string, offset?: number): PushError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PushError);
    const e = error as PushError;
    expect(e.code).toBe(code);
    if (offset !== undefined) expect(e.details['offset']).toBe(offset);
    return e;
  }
  throw new Error(`expected PushError ${code}`);
}

describe('parsePush on the openssl vectors', () => {
  it('NETWPIN: general form with 0x1F length quote, body byte-exact as a subarray', () => {
    const pdu = vector('push-netwpin.hex');
    const p = parsePush(pdu);
    expect(p.tid).toBe(1);
    expect(p.headersLength).toBe(47);
    expect(p.contentType).toEqual({
      name: 'application/vnd.wap.connectivity-wbxml',
      code: 0x36,
      form: 'general',
      params: { sec: 0, mac: MACS.netwpin, others: [] },
    });
    expect(p.headers).toEqual([]);
    expect(p.body).toEqual(docA);
    expect(p.body.buffer).toBe(pdu.buffer);
    expect(p.bodyOffset).toBe(50);
  });
  it('USERPIN and USERNETWPIN', () => {
    expect(parsePush(vector('push-userpin.hex')).contentType.params).toMatchObject({
      sec: 1,
      mac: MACS.userpin,
    });
    expect(parsePush(vector('push-usernetwpin.hex')).contentType.params).toMatchObject({
      sec: 2,
      mac: MACS.usernetwpin,
    });
  });
  it('USERPINMAC: short value-length form, no MAC', () => {
    const p = parsePush(vector('push-userpinmac.hex'));
    expect(p.contentType).toMatchObject({ form: 'general', code: 0x36, params: { sec: 3 } });
    expect(p.contentType.params.mac).toBeUndefined();
    expect(p.body).toEqual(docA);
  });
  it('unsigned: short-integer form', () => {
    const p = parsePush(vector('push-unsigned.hex'));
    expect(p.contentType).toEqual({
      name: 'application/vnd.wap.connectivity-wbxml',
      code: 0x36,
      form: 'short-integer',
      params: { others: [] },
    });
    expect(p.body).toEqual(docA);
  });
  it('DM bootstrap: C2 and X-Wap-Application-Id syncml.dm', () => {
    const p = parsePush(vector('push-dm-bootstrap.hex'));
    expect(p.contentType).toMatchObject({ name: 'application/vnd.syncml.dm+wbxml', code: 0x42 });
    expect(p.contentType.params).toMatchObject({ sec: 0, mac: MACS.dmBootstrap });
    expect(p.applicationId).toBe('x-wap-application:syncml.dm');
    expect(p.applicationIdCode).toBe(7);
    expect(p.headers).toEqual([{ name: 'X-Wap-Application-Id', code: 0x2f, value: 7 }]);
    expect(p.body).toEqual(dm);
  });
  it('annotates every field with offsets that cover the PDU', () => {
    const pdu = vector('push-dm-bootstrap.hex');
    const [wsp] = parsePush(pdu).layers;
    const names = wsp?.fields.map((f) => f.name);
    expect(names).toEqual([
      'tid',
      'pdu-type',
      'headers-length',
      'content-type-length',
      'media-type',
      'param-sec',
      'param-mac',
      'application-id',
      'body',
    ]);
    let at = 0;
    for (const f of wsp?.fields ?? []) {
      expect(f.offset, f.name).toBe(at);
      at += f.length;
    }
    expect(at).toBe(pdu.length);
    expect(wsp?.fields.find((f) => f.name === 'param-mac')).toMatchObject({ offset: 8, length: 42 });
  });
});

describe('parsePush: content-type forms and parameters', () => {
  const body = Uint8Array.of(0x03, 0x0b, 0x6a, 0x00, 0x45, 0x01);
  const pdu = (headers: string): Uint8Array => {
    const h = fromHex(headers);
    return Uint8Array.from([0x33, 0x06, h.length, ...h, ...body]);
  };
  it('text content type', () => {
    const p = parsePush(
      pdu(toHex(new TextEncoder().encode('application/vnd.wap.connectivity-wbxml')) + '00'),
    );
    expect(p.contentType).toEqual({
      name: 'application/vnd.wap.connectivity-wbxml',
      form: 'text',
      params: { others: [] },
    });
    expect(p.body).toEqual(body);
  });
  it('general form with a text media type, MAC before SEC, unknown and untyped parameters skipped', () => {
    const media = toHex(new TextEncoder().encode('application/x-test')) + '00';
    const mac = toHex(new TextEncoder().encode('ab'.repeat(20))) + '00';
    // 81 EA = Charset utf-8 ; 92 mac ; 99 03 010203 = unknown param 0x19 with 3-octet value ; "foo" 00 "bar" 00 ; 91 82
    const value = media + '81EA' + '92' + mac + '9903010203' + '666F6F00' + '62617200' + '9182';
    const length = value.length / 2;
    const p = parsePush(pdu('1F' + length.toString(16).padStart(2, '0') + value));
    expect(p.contentType.name).toBe('application/x-test');
    expect(p.contentType.code).toBeUndefined();
    expect(p.contentType.params.sec).toBe(2);
    expect(p.contentType.params.mac).toBe('ab'.repeat(20));
    expect(p.contentType.params.others).toEqual([
      { name: 'Charset', code: 1, value: 0x6a },
      { name: '0x19', code: 0x19, value: '010203' },
      { name: 'foo', value: 'bar' },
    ]);
  });
  it('quoted-string MAC and textual SEC parameter names', () => {
    // B6 "SEC" 00 81 "MAC" 00 '"' CCC... 00
    const value =
      'B6' + '53454300' + '81' + '4D414300' + '22' + toHex(new TextEncoder().encode('C'.repeat(40))) + '00';
    const p = parsePush(pdu('1F' + (value.length / 2).toString(16).padStart(2, '0') + value));
    expect(p.contentType.params).toMatchObject({ sec: 1, mac: 'C'.repeat(40) });
  });
  it('unknown content-type code is named by its hex value', () => {
    expect(parsePush(pdu('CF')).contentType).toMatchObject({ name: '0x4F', code: 0x4f });
  });
  it('headers: text application id, unknown well-known header, application header, shift', () => {
    const appId = toHex(new TextEncoder().encode('x-wap-application:foo')) + '00';
    const p = parsePush(
      pdu('C4' + 'AF' + appId + 'B4' + '81' + '8D02' + '0130' + '582D54657374005900' + '7F02'),
    );
    expect(p.applicationId).toBe('x-wap-application:foo');
    expect(p.headers).toEqual([
      { name: 'X-Wap-Application-Id', code: 0x2f, value: 'x-wap-application:foo' },
      { name: 'Push-Flag', code: 0x34, value: 1 },
      { name: 'Content-Length', code: 0x0d, value: '0130' },
      { name: 'X-Test', value: 'Y' },
      { name: 'Shift-sequence', value: 2 },
    ]);
    expect(p.contentType.name).toBe('application/vnd.syncml.notification');
  });
  it('long-integer application id', () => {
    const p = parsePush(pdu('B6AF029001'));
    expect(p.applicationIdCode).toBe(0x9001);
    expect(p.applicationId).toBe('0x9001');
  });
  it('repeated SEC: first wins with a warning', () => {
    const p = parsePush(pdu('05B691819183'));
    expect(p.contentType.params.sec).toBe(1);
    expect(p.warnings[0]).toMatch(/SEC repeated/);
  });
  it('multi-octet uintvar HeadersLen', () => {
    // B6, then 99 User-Agent headers (0xA9) with short-integer values (0x84): 199 octets
    const headers = new Uint8Array(199).fill(0x84);
    headers[0] = 0xb6;
    for (let i = 1; i < 199; i += 2) headers[i] = 0x80 | 0x29;
    const p = parsePush(Uint8Array.from([0, 6, 0x81, 0x47, ...headers, 0x99]));
    expect(p.headersLength).toBe(199);
    expect(p.headers).toHaveLength(99);
    expect(p.body).toEqual(Uint8Array.of(0x99));
  });
});

describe('parsePush errors', () => {
  it('not a push', () => {
    const e = expectPushError(() => parsePush(fromHex('0107')), 'not-a-push', 1);
    expect(e.message).toMatch(/ConfirmedPush/);
    expectPushError(() => parsePush(fromHex('0140')), 'not-a-push', 1);
  });
  it('truncated at every length of a real PDU', () => {
    const pdu = vector('push-dm-bootstrap.hex');
    for (let n = 0; n < 52; n++) {
      expect(() => parsePush(pdu.subarray(0, n)), `length ${n}`).toThrow(
        expect.objectContaining({ code: 'truncated' }),
      );
    }
    const e = expectPushError(() => parsePush(pdu.subarray(0, 20)), 'truncated', 3);
    expect(e.message).toMatch(/HeadersLen 49/);
    // all headers present, body empty: still a push
    expect(parsePush(pdu.subarray(0, 52)).body).toHaveLength(0);
  });
  it('content type value longer than the headers', () => {
    expectPushError(() => parsePush(fromHex('0106021FFFB6')), 'truncated');
    expectPushError(() => parsePush(fromHex('0106031F05B6')), 'truncated', 5);
  });
  it('bad uintvar and empty headers', () => {
    expectPushError(() => parsePush(fromHex('0106FFFFFFFFFF01')), 'bad-uintvar', 2);
    expectPushError(() => parsePush(fromHex('010600')), 'bad-content-type', 2);
  });
  it('header starting with 0x00', () => {
    expectPushError(() => parsePush(fromHex('010602B600')), 'bad-header', 4);
  });
});

describe('buildPush', () => {
  it('reproduces the openssl-assembled vectors byte for byte', () => {
    expect(toHex(buildPush({ contentType: 0x36, sec: 0, mac: MACS.netwpin, body: docA, tid: 1 }))).toBe(
      toHex(vector('push-netwpin.hex')),
    );
    expect(
      toHex(
        buildPush({
          contentType: 'application/vnd.wap.connectivity-wbxml',
          sec: 1,
          mac: MACS.userpin,
          body: docA,
          tid: 2,
        }),
      ),
    ).toBe(toHex(vector('push-userpin.hex')));
    expect(toHex(buildPush({ contentType: 0x36, sec: 3, body: docA, tid: 4 }))).toBe(
      toHex(vector('push-userpinmac.hex')),
    );
    expect(toHex(buildPush({ contentType: 0x36, body: docA, tid: 5 }))).toBe(
      toHex(vector('push-unsigned.hex')),
    );
    expect(
      toHex(
        buildPush({
          contentType: 'application/vnd.syncml.dm+wbxml',
          sec: 0,
          mac: MACS.dmBootstrap,
          applicationId: 'x-wap-application:syncml.dm',
          body: dm,
          tid: 6,
        }),
      ),
    ).toBe(toHex(vector('push-dm-bootstrap.hex')));
  });
  it('round-trips text types, text application ids and long bodies', () => {
    const body = new Uint8Array(1000).map((_, i) => i & 0xff);
    const pdu = buildPush({
      contentType: 'application/x-custom',
      applicationId: 'urn:x-test',
      body,
      generalForm: true,
    });
    const p = parsePush(pdu);
    expect(p.contentType).toMatchObject({ name: 'application/x-custom', form: 'general' });
    expect(p.applicationId).toBe('urn:x-test');
    expect(p.body).toEqual(body);
  });
  it('rejects values that cannot be encoded', () => {
    expect(() => buildPush({ contentType: 0x36, body: docA, tid: 256 })).toThrow(
      expect.objectContaining({ code: 'bad-push-input' }),
    );
    expect(() => buildPush({ contentType: 'bad\u0100', body: docA })).toThrow(
      expect.objectContaining({ code: 'bad-push-input' }),
    );
  });
  it('signs with the IMSI of the vectors', () => {
    expect(IMSI).toHaveLength(15);
  });
});
