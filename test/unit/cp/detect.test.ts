import { describe, expect, it } from 'vitest';
import { detectPayload, unwrapPayload } from '../../../src/core/cp/detect.ts';
import { PayloadError, SmsError } from '../../../src/core/cp/errors.ts';
import { MACS, toHex, vector, vectorText } from './vectors.ts';

const docA = vector('doc-a.wbxml.hex');
const pdu = vector('push-netwpin.hex');
const smsText = vectorText('sms-netwpin.hex');

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

describe('detectPayload', () => {
  it('hex push, with spaces, colons or lowercase', () => {
    const hex = toHex(pdu);
    for (const text of [
      hex,
      hex.toLowerCase(),
      hex.replace(/(..)/g, '$1 '),
      hex.replace(/(..)(?!$)/g, '$1:'),
    ]) {
      const d = detectPayload(text);
      expect(d.candidates[0]).toMatchObject({ kind: 'wsp-push', encoding: 'hex' });
      expect(d.ambiguous).toBe(false);
    }
  });
  it('one hex segment per line is an SMS', () => {
    const d = detectPayload(smsText);
    expect(d.candidates[0]).toMatchObject({ kind: 'sms-segments', encoding: 'hex-lines' });
    expect(d.candidates[0]?.bytes).toHaveLength(3);
  });
  it('base64 push', () => {
    expect(detectPayload(base64(pdu)).candidates[0]).toMatchObject({ kind: 'wsp-push', encoding: 'base64' });
  });
  it('bare WBXML (hex and bytes)', () => {
    expect(detectPayload(toHex(docA)).candidates[0]).toMatchObject({ kind: 'wbxml', encoding: 'hex' });
    expect(detectPayload(docA).candidates[0]).toMatchObject({ kind: 'wbxml', encoding: 'binary' });
  });
  it('XML text and bytes', () => {
    const xml = '<?xml version="1.0"?>\n<wap-provisioningdoc version="1.1"></wap-provisioningdoc>';
    expect(detectPayload(`  ${xml}`).candidates[0]).toMatchObject({ kind: 'xml', encoding: 'text' });
    expect(detectPayload(new TextEncoder().encode(xml)).candidates[0]).toMatchObject({ kind: 'xml' });
  });
  it('binary SMS user data addressed to 2948', () => {
    const push = Uint8Array.from([0x01, 0x06, 0x01, 0xb6, ...docA.subarray(0, 60)]);
    const single = Uint8Array.from([6, 5, 4, 0x0b, 0x84, 0x0b, 0x84, ...push]);
    expect(detectPayload(single).candidates[0]).toMatchObject({ kind: 'sms-segments', encoding: 'binary' });
    expect(unwrapPayload(single).contentType.code).toBe(0x36);
  });
  it('bytes that read both as a push and as WBXML are flagged ambiguous', () => {
    // push: TID 3, Push, HeadersLen 4, Content-Type 01 8B (general form, unknown code 0x0B), header C5 81, body 45 01
    // WBXML: version 1.3, public id 0x06, charset 4, string table of 1 byte (8B), then tag C5
    const dual = Uint8Array.from([0x03, 0x06, 0x04, 0x01, 0x8b, 0xc5, 0x81, 0x45, 0x01]);
    const d = detectPayload(dual);
    expect(d.candidates.map((c) => c.kind).sort()).toEqual(['wbxml', 'wsp-push']);
    expect(d.ambiguous).toBe(true);
    for (const c of d.candidates) expect(c.reason.length).toBeGreaterThan(10);
  });
  it('a real push is not ambiguous', () => {
    for (const name of [
      'push-netwpin.hex',
      'push-userpinmac.hex',
      'push-unsigned.hex',
      'push-dm-bootstrap.hex',
    ]) {
      const d = detectPayload(vector(name));
      expect(d.candidates[0]?.kind, name).toBe('wsp-push');
      expect(d.ambiguous, name).toBe(false);
    }
  });
  it('empty input is a typed error; garbage gives no candidates', () => {
    expect(() => detectPayload('  \n')).toThrow(PayloadError);
    expect(() => detectPayload(new Uint8Array())).toThrow(expect.objectContaining({ code: 'empty-input' }));
    expect(detectPayload('hello, world!').candidates).toEqual([]);
  });
});

describe('unwrapPayload', () => {
  it('SMS lines -> WSP -> body, with all layers', () => {
    const u = unwrapPayload(smsText);
    expect(u.kind).toBe('sms-segments');
    expect(u.contentType).toEqual({ name: 'application/vnd.wap.connectivity-wbxml', code: 0x36 });
    expect(u.sec).toBe(0);
    expect(u.mac).toBe(MACS.netwpin);
    expect(u.body).toEqual(docA);
    expect(u.bodyFormat).toBe('wbxml');
    expect(u.layers.map((l) => l.kind)).toEqual([
      'sms-segment',
      'sms-segment',
      'sms-segment',
      'sms-datagram',
      'wsp-push',
      'body',
    ]);
    expect(u.sms?.total).toBe(3);
  });
  it('DM bootstrap push as base64', () => {
    const u = unwrapPayload(base64(vector('push-dm-bootstrap.hex')));
    expect(u).toMatchObject({
      kind: 'wsp-push',
      encoding: 'base64',
      sec: 0,
      mac: MACS.dmBootstrap,
      applicationId: 'x-wap-application:syncml.dm',
      contentType: { name: 'application/vnd.syncml.dm+wbxml', code: 0x42 },
    });
    expect(u.body).toEqual(vector('dm-bootstrap.wbxml.hex'));
  });
  it('bare WBXML gets the content type from its public id', () => {
    expect(unwrapPayload(docA).contentType.name).toBe('application/vnd.wap.connectivity-wbxml');
    expect(unwrapPayload(vector('dm-bootstrap.wbxml.hex')).contentType.name).toBe(
      'application/vnd.syncml.dm+wbxml',
    );
    expect(unwrapPayload(docA).sec).toBeUndefined();
  });
  it('XML text', () => {
    const u = unwrapPayload('<SyncML xmlns="SYNCML:SYNCML1.2"></SyncML>');
    expect(u).toMatchObject({
      kind: 'xml',
      bodyFormat: 'xml',
      contentType: { name: 'application/vnd.syncml.dm+xml' },
    });
  });
  it('chosen kind overrides the ranking; impossible choices are typed errors', () => {
    const dual = Uint8Array.from([0x03, 0x06, 0x04, 0x01, 0x8b, 0xc5, 0x81, 0x45, 0x01]);
    expect(unwrapPayload(dual, 'wbxml').kind).toBe('wbxml');
    expect(unwrapPayload(dual, 'wsp-push').kind).toBe('wsp-push');
    expect(unwrapPayload(dual).ambiguous).toBe(true);
    expect(() => unwrapPayload(docA, 'sms-segments')).toThrow(
      expect.objectContaining({ code: 'kind-mismatch' }),
    );
    expect(() => unwrapPayload('zzzz')).toThrow(expect.objectContaining({ code: 'unrecognised-input' }));
  });
  it('a broken SMS set surfaces the precise SMS error', () => {
    const two = smsText.trim().split('\n').slice(0, 2).join('\n');
    expect(() => unwrapPayload(two)).toThrow(SmsError);
    expect(() => unwrapPayload(two)).toThrow(expect.objectContaining({ code: 'sms-missing-segments' }));
  });
});
