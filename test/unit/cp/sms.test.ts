import { describe, expect, it } from 'vitest';
import { SmsError } from '../../../src/core/cp/errors.ts';
import { parseSegment, reassemble, segmentPush } from '../../../src/core/cp/sms.ts';
import { toHex, vector, vectorText } from './vectors.ts';

const pdu = vector('push-netwpin.hex');
const lines = vectorText('sms-netwpin.hex').trim().split('\n');

function smsError(fn: () => unknown): SmsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SmsError);
    return error as SmsError;
  }
  throw new Error('expected SmsError');
}

/** Build a segment by hand: UDH with 16-bit ports and the given concatenation IE. */
function seg(concat: string, payload: string): string {
  const ies = '05040B840B84' + concat;
  return (ies.length / 2).toString(16).padStart(2, '0') + ies + payload;
}

describe('parseSegment', () => {
  it('reads ports and 8-bit concatenation from the Kannel UDH', () => {
    const s = parseSegment(lines[0] as string);
    expect(s.udhLength).toBe(11);
    expect(s.ports).toEqual({ destination: 2948, source: 2948, bits: 16 });
    expect(s.concat).toEqual({ reference: 0x2a, total: 3, sequence: 1, referenceBits: 8 });
    expect(s.payload).toHaveLength(128);
  });
  it('reads 8-bit ports and 16-bit references', () => {
    const s = parseSegment('0A04020B0B080412340201AABB');
    expect(s.ports).toEqual({ destination: 11, source: 11, bits: 8 });
    expect(s.concat).toEqual({ reference: 0x1234, total: 2, sequence: 1, referenceBits: 16 });
    expect(toHex(s.payload)).toBe('AABB');
  });
  it('skips unknown IEs', () => {
    const s = parseSegment('0B' + '2401FF' + '05040B840B84' + '7000' + 'CAFE');
    expect(s.elements.map((e) => e.iei)).toEqual([0x24, 0x05, 0x70]);
    expect(s.concat).toBeUndefined();
    expect(toHex(s.payload)).toBe('CAFE');
  });
  it('rejects broken headers with offsets', () => {
    expect(smsError(() => parseSegment('0C05040B84')).code).toBe('sms-bad-udh');
    const e = smsError(() => parseSegment('0505050B840B84'));
    expect(e.code).toBe('sms-bad-udh');
    expect(e.details['offset']).toBe(1);
    expect(smsError(() => parseSegment('0500022A01AA')).code).toBe('sms-bad-udh'); // concat IE length 2
    expect(smsError(() => parseSegment('04000301AA')).code).toBe('sms-bad-udh'); // cut by UDH end
    expect(smsError(() => parseSegment(seg('00032A0300', ''))).code).toBe('sms-bad-sequence');
    expect(smsError(() => parseSegment(seg('00032A0304', ''))).code).toBe('sms-bad-sequence');
    expect(smsError(() => parseSegment(seg('00032A0001', ''))).code).toBe('sms-bad-sequence');
    expect(smsError(() => parseSegment('0')).code).toBe('sms-bad-udh');
    expect(smsError(() => parseSegment('00' + 'AA'.repeat(140))).code).toBe('sms-too-large');
  });
});

describe('reassemble', () => {
  it('joins the vector segments into the original push', () => {
    const r = reassemble(lines);
    expect(r.datagram).toEqual(pdu);
    expect(r).toMatchObject({ reference: 0x2a, referenceBits: 8, total: 3 });
    expect(r.warnings).toEqual([]);
    expect(r.layers.map((l) => l.kind)).toEqual([
      'sms-segment',
      'sms-segment',
      'sms-segment',
      'sms-datagram',
    ]);
  });
  it('any input order', () => {
    for (const order of [
      [2, 0, 1],
      [1, 2, 0],
      [2, 1, 0],
    ]) {
      expect(reassemble(order.map((i) => lines[i] as string)).datagram).toEqual(pdu);
    }
  });
  it('a single segment without concatenation is a complete message', () => {
    const r = reassemble(['0605040B840B84' + 'CAFE']);
    expect(toHex(r.datagram)).toBe('CAFE');
    expect(r.total).toBe(1);
    expect(r.reference).toBeUndefined();
  });
  it('reports missing parts precisely', () => {
    const e = smsError(() => reassemble([lines[2] as string]));
    expect(e.code).toBe('sms-missing-segments');
    expect(e.details).toMatchObject({ reference: 0x2a, total: 3, missing: [1, 2], present: [3] });
    expect(e.message).toContain('missing part(s) 1, 2 of 3');
  });
  it('drops identical duplicates with a warning, rejects differing ones', () => {
    const r = reassemble([lines[0] as string, lines[1] as string, lines[1] as string, lines[2] as string]);
    expect(r.datagram).toEqual(pdu);
    expect(r.warnings[0]).toMatch(/repeats part 2/);
    const strict = smsError(() => reassemble([...lines, lines[0] as string], { duplicates: 'reject' }));
    expect(strict.details).toMatchObject({ sequence: 1, indexes: [0, 3], identical: true });
    const line = lines[1] as string;
    const changed = line.slice(0, -2) + (line.endsWith('00') ? '01' : '00');
    const e = smsError(() => reassemble([...lines, changed]));
    expect(e.code).toBe('sms-duplicate-segment');
    expect(e.details).toMatchObject({ sequence: 2, indexes: [1, 3], identical: false });
  });
  it('reports segments of different references', () => {
    const other = seg('00032B0301', 'AA');
    const e = smsError(() => reassemble([...lines, other]));
    expect(e.code).toBe('sms-mixed-references');
    expect(e.details['groups']).toEqual([
      { reference: 0x2a, referenceBits: 8, segments: [0, 1, 2] },
      { reference: 0x2b, referenceBits: 8, segments: [3] },
    ]);
    const single = smsError(() => reassemble([lines[0] as string, '0605040B840B84AA']));
    expect(single.code).toBe('sms-mixed-references');
    expect(single.details['unconcatenated']).toEqual([1]);
  });
  it('reports disagreeing totals', () => {
    expect(smsError(() => reassemble([seg('00030A0201', 'AA'), seg('00030A0302', 'BB')])).code).toBe(
      'sms-inconsistent-total',
    );
  });
  it('no segments', () => {
    expect(smsError(() => reassemble([])).code).toBe('sms-no-segments');
  });
  it('warns about a non-WAP destination port', () => {
    expect(reassemble(['0605040B850B84AA']).warnings[0]).toMatch(/2949/);
  });
});

describe('segmentPush', () => {
  it('reproduces the shell-made Kannel segmentation', () => {
    expect(segmentPush(pdu, { reference: 0x2a }).map(toHex)).toEqual(lines);
  });
  it('single segment up to 133 octets with a 7-octet UDH, two segments at 134', () => {
    const one = segmentPush(new Uint8Array(133), { reference: 1 });
    expect(one).toHaveLength(1);
    expect(toHex((one[0] as Uint8Array).subarray(0, 7))).toBe('0605040B840B84');
    expect(one[0]).toHaveLength(140);
    const two = segmentPush(new Uint8Array(134), { reference: 1, sourcePort: 9200 });
    expect(two).toHaveLength(2);
    expect(toHex((two[1] as Uint8Array).subarray(0, 12))).toBe('0B05040B8423F0000301' + '0202');
  });
  it('round-trips with reassemble for many lengths', () => {
    for (const length of [0, 1, 127, 128, 129, 256, 257, 1000]) {
      const data = new Uint8Array(length).map((_, i) => (i * 31) & 0xff);
      const segments = segmentPush(data, { reference: 200 });
      for (const s of segments) expect(s.length).toBeLessThanOrEqual(140);
      expect(reassemble(segments.reverse()).datagram).toEqual(data);
    }
  });
  it('rejects a bad reference and oversized datagrams', () => {
    expect(smsError(() => segmentPush(pdu, { reference: 256 })).code).toBe('sms-bad-udh');
    expect(smsError(() => segmentPush(new Uint8Array(128 * 255 + 1), { reference: 1 })).code).toBe(
      'sms-too-large',
    );
  });
});
