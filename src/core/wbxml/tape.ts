/**
 * The decoder's compact result (decision 0106): a "tape" of two small integers per node in
 * document order, and a view that turns it into the shared document model (document.ts) only
 * where a caller looks.
 *
 * Why: one `{ kind, name, attributes, children }` object per element costs 56 bytes on 64-bit
 * V8 before its arrays and text, about 17x the WBXML it came from; the tape costs 16 bytes a
 * node (about 2.3x). The decoder validates everything while it writes the tape, so every error
 * still comes from `decodeWbxml`; the view cannot fail.
 *
 * Tape layout, node n: entries 2n and 2n+1 of a list of fixed-size chunks (no copying when it
 * grows). The first entry is `info`; its low two bits give the kind:
 * - 0 element: bit 2 = the element carries a namespace (its code page's), bit 3 = the name is a
 *   literal (strings[info >> 4]), else info >> 4 = page * 64 + tag token. Second entry: the
 *   index just after its subtree, so its children are n+1 … end-1, skipping each child's subtree.
 * - 1 text that is one ASCII (or ISO-8859-1) inline string: info >> 2 = start offset in the
 *   input, second = end offset; decoded to a string when the view is built.
 * - 2 any other text (string table, entities, non-ASCII UTF-8, several parts): strings[info >> 2].
 * - 3 opaque: start and end offsets in the input, copied out when the view is built.
 * Offsets are stored as `start * 4 + kind` (arithmetic, not shifts, so inputs past 512 MiB stay exact).
 *
 * Aliasing: text and OPAQUE nodes are read from the input when first viewed, so the input must
 * not be changed while the decoded document is in use (every caller hands over a fresh buffer).
 *
 * The view: the root, and every element whose subtree holds more than SMALL_SUBTREE nodes, is a
 * `LazyElement` whose `children` and `attributes` are built on first read and then stored as
 * ordinary own properties (so identity, mutation, equality and cloning behave as for a plain
 * object from then on). Smaller subtrees are built at once as plain objects. Decoded documents
 * are read by callers, not edited: elements without attributes share one frozen empty array.
 */
import type { Language } from './code-pages/languages.ts';
import type { XmlAttribute, XmlElement, XmlNode } from './document.ts';

/** Entries per chunk (2 per node). */
const CHUNK_SHIFT = 13;
const CHUNK = 1 << CHUNK_SHIFT;
const NODE_SHIFT = CHUNK_SHIFT - 1;
const NODE_MASK = (1 << NODE_SHIFT) - 1;

/** Subtrees up to this many nodes are built eagerly as plain objects when their parent is viewed. */
const SMALL_SUBTREE = 64;

export const K_ELEMENT = 0;
export const K_SPAN = 1;
export const K_STRING = 2;
export const K_OPAQUE = 3;
export const F_NAMESPACE = 4;
export const F_LITERAL = 8;

const NO_ATTRIBUTES: XmlAttribute[] = Object.freeze([]) as unknown as XmlAttribute[];

/** Shared by every view while it builds a children array (see `Tape.children`). */
const scratch: XmlNode[] = [];

/** Written by the decoder, node by node, in document order. */
export class TapeWriter {
  /** Filled chunks and the one being written (the last). */
  readonly chunks: number[][] = [];
  private cur: number[] = [];
  /** Nodes written so far. */
  count = 0;
  readonly strings: string[] = [];
  attributes: Map<number, XmlAttribute[]> | undefined;

  constructor() {
    this.chunks.push(this.cur);
  }

  /** Appends a node; returns its index. */
  push(info: number, second: number): number {
    if (this.cur.length === CHUNK) {
      // A chunk grows by pushing; once full, a copy holds it without the spare capacity.
      this.chunks[this.chunks.length - 1] = this.cur.slice();
      this.cur = [];
      this.chunks.push(this.cur);
    }
    this.cur.push(info, second);
    return this.count++;
  }

  /** Sets the second entry of node n (an element's subtree end, known at its END). */
  setSecond(n: number, value: number): void {
    this.chunks[n >> NODE_SHIFT]![((n & NODE_MASK) << 1) + 1] = value;
  }

  string(s: string): number {
    this.strings.push(s);
    return this.strings.length - 1;
  }

  setAttributes(n: number, list: XmlAttribute[]): void {
    (this.attributes ??= new Map()).set(n, list);
  }

  finish(bytes: Uint8Array, lang: Language, latin1: boolean): Tape {
    // Same for the last chunk.
    const last = this.chunks.length - 1;
    this.chunks[last] = this.chunks[last]!.slice();
    return new Tape(bytes, lang, latin1, this.chunks, this.strings, this.attributes);
  }
}

/** A decoded document's nodes; `root()` gives the document-model view. */
export class Tape {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly lang: Language,
    private readonly latin1: boolean,
    private readonly chunks: number[][],
    private readonly strings: string[],
    private readonly attrs: Map<number, XmlAttribute[]> | undefined,
  ) {}

  private info(n: number): number {
    return this.chunks[n >> NODE_SHIFT]![(n & NODE_MASK) << 1]!;
  }

  private second(n: number): number {
    return this.chunks[n >> NODE_SHIFT]![((n & NODE_MASK) << 1) + 1]!;
  }

  root(): XmlElement {
    const info = this.info(0);
    return new LazyElement(this, 0, this.nameOf(info), this.namespaceOf(info));
  }

  private nameOf(info: number): string {
    const value = Math.floor(info / 16);
    if ((info & F_LITERAL) !== 0) return this.strings[value]!;
    // The decoder checked that the token exists on its page.
    return this.lang.tagName(value >> 6, value & 63)!;
  }

  private namespaceOf(info: number): string | undefined {
    return (info & F_NAMESPACE) !== 0 ? this.lang.namespaceOf(Math.floor(info / 16) >> 6) : undefined;
  }

  /** The children of element n, built now. */
  children(n: number): XmlNode[] {
    const end = this.second(n);
    // Collected on a shared stack and sliced, so each array is exactly as long as needed
    // (pushing into a fresh array would leave spare capacity in every one). Nested calls for
    // small subtrees use the stack above `start` and leave it as they found it.
    const start = scratch.length;
    for (let i = n + 1; i < end;) {
      const info = this.info(i);
      if ((info & 3) === K_ELEMENT) {
        const subtreeEnd = this.second(i);
        const child =
          subtreeEnd - i <= SMALL_SUBTREE
            ? this.plain(i, info)
            : new LazyElement(this, i, this.nameOf(info), this.namespaceOf(info));
        scratch.push(child);
        i = subtreeEnd;
      } else {
        scratch.push(this.leaf(i, info));
        i++;
      }
    }
    const out = scratch.slice(start);
    scratch.length = start;
    return out;
  }

  attributes(n: number): XmlAttribute[] {
    return this.attrs?.get(n) ?? NO_ATTRIBUTES;
  }

  /** Element n and its whole subtree as plain objects (shaped as document.ts's `element()`). */
  private plain(n: number, info: number): XmlElement {
    const name = this.nameOf(info);
    const namespace = this.namespaceOf(info);
    const attributes = this.attributes(n);
    const children = this.children(n);
    return namespace === undefined
      ? { kind: 'element', name, attributes, children }
      : { kind: 'element', name, namespace, attributes, children };
  }

  private leaf(n: number, info: number): XmlNode {
    const kind = info & 3;
    const value = Math.floor(info / 4);
    if (kind === K_STRING) return { kind: 'text', value: this.strings[value]! };
    const end = this.second(n);
    if (kind === K_OPAQUE) return { kind: 'opaque', bytes: this.bytes.slice(value, end) };
    return { kind: 'text', value: this.span(value, end) };
  }

  /** An inline string the decoder found to be ASCII, or any ISO-8859-1 one: one char per byte. */
  private span(start: number, end: number): string {
    const b = this.bytes;
    // fromCharCode over a view gives one flat string (`s +=` per char would leave a rope).
    if (end - start <= 8192)
      return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
    const parts: string[] = [];
    for (let i = start; i < end; i += 8192) {
      parts.push(
        String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 8192)) as unknown as number[]),
      );
    }
    return parts.join('');
  }
}

function own<T>(target: object, key: string, value: T): T {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
}

/**
 * An element of a large subtree whose `children` and `attributes` are read from the tape on
 * first access. From then on they are own data properties, like those of a plain element.
 */
class LazyElement implements XmlElement {
  readonly kind = 'element' as const;
  name: string;
  declare namespace?: string;
  readonly #tape: Tape;
  readonly #at: number;

  constructor(tape: Tape, at: number, name: string, namespace: string | undefined) {
    this.name = name;
    if (namespace !== undefined) this.namespace = namespace;
    this.#tape = tape;
    this.#at = at;
  }

  get children(): XmlNode[] {
    return own(this, 'children', this.#tape.children(this.#at));
  }

  set children(value: XmlNode[]) {
    own(this, 'children', value);
  }

  get attributes(): XmlAttribute[] {
    return own(this, 'attributes', this.#tape.attributes(this.#at));
  }

  set attributes(value: XmlAttribute[]) {
    own(this, 'attributes', value);
  }

  /** JSON.stringify sees the same keys, in the same order, as for a plain element. */
  toJSON(): XmlElement {
    return this.namespace === undefined
      ? { kind: 'element', name: this.name, attributes: this.attributes, children: this.children }
      : {
          kind: 'element',
          name: this.name,
          namespace: this.namespace,
          attributes: this.attributes,
          children: this.children,
        };
  }
}
