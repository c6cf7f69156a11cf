/**
 * WAP Push over WSP connectionless mode (`oma-cp.md` §8): parse and build the push PDU
 * that carries a CP document, a DM bootstrap or a DM package 0.
 *
 * ```
 * TID (1) | PDU type 0x06 (1) | HeadersLen (uintvar) | Content-Type | Headers | Body
 * ```
 *
 * The body is returned as a subarray of the input, byte-exact, because the CP MAC is
 * computed over the bytes as received (`oma-cp.md` §6.2).
 */
import { hexByte, toHex } from '../bytes/index.ts';
import { CONTENT_TYPE } from '../media-types.ts';
import { PushError } from './errors.ts';

// ---------------------------------------------------------------------------------------
// Inspector annotations shared by the SMS, WSP and body layers

/** One field of a layer, for the tester's inspector. Offsets are relative to the layer's `base`. */
export interface LayerField {
  /** Stable machine name, e.g. `tid`, `headers-length`, `param-sec`. */
  name: string;
  /** Text for people, e.g. `SEC = 1 (USERPIN)`. */
  label: string;
  offset: number;
  length: number;
  /** Decoded value when it is a scalar. */
  value?: string | number;
}

/** A protocol layer of a received payload, with the byte span of each field. */
export interface Layer {
  kind: 'sms-segment' | 'sms-datagram' | 'wsp-push' | 'body';
  title: string;
  /** What offsets refer to: `segment 2` (its user data), `datagram` (the WSP PDU), `body`. */
  base: string;
  /** Where the layer starts and how long it is, in `base` coordinates. */
  offset: number;
  length: number;
  fields: LayerField[];
}

// ---------------------------------------------------------------------------------------
// Well-known values (WSP assigned numbers as listed in oma-cp.md §8.3 and WAP-230 tables)

/** Re-exported so CP readers keep one import; the strings live in core/media-types.ts. */
export { CONTENT_TYPE };

/** Well-known content types (code without the 0x80 bit). */
export const WELL_KNOWN_CONTENT_TYPES: Readonly<Record<number, string>> = {
  0x00: '*/*',
  0x01: 'text/*',
  0x02: 'text/html',
  0x03: 'text/plain',
  0x08: 'text/vnd.wap.wml',
  0x2d: 'text/vnd.wap.si',
  0x2e: 'application/vnd.wap.sic',
  0x2f: 'text/vnd.wap.sl',
  0x30: 'application/vnd.wap.slc',
  0x31: 'text/vnd.wap.co',
  0x32: 'application/vnd.wap.coc',
  0x35: CONTENT_TYPE.cpXml,
  0x36: CONTENT_TYPE.cpWbxml,
  0x3e: 'application/vnd.wap.mms-message',
  0x42: CONTENT_TYPE.dmWbxml,
  0x43: CONTENT_TYPE.dmXml,
  0x44: CONTENT_TYPE.dmNotification,
  0x4e: 'application/vnd.syncml.ds.notification',
  0x58: 'application/vnd.syncml.dm.notification',
};

/** X-Wap-Application-Id well-known values. */
export const WELL_KNOWN_APPLICATION_IDS: Readonly<Record<number, string>> = {
  0x00: 'x-wap-application:*',
  0x01: 'x-wap-application:push.sia',
  0x02: 'x-wap-application:wml.ua',
  0x03: 'x-wap-application:wta.ua',
  0x04: 'x-wap-application:mms.ua',
  0x05: 'x-wap-application:push.syncml',
  0x06: 'x-wap-application:loc.ua',
  0x07: 'x-wap-application:syncml.dm',
  0x08: 'x-wap-application:drm.ua',
  0x09: 'x-wap-application:emn.ua',
  0x0a: 'x-wap-application:wv.ua',
  0x10: 'x-oma-application:ulp.ua',
};

/** Well-known WSP header field names (code without the 0x80 bit), the ones a push may carry. */
const WELL_KNOWN_HEADERS: Readonly<Record<number, string>> = {
  0x0d: 'Content-Length',
  0x0e: 'Content-Location',
  0x12: 'Date',
  0x14: 'Expires',
  0x1c: 'Location',
  0x29: 'User-Agent',
  0x2f: 'X-Wap-Application-Id',
  0x30: 'X-Wap-Content-URI',
  0x31: 'X-Wap-Initiator-URI',
  0x34: 'Push-Flag',
};

const HEADER_APPLICATION_ID = 0x2f;

/** Well-known content-type parameter names (code without the 0x80 bit). */
const WELL_KNOWN_PARAMETERS: Readonly<Record<number, string>> = {
  0x00: 'Q',
  0x01: 'Charset',
  0x02: 'Level',
  0x03: 'Type',
  0x05: 'Name',
  0x06: 'Filename',
  0x07: 'Differences',
  0x08: 'Padding',
  0x09: 'Type',
  0x0a: 'Start',
  0x0b: 'Start-info',
  0x0c: 'Comment',
  0x0d: 'Domain',
  0x0e: 'Max-Age',
  0x0f: 'Path',
  0x10: 'Secure',
  0x11: 'SEC',
  0x12: 'MAC',
};

const PARAM_SEC = 0x11;
const PARAM_MAC = 0x12;
const PDU_TYPE_PUSH = 0x06;
const PDU_TYPE_CONFIRMED_PUSH = 0x07;

/** Names of the SEC values (`oma-cp.md` §6.1). */
export const SEC_NAMES: Readonly<Record<number, string>> = {
  0: 'NETWPIN',
  1: 'USERPIN',
  2: 'USERNETWPIN',
  3: 'USERPINMAC',
};

// ---------------------------------------------------------------------------------------
// Result types

export interface ContentTypeParameter {
  name: string;
  /** Well-known parameter code when sent as a token. */
  code?: number;
  value: string | number;
}

export interface PushContentType {
  /** MIME name, e.g. `application/vnd.wap.connectivity-wbxml`; `0x4F` style when the code is unknown. */
  name: string;
  /** Well-known code (without the 0x80 bit) when the media type was sent as an integer. */
  code?: number;
  /** Which of the three encodings was used. */
  form: 'short-integer' | 'text' | 'general';
  params: {
    sec?: number;
    /** MAC text exactly as received (no case change). */
    mac?: string;
    /** Every other parameter, in order. */
    others: ContentTypeParameter[];
  };
}

export interface PushHeader {
  name: string;
  /** Decoded value: a name for well-known ids, a number for integers, text, or hex for opaque values. */
  value: string | number;
  /** Well-known field code when sent as one. */
  code?: number;
}

export interface PushPdu {
  tid: number;
  pduType: number;
  headersLength: number;
  contentType: PushContentType;
  headers: PushHeader[];
  /** X-Wap-Application-Id as a name (`x-wap-application:syncml.dm`) when present. */
  applicationId?: string;
  /** Numeric X-Wap-Application-Id when it was sent as an integer. */
  applicationIdCode?: number;
  /** The body, a subarray of the input (byte-exact, shares its buffer). */
  body: Uint8Array;
  bodyOffset: number;
  /** Oddities that did not stop parsing (duplicate SEC, text parameters…). */
  warnings: string[];
  /** The WSP layer annotated for the inspector (offsets relative to the PDU). */
  layers: Layer[];
}

// ---------------------------------------------------------------------------------------
// Reader

class Cursor {
  offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly limit: number = bytes.length,
  ) {}

  get remaining(): number {
    return this.limit - this.offset;
  }

  need(count: number, what: string): void {
    if (this.offset + count > this.limit) {
      throw new PushError(
        'truncated',
        `Truncated push: ${what} needs ${count} byte(s) at offset ${this.offset}`,
        {
          offset: this.offset,
          needed: count,
          available: Math.max(0, this.limit - this.offset),
          field: what,
        },
      );
    }
  }

  peek(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset] as number;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++] as number;
  }

  take(count: number, what: string): Uint8Array {
    this.need(count, what);
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  /** uintvar: 7 bits per octet, high bit = continuation, at most 5 octets (32 bits). */
  uintvar(what: string): number {
    const start = this.offset;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8(what);
      value = value * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) break;
        return value;
      }
    }
    throw new PushError('bad-uintvar', `${what}: uintvar at offset ${start} is longer than 32 bits`, {
      offset: start,
      field: what,
    });
  }

  /** NUL-terminated text; a leading 0x7F quote (text starting with a high octet) is dropped. */
  text(what: string): string {
    const start = this.offset;
    let end = start;
    while (end < this.limit && this.bytes[end] !== 0) end++;
    if (end >= this.limit) {
      throw new PushError('truncated', `Truncated push: ${what} at offset ${start} has no terminating NUL`, {
        offset: start,
        field: what,
      });
    }
    let from = start;
    if (this.bytes[from] === 0x7f) from++;
    this.offset = end + 1;
    return latin1(this.bytes.subarray(from, end));
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

const hexOf = (bytes: Uint8Array): string => toHex(bytes).toUpperCase();

function code2(code: number): string {
  return `0x${hexByte(code).toUpperCase()}`;
}

/** Value-length: 0..30 is the length, 31 is followed by a uintvar length. Returns the length. */
function readValueLength(cur: Cursor, what: string): number {
  const first = cur.u8(what);
  if (first <= 30) return first;
  if (first === 31) return cur.uintvar(what);
  throw new PushError('bad-content-type', `${what}: expected a value length at offset ${cur.offset - 1}`, {
    offset: cur.offset - 1,
    field: what,
  });
}

/** Integer-value: short-integer (0x80|n) or long-integer (length 1..8, then big-endian octets). */
function readInteger(cur: Cursor, what: string): number {
  const first = cur.u8(what);
  if (first & 0x80) return first & 0x7f;
  if (first >= 1 && first <= 8) {
    const octets = cur.take(first, what);
    let value = 0;
    for (const b of octets) value = value * 256 + b;
    return value;
  }
  throw new PushError('bad-content-type', `${what}: expected an integer at offset ${cur.offset - 1}`, {
    offset: cur.offset - 1,
    field: what,
  });
}

/**
 * Generic WSP value, used to skip or render values of unknown fields:
 * 0..30 = that many octets follow, 31 = uintvar length, 32..127 = NUL-terminated text,
 * 128..255 = one-octet short integer.
 */
function readGenericValue(cur: Cursor, what: string): string | number {
  const first = cur.peek(what);
  if (first >= 0x80) {
    cur.offset++;
    return first & 0x7f;
  }
  if (first >= 32) {
    const s = cur.text(what);
    return s.startsWith('"') ? s.slice(1) : s;
  }
  cur.offset++;
  const length = first === 31 ? cur.uintvar(what) : first;
  return hexOf(cur.take(length, what));
}

/** Text-value of a parameter: No-value (0x00), Token-text, or Quoted-string (leading `"`). */
function readTextValue(cur: Cursor, what: string): string {
  if (cur.peek(what) === 0) {
    cur.offset++;
    return '';
  }
  const s = cur.text(what);
  return s.startsWith('"') ? s.slice(1) : s;
}

function contentTypeName(code: number): string {
  return WELL_KNOWN_CONTENT_TYPES[code] ?? code2(code);
}

// ---------------------------------------------------------------------------------------
// Parser

/**
 * Parse a WSP connectionless push PDU. Throws `PushError` with code `not-a-push`,
 * `truncated` (with `details.offset`), `bad-uintvar`, `bad-content-type` or `bad-header`.
 */
export function parsePush(pdu: Uint8Array): PushPdu {
  const cur = new Cursor(pdu);
  const fields: LayerField[] = [];
  const warnings: string[] = [];

  const tid = cur.u8('TID');
  fields.push({ name: 'tid', label: `TID = ${tid}`, offset: 0, length: 1, value: tid });
  const pduType = cur.u8('PDU type');
  if (pduType !== PDU_TYPE_PUSH) {
    const hint =
      pduType === PDU_TYPE_CONFIRMED_PUSH
        ? ' (0x07 is ConfirmedPush, a connection-oriented PDU, not used for SMS push)'
        : '';
    throw new PushError(
      'not-a-push',
      `Not a WSP push: PDU type at offset 1 is ${code2(pduType)}, expected 0x06${hint}`,
      {
        offset: 1,
        pduType,
      },
    );
  }
  fields.push({ name: 'pdu-type', label: 'PDU type = 0x06 (Push)', offset: 1, length: 1, value: pduType });

  const hlStart = cur.offset;
  const headersLength = cur.uintvar('HeadersLen');
  fields.push({
    name: 'headers-length',
    label: `HeadersLen = ${headersLength}`,
    offset: hlStart,
    length: cur.offset - hlStart,
    value: headersLength,
  });
  const headersStart = cur.offset;
  const headersEnd = headersStart + headersLength;
  if (headersEnd > pdu.length) {
    throw new PushError(
      'truncated',
      `Truncated push: HeadersLen ${headersLength} at offset ${hlStart} runs past the end of the ${pdu.length}-byte PDU`,
      { offset: headersStart, needed: headersLength, available: pdu.length - headersStart, field: 'headers' },
    );
  }
  if (headersLength === 0) {
    throw new PushError(
      'bad-content-type',
      `HeadersLen is 0 at offset ${hlStart}: a push must carry a Content-Type`,
      {
        offset: hlStart,
      },
    );
  }

  const headerCur = new Cursor(pdu, headersEnd);
  headerCur.offset = headersStart;
  const contentType = parseContentType(headerCur, fields, warnings);

  const headers: PushHeader[] = [];
  let applicationId: string | undefined;
  let applicationIdCode: number | undefined;
  while (headerCur.remaining > 0) {
    const start = headerCur.offset;
    const header = parseHeader(headerCur);
    headers.push(header);
    fields.push({
      name: header.code === HEADER_APPLICATION_ID ? 'application-id' : 'header',
      label: `${header.name}: ${String(header.value)}`,
      offset: start,
      length: headerCur.offset - start,
      value: header.value,
    });
    if (header.code === HEADER_APPLICATION_ID || header.name.toLowerCase() === 'x-wap-application-id') {
      if (applicationId === undefined) {
        if (typeof header.value === 'number') {
          applicationIdCode = header.value;
          applicationId = WELL_KNOWN_APPLICATION_IDS[header.value] ?? code2(header.value);
        } else {
          applicationId = header.value;
        }
      } else {
        warnings.push(`X-Wap-Application-Id repeated at offset ${start}; the first one is used`);
      }
    }
  }

  const body = pdu.subarray(headersEnd);
  fields.push({ name: 'body', label: `Body, ${body.length} bytes`, offset: headersEnd, length: body.length });

  const result: PushPdu = {
    tid,
    pduType,
    headersLength,
    contentType,
    headers,
    body,
    bodyOffset: headersEnd,
    warnings,
    layers: [
      { kind: 'wsp-push', title: 'WSP push', base: 'datagram', offset: 0, length: pdu.length, fields },
      {
        kind: 'body',
        title: `Body (${contentType.name})`,
        base: 'datagram',
        offset: headersEnd,
        length: body.length,
        fields: [],
      },
    ],
  };
  if (applicationId !== undefined) result.applicationId = applicationId;
  if (applicationIdCode !== undefined) result.applicationIdCode = applicationIdCode;
  return result;
}

function parseContentType(cur: Cursor, fields: LayerField[], warnings: string[]): PushContentType {
  const start = cur.offset;
  const first = cur.peek('Content-Type');
  if (first >= 0x80) {
    cur.offset++;
    const code = first & 0x7f;
    const name = contentTypeName(code);
    fields.push({
      name: 'content-type',
      label: `Content-Type = ${name} (${code2(first)})`,
      offset: start,
      length: 1,
      value: name,
    });
    return { name, code, form: 'short-integer', params: { others: [] } };
  }
  if (first >= 0x20) {
    const name = cur.text('Content-Type');
    fields.push({
      name: 'content-type',
      label: `Content-Type = ${name}`,
      offset: start,
      length: cur.offset - start,
      value: name,
    });
    return { name, form: 'text', params: { others: [] } };
  }

  // General form: Value-length Media-type *Parameter
  const length = readValueLength(cur, 'Content-Type length');
  const valueStart = cur.offset;
  const valueEnd = valueStart + length;
  if (valueEnd > cur.limit) {
    throw new PushError(
      'truncated',
      `Truncated push: Content-Type value length ${length} at offset ${start} runs past the headers (end ${cur.limit})`,
      { offset: valueStart, needed: length, available: cur.limit - valueStart, field: 'Content-Type' },
    );
  }
  fields.push({
    name: 'content-type-length',
    label: `Content-Type value length = ${length}${first === 31 ? ' (0x1F length quote + uintvar)' : ''}`,
    offset: start,
    length: valueStart - start,
    value: length,
  });

  const inner = new Cursor(cur.bytes, valueEnd);
  inner.offset = valueStart;
  const mediaFirst = inner.peek('Media-type');
  let name: string;
  let code: number | undefined;
  if (mediaFirst >= 0x80 || mediaFirst <= 8) {
    code = readInteger(inner, 'Media-type');
    name = contentTypeName(code);
  } else {
    name = inner.text('Media-type');
  }
  fields.push({
    name: 'media-type',
    label: `Media type = ${name}${code === undefined ? '' : ` (${code2(code | (code < 0x80 ? 0x80 : 0))})`}`,
    offset: valueStart,
    length: inner.offset - valueStart,
    value: name,
  });

  const params: PushContentType['params'] = { others: [] };
  while (inner.remaining > 0) {
    const pStart = inner.offset;
    const pFirst = inner.peek('parameter');
    let pName: string;
    let pCode: number | undefined;
    if (pFirst >= 0x80 || pFirst <= 8) {
      pCode = readInteger(inner, 'parameter name');
      pName = WELL_KNOWN_PARAMETERS[pCode] ?? code2(pCode);
    } else {
      pName = inner.text('parameter name');
    }
    const upper = pName.toUpperCase();
    const isSec = pCode === PARAM_SEC || (pCode === undefined && upper === 'SEC');
    const isMac = pCode === PARAM_MAC || (pCode === undefined && upper === 'MAC');
    if (isSec) {
      let sec: number;
      const vFirst = inner.peek('SEC value');
      if (vFirst >= 0x80 || vFirst <= 8) {
        sec = readInteger(inner, 'SEC value');
      } else {
        const textValue = readTextValue(inner, 'SEC value');
        sec = /^\d+$/.test(textValue) ? Number(textValue) : NaN;
        warnings.push(`SEC sent as text "${textValue}" at offset ${pStart}`);
        if (Number.isNaN(sec)) {
          throw new PushError(
            'bad-content-type',
            `SEC parameter at offset ${pStart} has a non-numeric value "${textValue}"`,
            {
              offset: pStart,
            },
          );
        }
      }
      if (params.sec === undefined) params.sec = sec;
      else warnings.push(`SEC repeated at offset ${pStart}; the first one is used`);
      fields.push({
        name: 'param-sec',
        label: `SEC = ${sec}${SEC_NAMES[sec] ? ` (${SEC_NAMES[sec]})` : ' (unknown)'}`,
        offset: pStart,
        length: inner.offset - pStart,
        value: sec,
      });
    } else if (isMac) {
      const mac = readTextValue(inner, 'MAC value');
      if (params.mac === undefined) params.mac = mac;
      else warnings.push(`MAC repeated at offset ${pStart}; the first one is used`);
      fields.push({
        name: 'param-mac',
        label: `MAC = ${mac}`,
        offset: pStart,
        length: inner.offset - pStart,
        value: mac,
      });
    } else {
      const value =
        pCode === undefined ? readUntypedValue(inner) : readGenericValue(inner, `parameter ${pName}`);
      const param: ContentTypeParameter =
        pCode === undefined ? { name: pName, value } : { name: pName, code: pCode, value };
      params.others.push(param);
      fields.push({
        name: 'param',
        label: `${pName} = ${String(value)}`,
        offset: pStart,
        length: inner.offset - pStart,
        value,
      });
    }
  }
  cur.offset = valueEnd;
  const result: PushContentType = { name, form: 'general', params };
  if (code !== undefined) result.code = code;
  return result;
}

/** Untyped-value: Integer-value or Text-value. */
function readUntypedValue(cur: Cursor): string | number {
  const first = cur.peek('parameter value');
  if (first >= 0x80 || (first >= 1 && first <= 8)) return readInteger(cur, 'parameter value');
  return readTextValue(cur, 'parameter value');
}

function parseHeader(cur: Cursor): PushHeader {
  const start = cur.offset;
  const first = cur.u8('header');
  if (first >= 0x80) {
    const code = first & 0x7f;
    const name = WELL_KNOWN_HEADERS[code] ?? `header ${code2(code)}`;
    if (code === HEADER_APPLICATION_ID) {
      const v = cur.peek('X-Wap-Application-Id value');
      const value =
        v >= 0x80 || v <= 8
          ? readInteger(cur, 'X-Wap-Application-Id value')
          : cur.text('X-Wap-Application-Id value');
      return { name, code, value };
    }
    return { name, code, value: readGenericValue(cur, name) };
  }
  if (first === 0x7f) {
    const page = cur.u8('shift page');
    return { name: 'Shift-sequence', value: page };
  }
  if (first >= 0x01 && first <= 0x1f) {
    return { name: 'Short-cut-shift', value: first };
  }
  if (first === 0) {
    throw new PushError(
      'bad-header',
      `Header at offset ${start} starts with 0x00, which is not a field name`,
      {
        offset: start,
      },
    );
  }
  cur.offset = start;
  const name = cur.text('header name');
  const value = cur.text(`header ${name} value`);
  return { name, value };
}

// ---------------------------------------------------------------------------------------
// Builder

export interface BuildPushOptions {
  /** A well-known code (e.g. 0x36), a MIME name (mapped to its code when well-known), or any text. */
  contentType: number | string;
  sec?: number;
  /** MAC text; written as a Text-string parameter after SEC. */
  mac?: string;
  /** A well-known code (e.g. 0x07), a name (`x-wap-application:syncml.dm`, mapped when well-known), or a URI. */
  applicationId?: number | string;
  body: Uint8Array;
  /** Default 0x01. */
  tid?: number;
  /** Force the general (value-length) content-type form even without parameters. */
  generalForm?: boolean;
}

function encodeUintvar(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new PushError('bad-push-input', `Cannot encode ${value} as a uintvar`, { value });
  }
  const out = [value % 128];
  let rest = Math.floor(value / 128);
  while (rest > 0) {
    out.unshift((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  return out;
}

function encodeText(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c > 0xff) {
      throw new PushError(
        'bad-push-input',
        `Text "${text}" has a character that cannot be sent as a WSP text string`,
        {
          text,
        },
      );
    }
    out.push(c);
  }
  if ((out[0] ?? 0) >= 0x80) out.unshift(0x7f);
  out.push(0);
  return out;
}

function encodeInteger(value: number): number[] {
  if (!Number.isInteger(value) || value < 0) {
    throw new PushError('bad-push-input', `Cannot encode ${value} as a WSP integer`, { value });
  }
  if (value < 0x80) return [0x80 | value];
  const octets: number[] = [];
  let rest = value;
  while (rest > 0) {
    octets.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return [octets.length, ...octets];
}

function lookupCode(table: Readonly<Record<number, string>>, name: string): number | undefined {
  const lower = name.toLowerCase();
  for (const [code, known] of Object.entries(table)) if (known === lower) return Number(code);
  return undefined;
}

/** Build a WSP connectionless push PDU (what `parsePush` reads back). */
export function buildPush(options: BuildPushOptions): Uint8Array {
  const tid = options.tid ?? 0x01;
  if (!Number.isInteger(tid) || tid < 0 || tid > 0xff) {
    throw new PushError('bad-push-input', `TID ${tid} does not fit one octet`, { tid });
  }
  const mediaCode =
    typeof options.contentType === 'number'
      ? options.contentType
      : lookupCode(WELL_KNOWN_CONTENT_TYPES, options.contentType);
  const media =
    mediaCode === undefined ? encodeText(options.contentType as string) : encodeInteger(mediaCode);

  const params: number[] = [];
  if (options.sec !== undefined) params.push(0x80 | PARAM_SEC, ...encodeInteger(options.sec));
  if (options.mac !== undefined) params.push(0x80 | PARAM_MAC, ...encodeText(options.mac));

  let contentType: number[];
  if (params.length === 0 && !options.generalForm) {
    contentType = media;
  } else {
    const value = [...media, ...params];
    contentType =
      value.length <= 30 ? [value.length, ...value] : [31, ...encodeUintvar(value.length), ...value];
  }

  const headers: number[] = [];
  if (options.applicationId !== undefined) {
    const appCode =
      typeof options.applicationId === 'number'
        ? options.applicationId
        : lookupCode(WELL_KNOWN_APPLICATION_IDS, options.applicationId);
    headers.push(
      0x80 | HEADER_APPLICATION_ID,
      ...(appCode === undefined ? encodeText(options.applicationId as string) : encodeInteger(appCode)),
    );
  }

  const headerBlock = [...contentType, ...headers];
  const prefix = [tid, PDU_TYPE_PUSH, ...encodeUintvar(headerBlock.length), ...headerBlock];
  const out = new Uint8Array(prefix.length + options.body.length);
  out.set(prefix);
  out.set(options.body, prefix.length);
  return out;
}
