/**
 * WBXML 1.1-1.3 decoder (WAP-192-WBXML; /work/shared/spec/wbxml.md). Index-based and
 * iterative: one pass over the input with an explicit stack instead of recursion, so time and
 * memory are linear in the input. Every length read from the input is checked against the
 * bytes left and the limits before anything is allocated. The pass validates everything and
 * writes a compact tape (tape.ts, decision 0106); the document model is a view of it, built
 * where callers read, so decoding itself needs little more heap than the tape.
 */
import { BytesError } from '../bytes/errors.ts';
import { hexByte } from '../bytes/hex.ts';
import { decodeUtf8 } from '../bytes/utf8.ts';
import type { XmlAttribute, XmlDocument } from './document.ts';
import { WbxmlError } from './errors.ts';
import {
  languageByFpi,
  languageByKey,
  languageByPublicId,
  type Language,
  type LanguageKey,
} from './code-pages/languages.ts';
import { F_LITERAL, F_NAMESPACE, K_ELEMENT, K_OPAQUE, K_SPAN, K_STRING, TapeWriter } from './tape.ts';
import { G } from './tokens.ts';

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
  private readonly tape = new TapeWriter();
  /** Text waiting for the next non-text token: one pending ASCII span, or decoded parts. */
  private spanPending = false;
  private spanStart = 0;
  private spanEnd = 0;
  private readonly parts: string[] = [];
  /** Set by openElement. */
  private openedNs: string | undefined;
  private openedName = '';

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

    this.body();
    const root = this.tape.finish(b, lang, this.latin1).root();
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
    const start = this.pos;
    return this.text(start, this.inlineEnd());
  }

  /** Where the STR_I that starts here ends (its NUL), within the limit; moves past the NUL. */
  private inlineEnd(): number {
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
    return idx;
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

  private switchPage(): number {
    if (this.pos >= this.b.length) throw this.truncated('SWITCH_PAGE');
    return this.b[this.pos++] as number;
  }

  // ---- structure ------------------------------------------------------------

  /** STR_I in content: a single ASCII (or ISO-8859-1) string is kept as offsets; anything else is decoded. */
  private inlineText(): void {
    const b = this.b;
    const start = this.pos;
    const idx = this.inlineEnd();
    let plain = this.latin1;
    if (!plain) {
      let any = 0;
      for (let i = start; i < idx; i++) any |= b[i] as number;
      plain = any < 0x80;
    }
    if (plain && !this.spanPending && this.parts.length === 0) {
      this.spanPending = true;
      this.spanStart = start;
      this.spanEnd = idx;
      return;
    }
    // Not ASCII: decoding now validates the UTF-8 and reports the offset of a bad sequence.
    this.textPart(this.text(start, idx));
  }

  private textPart(s: string): void {
    if (this.spanPending) {
      this.parts.push(this.text(this.spanStart, this.spanEnd));
      this.spanPending = false;
    }
    this.parts.push(s);
  }

  /** Adjacent STR_I / STR_T / ENTITY make one text node. */
  private flushText(): void {
    if (this.spanPending) {
      this.tape.push(this.spanStart * 4 + K_SPAN, this.spanEnd);
      this.spanPending = false;
    } else if (this.parts.length > 0) {
      const value = this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join('');
      this.tape.push(this.tape.string(value) * 4 + K_STRING, 0);
      this.parts.length = 0;
    }
  }

  private body(): void {
    const b = this.b;
    const tape = this.tape;
    // Leading SWITCH_PAGEs (e.g. TNDS starts on page 2). PIs are not supported.
    while (this.pos < b.length && b[this.pos] === G.SWITCH_PAGE) {
      this.pos++;
      this.tagPage = this.switchPage();
    }
    if (this.pos >= b.length) throw this.truncated('the body (no root element)');

    // Open elements: tape index, effective namespace (own or inherited), name (for errors).
    const open: number[] = [];
    const openNs: (string | undefined)[] = [];
    const openName: string[] = [];

    {
      const at = this.pos;
      const token = b[this.pos++] as number;
      this.openElement(token, at, undefined, true);
      if ((token & 0x40) === 0) return this.finishBody();
      open.push(0);
      openNs.push(this.openedNs);
      openName.push(this.openedName);
    }

    while (open.length > 0) {
      if (this.pos >= b.length) throw this.truncated(`the content of <${openName[openName.length - 1]!}>`);
      const at = this.pos;
      const token = b[this.pos++] as number;
      switch (token) {
        case G.SWITCH_PAGE:
          this.tagPage = this.switchPage();
          continue;
        case G.END:
          this.flushText();
          tape.setSecond(open.pop()!, tape.count);
          openNs.pop();
          openName.pop();
          continue;
        case G.STR_I:
          this.inlineText();
          continue;
        case G.STR_T:
          this.textPart(this.tableRef());
          continue;
        case G.ENTITY:
          this.textPart(this.entity(at));
          continue;
        case G.OPAQUE: {
          this.flushText();
          const n = this.length('OPAQUE data');
          tape.push(this.pos * 4 + K_OPAQUE, this.pos + n);
          this.pos += n;
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
          throw new WbxmlError(
            'unknown-token',
            `extension token 0x${hex2(token)} has no meaning in ${this.lang.def.title}`,
            at,
          );
        case G.PI:
          throw new WbxmlError('unknown-token', 'processing instructions (PI, 0x43) are not supported', at);
        default: {
          this.flushText();
          if (open.length >= this.limits.maxDepth) {
            throw new WbxmlError('limit-exceeded', `elements nested deeper than ${this.limits.maxDepth}`, at);
          }
          const n = this.openElement(token, at, openNs[openNs.length - 1], false);
          if ((token & 0x40) !== 0) {
            open.push(n);
            openNs.push(this.openedNs);
            openName.push(this.openedName);
          }
        }
      }
    }
    this.finishBody();
  }

  private finishBody(): void {
    if (this.pos < this.b.length) {
      throw new WbxmlError(
        'trailing-bytes',
        `${this.b.length - this.pos} byte(s) after the end of the root element`,
        this.pos,
      );
    }
  }

  /**
   * Writes an element (and its attributes) to the tape; returns its index. Its effective
   * namespace and name are left in `openedNs` / `openedName` for the caller's stack.
   */
  private openElement(token: number, at: number, parentNs: string | undefined, isRoot: boolean): number {
    if (++this.elementCount > this.limits.maxElements) {
      throw new WbxmlError('limit-exceeded', `more than ${this.limits.maxElements} elements`, at);
    }
    const tape = this.tape;
    const id = token & 0x3f;
    let info: number;
    if (id === G.LITERAL) {
      const name = this.tableRef();
      this.openedName = name;
      this.openedNs = parentNs;
      // A literal inherits its parent's namespace, so it never carries one of its own.
      info = tape.string(name) * 16 + F_LITERAL + K_ELEMENT;
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
      const ns = this.lang.namespaceOf(this.tagPage) ?? parentNs;
      this.openedName = found;
      this.openedNs = ns;
      const own = ns !== undefined && (isRoot || ns !== parentNs);
      info = (this.tagPage * 64 + id) * 16 + (own ? F_NAMESPACE : 0) + K_ELEMENT;
    }
    // An element without content ends right after itself; others get their end at END.
    const n = tape.push(info, tape.count + 1);
    if ((token & 0x80) !== 0) {
      const attributes = this.attributes();
      if (attributes.length > 0) tape.setAttributes(n, attributes);
    }
    return n;
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
  return hexByte(n).toUpperCase();
}
