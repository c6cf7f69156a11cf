/**
 * Auto-detect what a tester pasted or dropped, and take it down to the body the handset
 * checks and decodes: SMS segments → WSP push → body (WBXML or XML).
 *
 * Detection never guesses silently: every plausible reading is returned as a candidate
 * with a confidence and a reason, and `ambiguous` tells the UI to ask.
 */
import { BytesError, parseBase64, parseHex } from '../bytes/index.ts';
import { PayloadError, PushError, SmsError } from './errors.ts';
import { CONTENT_TYPE, parsePush, WELL_KNOWN_CONTENT_TYPES } from './push.ts';
import type { Layer, PushPdu } from './push.ts';
import { parseSegment, reassemble, WAP_PUSH_PORT } from './sms.ts';
import type { ReassembledSms } from './sms.ts';

export type PayloadKind = 'sms-segments' | 'wsp-push' | 'wbxml' | 'xml';
export type PayloadEncoding = 'binary' | 'hex' | 'hex-lines' | 'base64' | 'text';

export interface DetectCandidate {
  kind: PayloadKind;
  encoding: PayloadEncoding;
  /** 0..1. */
  confidence: number;
  reason: string;
  /** The decoded bytes (for `sms-segments`: the segments). */
  bytes: Uint8Array[];
}

export interface Detection {
  /** Best first. */
  candidates: DetectCandidate[];
  /** The two best candidates are close: the UI should ask the user. */
  ambiguous: boolean;
}

/** Well-known WBXML public ids that the handset handles, and a few it does not. */
const WBXML_PUBLIC_IDS: Readonly<Record<number, { name: string; relevant: boolean }>> = {
  0x01: { name: 'unknown', relevant: false },
  0x0b: { name: '-//WAPFORUM//DTD PROV 1.0//EN', relevant: true },
  0x0fd1: { name: '-//SYNCML//DTD SyncML 1.0//EN', relevant: false },
  0x0fd3: { name: '-//SYNCML//DTD SyncML 1.1//EN', relevant: true },
  0x1201: { name: '-//SYNCML//DTD SyncML 1.2//EN', relevant: true },
};
const KNOWN_CHARSETS = new Set([0, 3, 4, 106, 1000, 1015]);

const AMBIGUITY_MARGIN = 0.15;

// ---------------------------------------------------------------------------------------
// Text decoding

function decodeHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/0x(?=[0-9a-fA-F]{2})/g, '').replace(/[\s:,-]/g, '');
  if (clean.length === 0) return undefined;
  try {
    return parseHex(clean);
  } catch (error) {
    if (error instanceof BytesError) return undefined;
    throw error;
  }
}

function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s/g, '');
  if (clean.length === 0) return undefined;
  for (const url of [false, true]) {
    try {
      return parseBase64(clean, { url, allowMissingPadding: true });
    } catch (error) {
      if (!(error instanceof BytesError)) throw error;
    }
  }
  return undefined;
}

function readMbUint(bytes: Uint8Array, offset: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const b = bytes[offset + i];
    if (b === undefined) return undefined;
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return { value, next: offset + i + 1 };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Byte classification

interface ByteGuess {
  kind: PayloadKind;
  confidence: number;
  reason: string;
}

/** Does `bytes` look like the header of a WBXML document? Returns a guess or undefined. */
export function sniffWbxml(bytes: Uint8Array): ByteGuess | undefined {
  const version = bytes[0];
  if (version === undefined || version < 0x01 || version > 0x03 || bytes.length < 5) return undefined;
  const pid = readMbUint(bytes, 1);
  if (!pid) return undefined;
  let next = pid.next;
  let publicName: string;
  let relevant = false;
  if (pid.value === 0) {
    const index = readMbUint(bytes, next);
    if (!index) return undefined;
    next = index.next;
    publicName = `public id in string table at ${index.value}`;
  } else {
    const known = WBXML_PUBLIC_IDS[pid.value];
    if (known === undefined && pid.value > 0x0f) return undefined;
    publicName = known?.name ?? `public id 0x${pid.value.toString(16)}`;
    relevant = known?.relevant ?? false;
  }
  const charset = readMbUint(bytes, next);
  if (!charset) return undefined;
  const strtbl = readMbUint(bytes, charset.next);
  if (!strtbl || strtbl.next + strtbl.value >= bytes.length) return undefined;
  const firstToken = bytes[strtbl.next + strtbl.value] as number;
  const tokenOk = firstToken === 0x00 || (firstToken & 0x3f) >= 0x05;
  if (!tokenOk) return undefined;
  let confidence = relevant ? 0.8 : 0.45;
  if (!KNOWN_CHARSETS.has(charset.value)) confidence -= 0.25;
  if (pid.value === 0) confidence = 0.6;
  return {
    kind: 'wbxml',
    confidence,
    reason: `WBXML 1.${version - 1}, ${publicName}, charset ${charset.value}, string table ${strtbl.value} bytes`,
  };
}

function looksLikeXmlBytes(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  return bytes[i] === 0x3c;
}

/** A push that parses is likely; more so when the content type is known and the body fits it. */
function pushConfidence(push: PushPdu): number {
  const { name, code } = push.contentType;
  let confidence = 0.55;
  const known = code === undefined ? name.includes('/') : WELL_KNOWN_CONTENT_TYPES[code] !== undefined;
  if (known) confidence += 0.2;
  if (push.body.length === 0) return confidence - 0.3;
  if (name.endsWith('wbxml')) confidence += sniffWbxml(push.body) ? 0.2 : -0.1;
  else if (name.endsWith('xml')) confidence += looksLikeXmlBytes(push.body) ? 0.2 : -0.1;
  else if (known) confidence += 0.1;
  return confidence;
}

function classifyBytes(bytes: Uint8Array): ByteGuess[] {
  const guesses: ByteGuess[] = [];
  if (looksLikeXmlBytes(bytes))
    guesses.push({ kind: 'xml', confidence: 0.9, reason: 'Starts with "<": XML text' });

  try {
    const push = parsePush(bytes);
    guesses.push({
      kind: 'wsp-push',
      confidence: pushConfidence(push),
      reason: `WSP push (TID ${push.tid}), Content-Type ${push.contentType.name}${
        push.contentType.params.sec !== undefined ? `, SEC=${push.contentType.params.sec}` : ''
      }, body ${push.body.length} bytes`,
    });
  } catch (error) {
    if (!(error instanceof PushError)) throw error;
  }

  try {
    const segment = parseSegment(bytes);
    if (segment.ports?.destination === WAP_PUSH_PORT && segment.concat === undefined) {
      guesses.push({
        kind: 'sms-segments',
        confidence: 0.95,
        reason: `SMS user data with a UDH addressed to port ${WAP_PUSH_PORT} (WAP Push)`,
      });
    } else if (segment.ports?.destination === WAP_PUSH_PORT) {
      guesses.push({
        kind: 'sms-segments',
        confidence: 0.7,
        reason: `One SMS segment (part ${segment.concat?.sequence} of ${segment.concat?.total}) for port ${WAP_PUSH_PORT}; the other parts are needed`,
      });
    }
  } catch (error) {
    if (!(error instanceof SmsError)) throw error;
  }

  const wbxml = sniffWbxml(bytes);
  if (wbxml) guesses.push(wbxml);
  return guesses;
}

// ---------------------------------------------------------------------------------------
// Detection

function rank(candidates: DetectCandidate[]): Detection {
  candidates.sort((a, b) => b.confidence - a.confidence);
  const [first, second] = candidates;
  const ambiguous =
    first !== undefined && second !== undefined && first.confidence - second.confidence < AMBIGUITY_MARGIN;
  return { candidates, ambiguous };
}

/**
 * Every plausible reading of `input`, best first. Text may be hex (spaces, colons, `0x`
 * allowed), one hex SMS segment per line, base64 or XML; bytes may be a WSP push, an SMS
 * user data, WBXML or XML. Throws `PayloadError('empty-input')` for empty input; returns
 * no candidates when nothing fits.
 */
export function detectPayload(input: string | Uint8Array): Detection {
  const candidates: DetectCandidate[] = [];
  if (typeof input !== 'string') {
    if (input.length === 0) throw new PayloadError('empty-input', 'The input is empty');
    for (const g of classifyBytes(input)) candidates.push({ ...g, encoding: 'binary', bytes: [input] });
    return rank(candidates);
  }

  const text = input.replace(/^\uFEFF/, '').trim();
  if (text.length === 0) throw new PayloadError('empty-input', 'The input is empty');

  if (text.startsWith('<')) {
    candidates.push({
      kind: 'xml',
      confidence: 0.95,
      reason: 'Text starting with "<": XML',
      encoding: 'text',
      bytes: [new TextEncoder().encode(text)],
    });
    return rank(candidates);
  }

  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length > 1) {
    const decoded = lines.map(decodeHex);
    if (decoded.every((d) => d !== undefined)) {
      const segments = decoded as Uint8Array[];
      let confidence = 0;
      let reason = '';
      try {
        const sms = reassemble(segments);
        confidence = 0.95;
        reason = `${lines.length} hex lines forming one concatenated SMS (reference ${sms.reference ?? '-'}, ${sms.total} parts)`;
      } catch (error) {
        if (!(error instanceof SmsError)) throw error;
        const allHaveUdh = segments.every((s) => {
          try {
            return parseSegment(s).concat !== undefined;
          } catch {
            return false;
          }
        });
        if (allHaveUdh) {
          confidence = 0.8;
          reason = `${lines.length} hex lines that look like SMS segments, but they do not reassemble: ${error.message}`;
        }
      }
      if (confidence > 0)
        candidates.push({ kind: 'sms-segments', encoding: 'hex-lines', confidence, reason, bytes: segments });
    }
  }

  const hexBytes = decodeHex(text);
  if (hexBytes) {
    for (const g of classifyBytes(hexBytes)) {
      candidates.push({
        ...g,
        encoding: 'hex',
        confidence: g.confidence,
        reason: `hex: ${g.reason}`,
        bytes: [hexBytes],
      });
    }
  }
  const base64Bytes = decodeBase64(text);
  if (base64Bytes) {
    // An all-hex string is also valid base64; prefer the hex reading.
    const penalty = hexBytes ? 0.35 : 0.05;
    for (const g of classifyBytes(base64Bytes)) {
      candidates.push({
        ...g,
        encoding: 'base64',
        confidence: Math.max(0.05, g.confidence - penalty),
        reason: `base64: ${g.reason}`,
        bytes: [base64Bytes],
      });
    }
  }
  return rank(candidates);
}

// ---------------------------------------------------------------------------------------
// Unwrapping

export interface UnwrappedPayload {
  kind: PayloadKind;
  encoding: PayloadEncoding;
  /** SMS segments, datagram, WSP, body: each with annotated fields. */
  layers: Layer[];
  contentType: { name: string; code?: number };
  sec?: number;
  mac?: string;
  applicationId?: string;
  /** The body to verify and decode, byte-exact. */
  body: Uint8Array;
  bodyFormat: 'wbxml' | 'xml' | 'binary';
  push?: PushPdu;
  sms?: ReassembledSms;
  /** Other readings of the input, and whether the choice was close. */
  candidates: DetectCandidate[];
  ambiguous: boolean;
  warnings: string[];
}

function bodyFormat(body: Uint8Array): UnwrappedPayload['bodyFormat'] {
  if (looksLikeXmlBytes(body)) return 'xml';
  if (sniffWbxml(body)) return 'wbxml';
  return 'binary';
}

function fromPush(
  push: PushPdu,
  base: Omit<UnwrappedPayload, 'contentType' | 'body' | 'bodyFormat'>,
): UnwrappedPayload {
  const result: UnwrappedPayload = {
    ...base,
    contentType:
      push.contentType.code === undefined
        ? { name: push.contentType.name }
        : { name: push.contentType.name, code: push.contentType.code },
    body: push.body,
    bodyFormat: bodyFormat(push.body),
    push,
    layers: [...base.layers, ...push.layers],
    warnings: [...base.warnings, ...push.warnings],
  };
  if (push.contentType.params.sec !== undefined) result.sec = push.contentType.params.sec;
  if (push.contentType.params.mac !== undefined) result.mac = push.contentType.params.mac;
  if (push.applicationId !== undefined) result.applicationId = push.applicationId;
  return result;
}

/**
 * Take a pasted or dropped payload down to its body: `{ layers, contentType, sec, mac, body }`.
 * Without `chosenKind` the best candidate is used (see `ambiguous`). Throws `PayloadError`
 * (`empty-input`, `unrecognised-input`, `kind-mismatch`), or the `SmsError` / `PushError`
 * of the layer that failed.
 */
export function unwrapPayload(input: string | Uint8Array, chosenKind?: PayloadKind): UnwrappedPayload {
  const detection = detectPayload(input);
  const { candidates } = detection;
  if (candidates.length === 0) {
    throw new PayloadError(
      'unrecognised-input',
      'Not recognised: expected hex, base64 or binary of a WAP push PDU, SMS user data (one segment per line), WBXML or XML',
      { length: typeof input === 'string' ? input.length : input.length },
    );
  }
  const chosen = chosenKind === undefined ? candidates[0] : candidates.find((c) => c.kind === chosenKind);
  if (chosen === undefined) {
    throw new PayloadError(
      'kind-mismatch',
      `The input cannot be read as ${chosenKind}; it looks like ${candidates.map((c) => c.kind).join(' or ')}`,
      { chosenKind, detected: candidates.map((c) => c.kind) },
    );
  }
  const ambiguous = chosenKind === undefined && detection.ambiguous;
  const base = {
    kind: chosen.kind,
    encoding: chosen.encoding,
    candidates,
    ambiguous,
    layers: [] as Layer[],
    warnings: [] as string[],
  };
  const first = chosen.bytes[0] as Uint8Array;

  switch (chosen.kind) {
    case 'sms-segments': {
      const sms = reassemble(chosen.bytes);
      const push = parsePush(sms.datagram);
      return { ...fromPush(push, { ...base, layers: sms.layers, warnings: sms.warnings }), sms };
    }
    case 'wsp-push':
      return fromPush(parsePush(first), base);
    case 'wbxml': {
      const pid = readMbUint(first, 1)?.value;
      const name =
        pid === 0x0b
          ? CONTENT_TYPE.cpWbxml
          : pid === 0x1201 || pid === 0x0fd3
            ? CONTENT_TYPE.dmWbxml
            : 'application/vnd.wap.wbxml';
      return {
        ...base,
        contentType: { name },
        body: first,
        bodyFormat: 'wbxml',
        layers: [
          {
            kind: 'body',
            title: 'WBXML document',
            base: 'body',
            offset: 0,
            length: first.length,
            fields: [],
          },
        ],
      };
    }
    case 'xml': {
      const head = new TextDecoder().decode(first.subarray(0, 512));
      const name = /wap-provisioningdoc/.test(head)
        ? CONTENT_TYPE.cpXml
        : /<SyncML/.test(head)
          ? CONTENT_TYPE.dmXml
          : 'text/xml';
      return {
        ...base,
        contentType: { name },
        body: first,
        bodyFormat: 'xml',
        layers: [
          { kind: 'body', title: 'XML document', base: 'body', offset: 0, length: first.length, fields: [] },
        ],
      };
    }
  }
}
