/**
 * Document model → WBXML. Token choice follows libwbxml 0.11.8 so that, with the same
 * options (`xml2wbxml -n -v 1.3`), PROV output is byte-identical (oma-cp.md §10):
 * - tags: the page of the element's namespace, else the current tag page, else the first
 *   page that has the name; unknown names become LITERAL (string table);
 * - attribute starts: the first exact name+value row in table order, else the row with the
 *   longest value prefix, else the name-only row; switching the attribute page as needed;
 * - attribute values: value tokens found anywhere in the rest of the value, in table order,
 *   inline strings between them.
 * `xmlns` attributes are never written: namespaces are carried by code pages.
 */
import { ByteWriter } from '../bytes/writer.ts';
import { encodeUtf8 } from '../bytes/utf8.ts';
import type { XmlDocument, XmlElement, XmlNode } from './document.ts';
import { WbxmlError } from './errors.ts';
import {
  languageByFpi,
  languageByKey,
  languageByRoot,
  type Language,
  type LanguageKey,
} from './code-pages/languages.ts';
import type { AttrStartRow, AttrValueRow } from './code-pages/types.ts';
import { G, TAG_HAS_ATTRS, TAG_HAS_CONTENT } from './tokens.ts';

export interface WbxmlEncodeOptions {
  /** WBXML version byte: 0x01 (1.1), 0x02 (1.2) or 0x03 (1.3, default, as libwbxml). */
  version?: 0x01 | 0x02 | 0x03;
  /**
   * Put strings that occur more than once (3 bytes or longer) in the string table and refer
   * to them with STR_T. Default false (`xml2wbxml -n`). Literal tag and attribute names and a
   * textual public id always use the string table.
   */
  stringTable?: boolean;
  /**
   * How to write the public id: `number` (default when the language has one) or `string`
   * (index of the FPI in the string table).
   */
  publicId?: 'number' | 'string';
  /** Code pages to use when the document's FPI does not name a known language. */
  language?: LanguageKey;
  /**
   * libwbxml compatibility: write the text of `Add/Item/Data` and `Replace/Item/Data` in
   * SyncML as OPAQUE, as `xml2wbxml` does. Default false (inline strings).
   */
  syncmlOpaqueData?: boolean;
}

/** A value piece: a string (inline or table) or a value token. */
type Piece = string | AttrValueRow;

export function encodeWbxml(doc: XmlDocument, options: WbxmlEncodeOptions = {}): Uint8Array {
  const version = options.version ?? 0x03;
  if (version !== 0x01 && version !== 0x02 && version !== 0x03) {
    throw new WbxmlError('unencodable', `unsupported WBXML version ${String(version)}`, 0);
  }
  let lang: Language | undefined = doc.publicId !== null ? languageByFpi(doc.publicId) : undefined;
  if (!lang && options.language) lang = languageByKey(options.language);
  if (!lang) lang = languageByRoot(doc.root.name, doc.root.namespace);
  if (!lang) {
    throw new WbxmlError(
      'unencodable',
      `no WBXML code pages for ${doc.publicId === null ? `root element <${doc.root.name}>` : `"${doc.publicId}"`}`,
      0,
    );
  }
  const enc = new Encoder(lang, options);
  const fpi = doc.publicId ?? lang.def.fpi;
  const numeric =
    lang.def.publicIdNumber !== null && fpi === lang.def.fpi && (options.publicId ?? 'number') === 'number';
  // The FPI goes first in the string table, as libwbxml writes it.
  const fpiIndex = numeric ? -1 : enc.strings.add(fpi);
  if (options.stringTable) enc.collectRepeatedStrings(doc.root);
  const body = enc.body(doc.root);

  const out = new ByteWriter(body.length + enc.strings.length + 16);
  out.u8(version);
  if (numeric) out.mbUint32(lang.def.publicIdNumber as number);
  else {
    out.u8(0);
    out.mbUint32(fpiIndex);
  }
  out.mbUint32(106); // UTF-8
  out.mbUint32(enc.strings.length);
  enc.strings.writeTo(out);
  out.bytes(body);
  return out.finish();
}

/** The string table under construction: strings in order of addition, NUL-terminated. */
class StringTable {
  private readonly offsets = new Map<string, number>();
  private readonly parts: Uint8Array[] = [];
  length = 0;

  add(s: string): number {
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    const bytes = encodeUtf8(s);
    const offset = this.length;
    this.offsets.set(s, offset);
    this.parts.push(bytes);
    this.length += bytes.length + 1;
    return offset;
  }

  get(s: string): number | undefined {
    return this.offsets.get(s);
  }

  writeTo(out: ByteWriter): void {
    for (const p of this.parts) {
      out.bytes(p);
      out.u8(0);
    }
  }
}

const STRING_TABLE_MIN = 3;

class Encoder {
  readonly strings = new StringTable();
  private readonly w = new ByteWriter(4096);
  private tagPage = 0;
  private attrPage = 0;
  /** Table-referenced strings (filled by collectRepeatedStrings). */
  private readonly tabled = new Set<string>();
  private readonly lang: Language;
  private readonly options: WbxmlEncodeOptions;
  private readonly hasAttrTables: boolean;
  private readonly syncml: boolean;

  constructor(lang: Language, options: WbxmlEncodeOptions) {
    this.lang = lang;
    this.options = options;
    this.hasAttrTables = lang.def.attrStarts.length > 0;
    this.syncml = lang.def.namespaces.length > 0 && lang.key !== 'devinf12';
  }

  /** Marks strings (text and attribute values) met at least twice for the string table. */
  collectRepeatedStrings(root: XmlElement): void {
    const seen = new Set<string>();
    const consider = (s: string): void => {
      if (s.length < STRING_TABLE_MIN || s.includes('\0')) return;
      if (seen.has(s)) {
        if (!this.tabled.has(s)) {
          this.tabled.add(s);
          this.strings.add(s);
        }
      } else seen.add(s);
    };
    const stack: XmlElement[] = [root];
    while (stack.length > 0) {
      const el = stack.pop()!;
      for (const a of el.attributes) consider(a.value);
      for (const c of el.children) {
        if (c.kind === 'element') stack.push(c);
        else if (c.kind === 'text') consider(c.value);
      }
    }
  }

  body(root: XmlElement): Uint8Array {
    const rootNs = root.namespace ?? this.lang.def.rootNamespace;
    this.element(root, rootNs, undefined, undefined);
    return this.w.finish();
  }

  private element(
    root: XmlElement,
    rootNs: string | undefined,
    parentName: string | undefined,
    grandName: string | undefined,
  ): void {
    // Iterative walk: a stack of (element, next child index) keeps deep documents off the call stack.
    interface Frame {
      el: XmlElement;
      ns: string | undefined;
      next: number;
      opaqueText: boolean;
    }
    const stack: Frame[] = [];
    const open = (
      el: XmlElement,
      ns: string | undefined,
      parent: string | undefined,
      grand: string | undefined,
    ) => {
      const hasContent = this.hasContent(el);
      this.tag(el, ns, hasContent);
      if (hasContent) {
        const opaqueText =
          this.options.syncmlOpaqueData === true &&
          this.syncml &&
          el.name === 'Data' &&
          parent === 'Item' &&
          (grand === 'Add' || grand === 'Replace');
        stack.push({ el, ns, next: 0, opaqueText });
      }
    };
    open(root, rootNs, parentName, grandName);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const child: XmlNode | undefined = top.el.children[top.next++];
      if (child === undefined) {
        this.w.u8(G.END);
        stack.pop();
        continue;
      }
      if (child.kind === 'element') {
        const parent = stack.length >= 2 ? stack[stack.length - 2]!.el.name : undefined;
        open(child, child.namespace ?? top.ns, top.el.name, parent);
      } else if (child.kind === 'text') {
        if (top.opaqueText) this.opaque(encodeUtf8(child.value));
        else this.text(child.value);
      } else {
        this.opaque(child.bytes);
      }
    }
  }

  private hasContent(el: XmlElement): boolean {
    for (const c of el.children) {
      if (c.kind !== 'text' || c.value !== '') return true;
    }
    return false;
  }

  private tag(el: XmlElement, ns: string | undefined, hasContent: boolean): void {
    const w = this.w;
    const attrs = el.attributes.filter((a) => !isXmlns(a.name));
    let flags = (hasContent ? TAG_HAS_CONTENT : 0) | (attrs.length > 0 ? TAG_HAS_ATTRS : 0);
    const rows = this.lang.tagsByName.get(el.name);
    let row = undefined;
    if (rows) {
      const nsPage = ns !== undefined ? this.lang.pageOfNamespace.get(ns) : undefined;
      if (nsPage !== undefined) row = rows.find((r) => r.page === nsPage);
      row ??= rows.find((r) => r.page === this.tagPage) ?? rows[0];
    }
    if (row) {
      if (row.page !== this.tagPage) {
        w.u8(G.SWITCH_PAGE);
        w.u8(row.page);
        this.tagPage = row.page;
      }
      w.u8(row.token | flags);
    } else {
      flags |= G.LITERAL;
      w.u8(flags);
      w.mbUint32(this.strings.add(el.name));
    }
    if (attrs.length > 0) {
      for (const a of attrs) this.attribute(a.name, a.value);
      w.u8(G.END);
    }
  }

  private attribute(name: string, value: string): void {
    const w = this.w;
    const row = this.hasAttrTables ? this.findAttrStart(name, value) : undefined;
    let rest = value;
    if (row) {
      this.attrToken(row.page, row.token);
      rest = value.slice(row.valuePrefix.length);
    } else {
      w.u8(G.LITERAL);
      w.mbUint32(this.strings.add(name));
    }
    if (rest === '') return;
    for (const piece of this.valuePieces(rest)) {
      if (typeof piece === 'string') this.text(piece);
      else this.attrToken(piece.page, piece.token);
    }
  }

  /** libwbxml's rule (wbxml_tables_get_attr_from_xml): exact match, else longest prefix, else name only. */
  private findAttrStart(name: string, value: string): AttrStartRow | undefined {
    const rows = this.lang.attrStartsByName.get(name);
    if (!rows) return undefined;
    let found: AttrStartRow | undefined;
    let foundLength = 0;
    for (const row of rows) {
      const prefix = row.valuePrefix;
      if (prefix === '') {
        found ??= row;
      } else if (prefix === value) {
        return row;
      } else if (prefix.length < value.length && prefix.length > foundLength && value.startsWith(prefix)) {
        found = row;
        foundLength = prefix.length;
      }
    }
    return found;
  }

  /** Splits an attribute value into strings and value tokens (libwbxml's search order). */
  private valuePieces(value: string): Piece[] {
    const pieces: Piece[] = [value];
    for (const token of this.lang.attrValueRows) {
      for (let i = 0; i < pieces.length; i++) {
        const p = pieces[i]!;
        if (typeof p !== 'string') continue;
        const at = p.indexOf(token.value);
        if (at < 0) continue;
        const after = p.slice(at + token.value.length);
        pieces[i] = p.slice(0, at);
        if (after === '') pieces.splice(i + 1, 0, token);
        else pieces.splice(i + 1, 0, token, after);
      }
    }
    return pieces;
  }

  private attrToken(page: number, token: number): void {
    if (page !== this.attrPage) {
      this.w.u8(G.SWITCH_PAGE);
      this.w.u8(page);
      this.attrPage = page;
    }
    this.w.u8(token);
  }

  private text(value: string): void {
    if (value === '') return;
    if (value.includes('\0')) {
      // NUL cannot appear in a string token: write it as ENTITY 0.
      const parts = value.split('\0');
      parts.forEach((p, i) => {
        if (i > 0) {
          this.w.u8(G.ENTITY);
          this.w.u8(0);
        }
        if (p !== '') this.string(p);
      });
      return;
    }
    this.string(value);
  }

  private string(value: string): void {
    const w = this.w;
    if (this.tabled.size > 0 && this.tabled.has(value)) {
      w.u8(G.STR_T);
      w.mbUint32(this.strings.get(value)!);
      return;
    }
    w.u8(G.STR_I);
    w.utf8(value);
    w.u8(0);
  }

  private opaque(bytes: Uint8Array): void {
    this.w.u8(G.OPAQUE);
    this.w.mbUint32(bytes.length);
    this.w.bytes(bytes);
  }
}

function isXmlns(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:');
}
