/**
 * Benchmark baseline only, not used by the app: the WBXML decoder as it was before the tape
 * (decision 0106), frozen so bench/heap/probe.ts can compare peak heap. Fixes belong in
 * src/core/wbxml/decode.ts, not here. Its original description follows.
 *
 * WBXML 1.1-1.3 decoder (WAP-192-WBXML; /work/shared/spec/wbxml.md). Index-based and
 * iterative: one pass over the input, an explicit stack instead of recursion, children
 * collected on a shared stack and sliced once per element, so time and memory are linear in
 * the input. Every length read from the input is checked against the bytes left and the
 * limits before anything is allocated.
 */
import { BytesError } from '../../src/core/bytes/errors.ts';
import { decodeUtf8 } from '../../src/core/bytes/utf8.ts';
import type { XmlAttribute, XmlDocument, XmlElement, XmlNode } from '../../src/core/wbxml/document.ts';
import { WbxmlError } from '../../src/core/wbxml/errors.ts';
import {
  languageByFpi,
  languageByKey,
  languageByPublicId,
  type Language,
  type LanguageKey,
} from '../../src/core/wbxml/code-pages/languages.ts';
import { G } from '../../src/core/wbxml/tokens.ts';

export interface WbxmlLimits {
  /** Largest input accepted, in bytes. Default 16 MiB. */
  maxInputBytes: number;
  /** Deepest element nesting. Default 256. */
  maxDepth: number;
  /** Longest single string, string table or OPAQUE, in bytes. Default 8 MiB. */
  maxStringLength: number;
  /** Most elements in one document. Default 1,000,000. */
  maxElements: number;
}

export const DEFAULT_WBXML_LIMITS: Readonly<WbxmlLimits> = Object.freeze({
  maxInputBytes: 16 * 1024 * 1024,
  maxDepth: 256,
  maxStringLength: 8 * 1024 * 1024,
  maxElements: 1_000_000,
});

export interface WbxmlDecodeOptions extends Partial<WbxmlLimits> {
  /**
   * Code pages to use when the header's public id is unknown (like `wbxml2xml -l`). A known
   * public id in the header always wins.
   */
  language?: LanguageKey;
}

export interface WbxmlDecoded {
  document: XmlDocument;
  /** Version byte: 0x01 = 1.1, 0x02 = 1.2, 0x03 = 1.3. */
  version: number;
  /** The public id when given as a number in the header, null when given as a string-table reference. */
  publicIdNumber: number | null;
  /** IANA MIBenum of the document charset (106 = UTF-8). */
  charset: number;
  /** The raw string table (a view into the input). */
  stringTable: Uint8Array;
  /** Key of the code pages used, e.g. `prov` or `syncml12`. */
  language: LanguageKey;
}

/** Charsets whose strings this decoder can read (MIBenum → name). */
const CHARSETS: Readonly<Record<number, string>> = {
  0: 'unknown (read as UTF-8)',
  3: 'US-ASCII',
  4: 'ISO-8859-1',
  106: 'UTF-8',
};

interface Frame {
  element: XmlElement;
  /** Effective namespace of the element (its own or inherited). */
  namespace: string | undefined;
  /** Index in the shared child stack where this element's children start. */
  childStart: number;
}

export function decodeWbxml(bytes: Uint8Array, options: WbxmlDecodeOptions = {}): WbxmlDecoded {
  return new Decoder(bytes, options).run();
}

class Decoder {
  private readonly b: Uint8Array;
  private pos = 0;
  private readonly limits: WbxmlLimits;
  private readonly forced: LanguageKey | undefined;
  private lang!: Language;
  private latin1 = false;
  private table: Uint8Array = new Uint8Array(0);
  private tableStart = 0;
  private readonly tableCache = new Map<number, string>();
  private elementCount = 0;
  private tagPage = 0;
  private attrPage = 0;

  constructor(bytes: Uint8Array, options: WbxmlDecodeOptions) {
    this.b = bytes;
    this.limits = {
      maxInputBytes: options.maxInputBytes ?? DEFAULT_WBXML_LIMITS.maxInputBytes,
      maxDepth: options.maxDepth ?? DEFAULT_WBXML_LIMITS.maxDepth,
      maxStringLength: options.maxStringLength ?? DEFAULT_WBXML_LIMITS.maxStringLength,
      maxElements: options.maxElements ?? DEFAULT_WBXML_LIMITS.maxElements,
    };
    this.forced = options.language;
  }

  run(): WbxmlDecoded {
    const b = this.b;
    if (b.length > this.limits.maxInputBytes) {
      throw new WbxmlError(
        'limit-exceeded',
        `input is ${b.length} bytes, more than the limit of ${this.limits.maxInputBytes}`,
        0,
      );
    }
    // Header: version publicid charset strtbl.
    const version = this.u8();
    if (version < 0x01 || version > 0x03) {
      throw new WbxmlError(
        'bad-version',
        `unsupported WBXML version byte 0x${hex2(version)} (1.1-1.3 are 0x01-0x03)`,
        0,
      );
    }
    const publicIdAt = this.pos;
    let publicIdNumber: number | null = this.mb();
    let publicIdIndex = -1;
    if (publicIdNumber === 0) {
      publicIdIndex = this.mb();
      publicIdNumber = null;
    }
    const charsetAt = this.pos;
    const charset = this.mb();
    if (CHARSETS[charset] === undefined) {
      throw new WbxmlError(
        'unsupported-charset',
        `charset MIBenum ${charset} is not supported (UTF-8 = 106, US-ASCII = 3, ISO-8859-1 = 4)`,
        charsetAt,
        { charset },
      );
    }
    this.latin1 = charset === 4;
    const tableLength = this.length('string table');
    this.tableStart = this.pos;
    this.table = b.subarray(this.pos, this.pos + tableLength);
    this.pos += tableLength;

    let fpi: string | null;
    let lang: Language | undefined;
    if (publicIdNumber !== null) {
      lang = languageByPublicId(publicIdNumber);
      fpi = lang?.def.fpi ?? null;
    } else {
      fpi = this.tableString(publicIdIndex, publicIdAt + 1, true);
      lang = languageByFpi(fpi);
    }
    if (!lang && this.forced) lang = languageByKey(this.forced);
    if (!lang) {
      const what =
        publicIdNumber !== null ? `public id 0x${publicIdNumber.toString(16)}` : `public id "${fpi}"`;
      throw new WbxmlError(
        'bad-public-id',
        `${what} is not a known WBXML language; pass a language (prov, syncml12, dmddf12 …) to decode it`,
        publicIdAt,
        { publicIdNumber, fpi },
      );
    }
    this.lang = lang;

    const root = this.body();
    const document: XmlDocument = { publicId: fpi ?? lang.def.fpi, root };
    return {
      document,
      version,
      publicIdNumber,
      charset,
      stringTable: this.table,
      language: lang.key as LanguageKey,
    };
  }

  // ---- byte reading -------------------------------------------------------

  private truncated(what: string): WbxmlError {
    return new WbxmlError('truncated', `input ends at offset ${this.b.length} inside ${what}`, this.b.length);
  }

  private u8(): number {
    if (this.pos >= this.b.length) throw this.truncated('the header');
    return this.b[this.pos++] as number;
  }

  private mb(): number {
    const start = this.pos;
    const b = this.b;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= b.length) throw this.truncated('a multi-byte integer');
      const byte = b[this.pos++] as number;
      value = value * 128 + (byte & 0x7f);
      if (byte < 0x80) {
        if (value > 0xffffffff) throw new WbxmlError('bad-integer', 'mb_u_int32 exceeds 32 bits', start);
        return value;
      }
    }
    throw new WbxmlError('bad-integer', 'mb_u_int32 is longer than 5 bytes', start);
  }

  /** A length field: checked against the string limit, then against the bytes left. */
  private length(what: string): number {
    const at = this.pos;
    const n = this.mb();
    if (n > this.limits.maxStringLength) {
      throw new WbxmlError(
        'limit-exceeded',
        `${what} of ${n} bytes is longer than the limit of ${this.limits.maxStringLength}`,
        at,
      );
    }
    if (n > this.b.length - this.pos) throw this.truncated(what);
    return n;
  }

  private text(start: number, end: number): string {
    if (this.latin1) {
      let s = '';
      for (let i = start; i < end; i++) s += String.fromCharCode(this.b[i] as number);
      return s;
    }
    try {
      return decodeUtf8(this.b, start, end, start);
    } catch (error) {
      if (error instanceof BytesError) throw new WbxmlError('bad-utf8', error.message, error.offset);
      throw error;
    }
  }

  /** STR_I content: bytes up to a NUL, decoded. */
  private inlineString(): string {
    const b = this.b;
    const start = this.pos;
    const idx = b.indexOf(0, start);
    if (idx < 0) {
      this.pos = b.length;
      throw this.truncated('an inline string (no NUL terminator)');
    }
    if (idx - start > this.limits.maxStringLength) {
      throw new WbxmlError(
        'limit-exceeded',
        `inline string longer than the limit of ${this.limits.maxStringLength} bytes`,
        start,
      );
    }
    this.pos = idx + 1;
    return this.text(start, idx);
  }

  /** The NUL-terminated string at `index` in the string table. */
  private tableString(index: number, at: number, unterminatedOk = false): string {
    const cached = this.tableCache.get(index);
    if (cached !== undefined) return cached;
    const t = this.table;
    if (index >= t.length) {
      throw new WbxmlError(
        'bad-string-ref',
        `string table reference ${index} is outside the ${t.length}-byte table`,
        at,
      );
    }
    const nul = t.indexOf(0, index);
    let end = nul;
    // AOSP's DM test messages give the public id as a string-table entry without its NUL
    // (table length 0x1D for the 29-character FPI): accepted for the public id only.
    if (end < 0 && unterminatedOk) end = t.length;
    if (end < 0) {
      throw new WbxmlError(
        'bad-string-ref',
        `string table reference ${index} points at a string with no NUL terminator`,
        at,
      );
    }
    const s = this.text(this.tableStart + index, this.tableStart + end);
    if (nul >= 0) this.tableCache.set(index, s);
    return s;
  }

  private tableRef(): string {
    const at = this.pos - 1; // the token that refers to the table
    return this.tableString(this.mb(), at);
  }

  private entity(at: number): string {
    const cp = this.mb();
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new WbxmlError('bad-entity', `ENTITY ${cp} is not a Unicode scalar value`, at);
    }
    return String.fromCodePoint(cp);
  }

  private opaque(): Uint8Array {
    const n = this.length('OPAQUE data');
    const data = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return data;
  }

  private switchPage(): number {
    if (this.pos >= this.b.length) throw this.truncated('SWITCH_PAGE');
    return this.b[this.pos++] as number;
  }

  // ---- structure ------------------------------------------------------------

  private body(): XmlElement {
    const b = this.b;
    // Leading SWITCH_PAGEs (e.g. TNDS starts on page 2). PIs are not supported.
    while (this.pos < b.length && b[this.pos] === G.SWITCH_PAGE) {
      this.pos++;
      this.tagPage = this.switchPage();
    }
    if (this.pos >= b.length) throw this.truncated('the body (no root element)');

    const nodes: XmlNode[] = [];
    const stack: Frame[] = [];
    let parts: string[] = [];
    let root: XmlElement | undefined;

    const flushText = (): void => {
      if (parts.length === 0) return;
      nodes.push({ kind: 'text', value: parts.length === 1 ? (parts[0] as string) : parts.join('') });
      parts = [];
    };

    // Open the root.
    {
      const at = this.pos;
      const token = b[this.pos++] as number;
      const frame = this.openElement(token, at, undefined, true);
      root = frame.element;
      if ((token & 0x40) === 0) return this.finishBody(root);
      frame.childStart = 0;
      stack.push(frame);
    }

    while (stack.length > 0) {
      if (this.pos >= b.length)
        throw this.truncated(`the content of <${stack[stack.length - 1]!.element.name}>`);
      const at = this.pos;
      const token = b[this.pos++] as number;
      switch (token) {
        case G.SWITCH_PAGE:
          this.tagPage = this.switchPage();
          continue;
        case G.END: {
          flushText();
          const frame = stack.pop()!;
          frame.element.children = nodes.slice(frame.childStart);
          nodes.length = frame.childStart;
          continue;
        }
        case G.STR_I:
          parts.push(this.inlineString());
          continue;
        case G.STR_T:
          parts.push(this.tableRef());
          continue;
        case G.ENTITY:
          parts.push(this.entity(at));
          continue;
        case G.OPAQUE:
          flushText();
          nodes.push({ kind: 'opaque', bytes: this.opaque() });
          continue;
        case G.EXT_I_0:
        case G.EXT_I_1:
        case G.EXT_I_2:
        case G.EXT_T_0:
        case G.EXT_T_1:
        case G.EXT_T_2:
        case G.EXT_0:
        case G.EXT_1:
        case G.EXT_2:
          throw new WbxmlError(
            'unknown-token',
            `extension token 0x${hex2(token)} has no meaning in ${this.lang.def.title}`,
            at,
          );
        case G.PI:
          throw new WbxmlError('unknown-token', 'processing instructions (PI, 0x43) are not supported', at);
        default: {
          flushText();
          if (stack.length >= this.limits.maxDepth) {
            throw new WbxmlError('limit-exceeded', `elements nested deeper than ${this.limits.maxDepth}`, at);
          }
          const parent = stack[stack.length - 1]!;
          const frame = this.openElement(token, at, parent.namespace, false);
          nodes.push(frame.element);
          if ((token & 0x40) !== 0) {
            frame.childStart = nodes.length;
            stack.push(frame);
          }
        }
      }
    }
    return this.finishBody(root);
  }

  private finishBody(root: XmlElement): XmlElement {
    if (this.pos < this.b.length) {
      throw new WbxmlError(
        'trailing-bytes',
        `${this.b.length - this.pos} byte(s) after the end of the root element`,
        this.pos,
      );
    }
    return root;
  }

  private openElement(token: number, at: number, parentNs: string | undefined, isRoot: boolean): Frame {
    if (++this.elementCount > this.limits.maxElements) {
      throw new WbxmlError('limit-exceeded', `more than ${this.limits.maxElements} elements`, at);
    }
    const id = token & 0x3f;
    let name: string;
    let ns: string | undefined;
    if (id === G.LITERAL) {
      name = this.tableRef();
      ns = parentNs;
    } else if (id < 5) {
      throw new WbxmlError(
        'bad-structure',
        `global token 0x${hex2(token)} where an element was expected`,
        at,
      );
    } else {
      const found = this.lang.tagName(this.tagPage, id);
      if (found === undefined) {
        throw new WbxmlError(
          'unknown-token',
          `tag token 0x${hex2(id)} is not defined on code page ${this.tagPage} of ${this.lang.def.title}`,
          at,
          { page: this.tagPage, token: id },
        );
      }
      name = found;
      ns = this.lang.namespaceOf(this.tagPage) ?? parentNs;
    }
    const attributes = (token & 0x80) !== 0 ? this.attributes() : [];
    const element: XmlElement =
      ns !== undefined && (isRoot || ns !== parentNs)
        ? { kind: 'element', name, namespace: ns, attributes, children: [] }
        : { kind: 'element', name, attributes, children: [] };
    return { element, namespace: ns, childStart: 0 };
  }

  private attributes(): XmlAttribute[] {
    const b = this.b;
    const out: XmlAttribute[] = [];
    let name: string | null = null;
    let parts: string[] = [];
    const finish = (): void => {
      if (name !== null)
        out.push({ name, value: parts.length === 1 ? (parts[0] as string) : parts.join('') });
    };
    for (;;) {
      if (this.pos >= b.length) throw this.truncated('an attribute list');
      const at = this.pos;
      const token = b[this.pos++] as number;
      switch (token) {
        case G.SWITCH_PAGE:
          this.attrPage = this.switchPage();
          continue;
        case G.END:
          finish();
          return out;
        case G.LITERAL:
          finish();
          name = this.tableRef();
          parts = [];
          continue;
        case G.STR_I:
        case G.STR_T:
        case G.ENTITY:
        case G.OPAQUE: {
          if (name === null) {
            throw new WbxmlError('bad-structure', 'attribute value before any attribute start', at);
          }
          if (token === G.STR_I) parts.push(this.inlineString());
          else if (token === G.STR_T) parts.push(this.tableRef());
          else if (token === G.ENTITY) parts.push(this.entity(at));
          else {
            const n = this.length('OPAQUE attribute value');
            parts.push(this.text(this.pos, this.pos + n));
            this.pos += n;
          }
          continue;
        }
        case G.EXT_I_0:
        case G.EXT_I_1:
        case G.EXT_I_2:
        case G.EXT_T_0:
        case G.EXT_T_1:
        case G.EXT_T_2:
        case G.EXT_0:
        case G.EXT_1:
        case G.EXT_2:
        case G.PI:
          throw new WbxmlError(
            'unknown-token',
            `token 0x${hex2(token)} has no meaning in attributes of ${this.lang.def.title}`,
            at,
          );
        default:
          if (token < 0x80) {
            const row = this.lang.attrStart(this.attrPage, token);
            if (!row) {
              throw new WbxmlError(
                'unknown-token',
                `attribute-start token 0x${hex2(token)} is not defined on attribute code page ${this.attrPage} of ${this.lang.def.title}`,
                at,
                { page: this.attrPage, token },
              );
            }
            finish();
            name = row.name;
            parts = row.valuePrefix === '' ? [] : [row.valuePrefix];
          } else {
            const value = this.lang.attrValue(this.attrPage, token);
            if (value === undefined) {
              throw new WbxmlError(
                'unknown-token',
                `attribute-value token 0x${hex2(token)} is not defined on attribute code page ${this.attrPage} of ${this.lang.def.title}`,
                at,
                { page: this.attrPage, token },
              );
            }
            if (name === null) {
              throw new WbxmlError('bad-structure', 'attribute value before any attribute start', at);
            }
            parts.push(value);
          }
      }
    }
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0').toUpperCase();
}
