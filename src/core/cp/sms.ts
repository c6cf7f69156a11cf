/**
 * The SMS bearer of WAP Push (`oma-cp.md` §7): 8-bit user data with a user-data header
 * (UDH) carrying application ports and concatenation. Reassembles segments into the WDP
 * datagram (the WSP push PDU) and segments a datagram the way Kannel does.
 *
 * Each segment is the TP-User-Data **including** the UDH, UDHL byte first.
 */
import { BytesError, hexByte, parseHex } from '../bytes/index.ts';
import { SmsError } from './errors.ts';
import type { Layer, LayerField } from './push.ts';

/** WAP Push connectionless destination port (WDP). */
export const WAP_PUSH_PORT = 2948;
/** Maximum TP-User-Data of one 8-bit SMS. */
export const MAX_USER_DATA = 140;

const IEI_CONCAT_8 = 0x00;
const IEI_PORTS_8 = 0x04;
const IEI_PORTS_16 = 0x05;
const IEI_CONCAT_16 = 0x08;

export interface UdhElement {
  iei: number;
  /** Offset of the IEI octet in the segment. */
  offset: number;
  data: Uint8Array;
}

export interface SmsSegment {
  /** Position in the input list (0-based). */
  index: number;
  /** The whole user data as given. */
  raw: Uint8Array;
  /** UDHL value (octets of UDH after the UDHL byte). */
  udhLength: number;
  elements: UdhElement[];
  ports?: { destination: number; source: number; bits: 8 | 16 };
  concat?: { reference: number; total: number; sequence: number; referenceBits: 8 | 16 };
  /** User data after the UDH (subarray of `raw`). */
  payload: Uint8Array;
}

export interface ReassembledSms {
  datagram: Uint8Array;
  /** Segments in sequence order (duplicates dropped). */
  segments: SmsSegment[];
  reference?: number;
  referenceBits?: 8 | 16;
  total: number;
  ports?: { destination: number; source: number; bits: 8 | 16 };
  /** Oddities that did not prevent reassembly (identical duplicates dropped, non-WAP port…). */
  warnings: string[];
  /** One layer per segment plus the datagram layer, for the inspector. */
  layers: Layer[];
}

export type SegmentInput = Uint8Array | string;

function fromHex(text: string, index: number): Uint8Array {
  try {
    return parseHex(text.replace(/[\s:]/g, ''));
  } catch (error) {
    if (!(error instanceof BytesError)) throw error;
    throw new SmsError(
      'sms-bad-udh',
      `Segment ${index + 1} is not an even-length hex string: ${error.message}`,
      {
        index,
      },
    );
  }
}

const hex2 = (n: number): string => hexByte(n).toUpperCase();

/** Parse one segment's UDH. Throws `SmsError('sms-bad-udh')` when the header is inconsistent. */
export function parseSegment(input: SegmentInput, index = 0): SmsSegment {
  const raw = typeof input === 'string' ? fromHex(input, index) : input;
  const where = `Segment ${index + 1}`;
  if (raw.length === 0) throw new SmsError('sms-bad-udh', `${where} is empty`, { index });
  if (raw.length > MAX_USER_DATA) {
    throw new SmsError(
      'sms-too-large',
      `${where} has ${raw.length} octets of user data; an SMS carries at most 140`,
      {
        index,
        length: raw.length,
      },
    );
  }
  const udhLength = raw[0] as number;
  if (1 + udhLength > raw.length) {
    throw new SmsError(
      'sms-bad-udh',
      `${where}: UDHL ${udhLength} is longer than the ${raw.length - 1} octets that follow`,
      {
        index,
        offset: 0,
      },
    );
  }
  const elements: UdhElement[] = [];
  const segment: SmsSegment = { index, raw, udhLength, elements, payload: raw.subarray(1 + udhLength) };
  let pos = 1;
  const end = 1 + udhLength;
  while (pos < end) {
    if (pos + 2 > end) {
      throw new SmsError(
        'sms-bad-udh',
        `${where}: information element at offset ${pos} is cut off by the UDH end`,
        {
          index,
          offset: pos,
        },
      );
    }
    const iei = raw[pos] as number;
    const iel = raw[pos + 1] as number;
    if (pos + 2 + iel > end) {
      throw new SmsError(
        'sms-bad-udh',
        `${where}: IE ${hex2(iei)} at offset ${pos} (length ${iel}) runs past the UDH end`,
        {
          index,
          offset: pos,
          iei,
        },
      );
    }
    const data = raw.subarray(pos + 2, pos + 2 + iel);
    elements.push({ iei, offset: pos, data });
    const bad = (expected: number): never => {
      throw new SmsError(
        'sms-bad-udh',
        `${where}: IE ${hex2(iei)} at offset ${pos} has length ${iel}, expected ${expected}`,
        {
          index,
          offset: pos,
          iei,
        },
      );
    };
    if (iei === IEI_CONCAT_8 || iei === IEI_CONCAT_16) {
      const bits = iei === IEI_CONCAT_8 ? 8 : 16;
      if (iel !== (bits === 8 ? 3 : 4)) bad(bits === 8 ? 3 : 4);
      const reference = bits === 8 ? (data[0] as number) : ((data[0] as number) << 8) | (data[1] as number);
      const total = data[bits === 8 ? 1 : 2] as number;
      const sequence = data[bits === 8 ? 2 : 3] as number;
      if (total === 0) {
        throw new SmsError('sms-bad-sequence', `${where}: concatenation total is 0`, { index, offset: pos });
      }
      if (sequence === 0 || sequence > total) {
        throw new SmsError(
          'sms-bad-sequence',
          `${where}: sequence number ${sequence} is outside 1..${total}`,
          {
            index,
            offset: pos,
            sequence,
            total,
          },
        );
      }
      if (segment.concat === undefined) segment.concat = { reference, total, sequence, referenceBits: bits };
    } else if (iei === IEI_PORTS_16) {
      if (iel !== 4) bad(4);
      segment.ports = {
        destination: ((data[0] as number) << 8) | (data[1] as number),
        source: ((data[2] as number) << 8) | (data[3] as number),
        bits: 16,
      };
    } else if (iei === IEI_PORTS_8) {
      if (iel !== 2) bad(2);
      segment.ports = { destination: data[0] as number, source: data[1] as number, bits: 8 };
    }
    pos += 2 + iel;
  }
  return segment;
}

function segmentLayer(segment: SmsSegment): Layer {
  const fields: LayerField[] = [
    { name: 'udhl', label: `UDHL = ${segment.udhLength}`, offset: 0, length: 1, value: segment.udhLength },
  ];
  for (const el of segment.elements) {
    let label = `IE ${hex2(el.iei)}, ${el.data.length} octet(s)`;
    let name = 'ie';
    if ((el.iei === IEI_PORTS_16 || el.iei === IEI_PORTS_8) && segment.ports) {
      name = 'ie-ports';
      label = `Ports (${segment.ports.bits}-bit): destination ${segment.ports.destination}, source ${segment.ports.source}`;
    } else if ((el.iei === IEI_CONCAT_8 || el.iei === IEI_CONCAT_16) && segment.concat) {
      name = 'ie-concat';
      const c = segment.concat;
      label = `Concatenation (${c.referenceBits}-bit ref): reference ${c.reference}, part ${c.sequence} of ${c.total}`;
    }
    fields.push({ name, label, offset: el.offset, length: 2 + el.data.length });
  }
  const payloadOffset = 1 + segment.udhLength;
  fields.push({
    name: 'payload',
    label: `Payload, ${segment.payload.length} octets`,
    offset: payloadOffset,
    length: segment.payload.length,
  });
  const part = segment.concat ? ` (part ${segment.concat.sequence}/${segment.concat.total})` : '';
  return {
    kind: 'sms-segment',
    title: `SMS segment ${segment.index + 1}${part}`,
    base: `segment ${segment.index + 1}`,
    offset: 0,
    length: segment.raw.length,
    fields,
  };
}

export interface ReassembleOptions {
  /**
   * `drop-identical` (default): a repeated segment with the same bytes is dropped and noted in
   * `warnings` (SMS retransmission); a repeat with different bytes is an error.
   * `reject`: any repeat is an error.
   */
  duplicates?: 'drop-identical' | 'reject';
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Reassemble SMS segments (any order) into the WDP datagram. Throws `SmsError` with
 * `sms-no-segments`, `sms-bad-udh`, `sms-mixed-references`, `sms-inconsistent-total`,
 * `sms-duplicate-segment` (details: sequence, indexes) or `sms-missing-segments`
 * (details: missing sequence numbers).
 */
export function reassemble(inputs: readonly SegmentInput[], options: ReassembleOptions = {}): ReassembledSms {
  if (inputs.length === 0) throw new SmsError('sms-no-segments', 'No SMS segments were given');
  const parsed = inputs.map((input, index) => parseSegment(input, index));
  const warnings: string[] = [];

  const singles = parsed.filter((s) => s.concat === undefined);
  if (singles.length > 0) {
    if (parsed.length === 1) {
      const only = parsed[0] as SmsSegment;
      portWarning(only, warnings);
      return finish([only], only.payload, undefined, warnings);
    }
    const references = [...new Set(parsed.flatMap((s) => (s.concat ? [s.concat.reference] : [])))];
    throw new SmsError(
      'sms-mixed-references',
      `Segment(s) ${singles.map((s) => s.index + 1).join(', ')} carry no concatenation header, so they are complete messages of their own and cannot be joined with the other ${parsed.length - singles.length} segment(s)`,
      { unconcatenated: singles.map((s) => s.index), references },
    );
  }

  const byReference = new Map<string, SmsSegment[]>();
  for (const s of parsed) {
    const c = s.concat as NonNullable<SmsSegment['concat']>;
    const key = `${c.referenceBits}:${c.reference}`;
    const list = byReference.get(key) ?? [];
    list.push(s);
    byReference.set(key, list);
  }
  if (byReference.size > 1) {
    const groups = [...byReference.values()].map((list) => {
      const c = (list[0] as SmsSegment).concat as NonNullable<SmsSegment['concat']>;
      return { reference: c.reference, referenceBits: c.referenceBits, segments: list.map((s) => s.index) };
    });
    throw new SmsError(
      'sms-mixed-references',
      `Segments belong to ${groups.length} different messages: ${groups
        .map((g) => `reference ${g.reference} (segments ${g.segments.map((i) => i + 1).join(', ')})`)
        .join('; ')}`,
      { groups },
    );
  }

  const first = parsed[0] as SmsSegment;
  const { reference, referenceBits, total } = first.concat as NonNullable<SmsSegment['concat']>;
  const totals = new Set(parsed.map((s) => s.concat?.total));
  if (totals.size > 1) {
    throw new SmsError(
      'sms-inconsistent-total',
      `Segments of reference ${reference} disagree on the number of parts: ${[...totals].join(', ')}`,
      {
        reference,
        totals: [...totals],
        perSegment: parsed.map((s) => ({ index: s.index, total: s.concat?.total })),
      },
    );
  }

  const bySequence = new Map<number, SmsSegment>();
  for (const s of parsed) {
    const seq = (s.concat as NonNullable<SmsSegment['concat']>).sequence;
    const existing = bySequence.get(seq);
    if (existing === undefined) {
      bySequence.set(seq, s);
      continue;
    }
    const identical = sameBytes(existing.raw, s.raw);
    if (identical && options.duplicates !== 'reject') {
      warnings.push(
        `Segment ${s.index + 1} repeats part ${seq} (identical to segment ${existing.index + 1}); dropped`,
      );
      continue;
    }
    throw new SmsError(
      'sms-duplicate-segment',
      `Part ${seq} of reference ${reference} appears twice (segments ${existing.index + 1} and ${s.index + 1}), ${
        identical ? 'with identical content' : 'with different content'
      }`,
      { reference, sequence: seq, indexes: [existing.index, s.index], identical },
    );
  }

  const missing: number[] = [];
  for (let seq = 1; seq <= total; seq++) if (!bySequence.has(seq)) missing.push(seq);
  if (missing.length > 0) {
    throw new SmsError(
      'sms-missing-segments',
      `Reference ${reference}: missing part(s) ${missing.join(', ')} of ${total} (have ${[
        ...bySequence.keys(),
      ]
        .sort((a, b) => a - b)
        .join(', ')})`,
      { reference, total, missing, present: [...bySequence.keys()].sort((a, b) => a - b) },
    );
  }

  const ordered = Array.from({ length: total }, (_, i) => bySequence.get(i + 1) as SmsSegment);
  for (const s of ordered) {
    if (
      s.ports &&
      first.ports &&
      (s.ports.destination !== first.ports.destination || s.ports.source !== first.ports.source)
    ) {
      warnings.push(`Segment ${s.index + 1} has different ports from segment ${first.index + 1}`);
    }
  }
  const portSource = ordered.find((s) => s.ports !== undefined) ?? (ordered[0] as SmsSegment);
  portWarning(portSource, warnings);
  const size = ordered.reduce((n, s) => n + s.payload.length, 0);
  const datagram = new Uint8Array(size);
  let at = 0;
  for (const s of ordered) {
    datagram.set(s.payload, at);
    at += s.payload.length;
  }
  return finish(ordered, datagram, { reference, referenceBits, total }, warnings);
}

function portWarning(segment: SmsSegment, warnings: string[]): void {
  if (segment.ports === undefined) {
    warnings.push('No application port IE: the datagram is assumed to be for WAP Push (port 2948)');
  } else if (segment.ports.destination !== WAP_PUSH_PORT) {
    warnings.push(`Destination port is ${segment.ports.destination}, not the WAP Push port 2948`);
  }
}

function finish(
  segments: SmsSegment[],
  datagram: Uint8Array,
  concat: { reference: number; referenceBits: 8 | 16; total: number } | undefined,
  warnings: string[],
): ReassembledSms {
  const layers = segments.map(segmentLayer);
  layers.push({
    kind: 'sms-datagram',
    title: `Reassembled datagram, ${datagram.length} octets from ${segments.length} segment(s)`,
    base: 'datagram',
    offset: 0,
    length: datagram.length,
    fields: segments.map((s, i) => ({
      name: 'segment-payload',
      label: `From segment ${s.index + 1}`,
      offset: segments.slice(0, i).reduce((n, p) => n + p.payload.length, 0),
      length: s.payload.length,
    })),
  });
  const ports = segments.find((s) => s.ports !== undefined)?.ports;
  const result: ReassembledSms = { datagram, segments, total: concat?.total ?? 1, warnings, layers };
  if (concat) {
    result.reference = concat.reference;
    result.referenceBits = concat.referenceBits;
  }
  if (ports) result.ports = ports;
  return result;
}

export interface SegmentOptions {
  /** Concatenation reference, 0..255. */
  reference: number;
  /** Source port, default 2948 as Kannel sends. */
  sourcePort?: number;
  /** Destination port, default 2948. */
  destinationPort?: number;
}

/**
 * Split a datagram into Kannel-style 8-bit SMS user data: a single message gets the
 * 7-octet UDH `06 05 04 <dst> <src>` and up to 133 payload octets; longer datagrams get
 * `0B 05 04 <dst> <src> 00 03 rr nn ii` and 128 octets per segment.
 */
export function segmentPush(datagram: Uint8Array, options: SegmentOptions): Uint8Array[] {
  const { reference } = options;
  const src = options.sourcePort ?? WAP_PUSH_PORT;
  const dst = options.destinationPort ?? WAP_PUSH_PORT;
  if (!Number.isInteger(reference) || reference < 0 || reference > 0xff) {
    throw new SmsError('sms-bad-udh', `Concatenation reference ${reference} must be 0..255`, { reference });
  }
  for (const port of [src, dst]) {
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
      throw new SmsError('sms-bad-udh', `Port ${port} must be 0..65535`, { port });
    }
  }
  const portsIe = [0x05, 0x04, dst >> 8, dst & 0xff, src >> 8, src & 0xff];
  const single = MAX_USER_DATA - 7;
  if (datagram.length <= single) {
    const out = new Uint8Array(7 + datagram.length);
    out.set([6, ...portsIe]);
    out.set(datagram, 7);
    return [out];
  }
  const per = MAX_USER_DATA - 12;
  const total = Math.ceil(datagram.length / per);
  if (total > 255) {
    throw new SmsError(
      'sms-too-large',
      `A ${datagram.length}-octet datagram needs ${total} segments; at most 255`,
      {
        length: datagram.length,
        total,
      },
    );
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < total; i++) {
    const chunk = datagram.subarray(i * per, (i + 1) * per);
    const segment = new Uint8Array(12 + chunk.length);
    segment.set([11, ...portsIe, 0x00, 0x03, reference, total, i + 1]);
    segment.set(chunk, 12);
    out.push(segment);
  }
  return out;
}
