/**
 * XML text → the shared document model, on fast-xml-parser (preserveOrder). No DTD
 * processing: the DOCTYPE is read only for its public and system identifiers, the internal
 * subset is ignored, and only the five XML entities and character references are expanded
 * (fast-xml-parser's own entity handling is switched off).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { XmlAttribute, XmlDocument, XmlElement, XmlNode } from '../wbxml/document.ts';
import { encodeUtf8 } from '../bytes/utf8.ts';
import { decodeEntities } from './entities.ts';
import { XmlError } from './errors.ts';

export interface ParseXmlOptions {
  /** Keep CDATA sections as opaque bytes (UTF-8) instead of text. Default false. */
  cdataAsOpaque?: boolean;
  /** Longest input accepted, in characters. Default 16 Mi. */
  maxLength?: number;
  /** Deepest element nesting accepted. Default 256. */
  maxDepth?: number;
  /**
   * Run fast-xml-parser's validator first, so malformed XML is reported with a line and
   * column instead of being parsed leniently. Default true.
   */
  validate?: boolean;
}

const CDATA = '#cdata';
const TEXT = '#text';
const ATTRS = ':@';

type FxpNode = Record<string, unknown>;

const parsers = new Map<number, XMLParser>();
function parserFor(maxDepth: number): XMLParser {
  let p = parsers.get(maxDepth);
  if (!p) {
    p = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      processEntities: false,
      htmlEntities: false,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      cdataPropName: CDATA,
      ignoreDeclaration: true,
      ignorePiTags: true,
      allowBooleanAttributes: false,
      maxNestedTags: maxDepth,
    });
    parsers.set(maxDepth, p);
  }
  return p;
}

const DOCTYPE =
  /<!DOCTYPE\s+([^\s>[]+)(?:\s+(?:PUBLIC\s+("[^"]*"|'[^']*')(?:\s+("[^"]*"|'[^']*'))?|SYSTEM\s+("[^"]*"|'[^']*')))?/;

export function parseXml(text: string, options: ParseXmlOptions = {}): XmlDocument {
  const maxLength = options.maxLength ?? 16 * 1024 * 1024;
  const maxDepth = options.maxDepth ?? 256;
  if (text.length > maxLength) {
    throw new XmlError(
      'limit-exceeded',
      `XML of ${text.length} characters is longer than the limit of ${maxLength}`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const locate = (needle: string): [number, number] | undefined => lineColumn(text, text.indexOf(needle));

  let publicId: string | null = null;
  let systemId: string | undefined;
  const prolog = scanProlog(text);
  if (prolog.rootStart < 0) throw new XmlError('no-root', 'no root element');
  if (prolog.doctype) {
    const [start, end] = prolog.doctype;
    const m = DOCTYPE.exec(text.slice(start, end));
    if (m) {
      if (m[2] !== undefined) publicId = unquote(m[2]);
      if (m[3] !== undefined) systemId = unquote(m[3]);
      if (m[4] !== undefined) systemId = unquote(m[4]);
    }
    // fast-xml-parser never sees the DOCTYPE: blanked out (line breaks kept for positions).
    text = text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
  }

  if (options.validate !== false) {
    const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
    if (result !== true) {
      throw new XmlError('malformed-xml', result.err.msg, result.err.line, result.err.col);
    }
  }

  let tree: FxpNode[];
  try {
    tree = parserFor(maxDepth).parse(text) as FxpNode[];
  } catch (error) {
    const message = (error as Error).message;
    if (/nest/i.test(message))
      throw new XmlError('limit-exceeded', `elements nested deeper than ${maxDepth}`);
    throw new XmlError('malformed-xml', message);
  }
  const roots = tree.filter((n) => elementName(n) !== undefined);
  if (roots.length === 0) throw new XmlError('no-root', 'no root element');
  if (roots.length > 1) throw new XmlError('malformed-xml', 'more than one root element');

  const ctx: Ctx = { locate, cdataAsOpaque: options.cdataAsOpaque === true };
  const root = convert(roots[0]!, undefined, ctx, 1, maxDepth);
  const doc: XmlDocument = { publicId, root };
  if (systemId !== undefined) doc.systemId = systemId;
  return doc;
}

interface Ctx {
  locate: (needle: string) => [number, number] | undefined;
  cdataAsOpaque: boolean;
}

function elementName(node: FxpNode): string | undefined {
  for (const key of Object.keys(node)) {
    if (key !== ATTRS && key !== TEXT && key !== CDATA && !key.startsWith('?')) return key;
  }
  return undefined;
}

/** Iterative conversion of fast-xml-parser's ordered tree. */
function convert(
  rootNode: FxpNode,
  parentNs: string | undefined,
  ctx: Ctx,
  depth: number,
  maxDepth: number,
): XmlElement {
  interface Job {
    node: FxpNode;
    parentNs: string | undefined;
    depth: number;
    attach: (el: XmlElement) => void;
  }
  let result: XmlElement | undefined;
  const pending: { el: XmlElement; children: (XmlNode | null)[]; hasElementChild: boolean }[] = [];
  const jobs: Job[] = [{ node: rootNode, parentNs, depth, attach: (el) => (result = el) }];
  while (jobs.length > 0) {
    const job = jobs.pop()!;
    if (job.depth > maxDepth) throw new XmlError('limit-exceeded', `elements nested deeper than ${maxDepth}`);
    const name = elementName(job.node)!;
    const rawAttrs = (job.node[ATTRS] ?? {}) as Record<string, string>;
    const attributes: XmlAttribute[] = [];
    let ns: string | undefined;
    for (const [key, raw] of Object.entries(rawAttrs)) {
      const value = decodeEntities(normalizeAttr(String(raw)), ctx.locate);
      if (key === 'xmlns') ns = value;
      else attributes.push({ name: key, value });
    }
    const effectiveNs = ns ?? job.parentNs;
    const el: XmlElement =
      ns !== undefined && ns !== job.parentNs
        ? { kind: 'element', name, namespace: ns, attributes, children: [] }
        : { kind: 'element', name, attributes, children: [] };
    job.attach(el);

    const rawChildren = (job.node[name] ?? []) as FxpNode[];
    const children: (XmlNode | null)[] = [];
    let hasElementChild = false;
    let text: string[] = [];
    const flush = (): void => {
      if (text.length > 0) {
        children.push({ kind: 'text', value: text.join('') });
        text = [];
      }
    };
    for (const child of rawChildren) {
      if (TEXT in child) {
        text.push(decodeEntities(normalizeNewlines(String(child[TEXT])), ctx.locate));
      } else if (CDATA in child) {
        const parts = child[CDATA] as FxpNode[];
        const value = parts.map((p) => String(p[TEXT] ?? '')).join('');
        if (ctx.cdataAsOpaque) {
          flush();
          children.push({ kind: 'opaque', bytes: encodeUtf8(normalizeNewlines(value)) });
        } else {
          text.push(normalizeNewlines(value));
        }
      } else if (elementName(child) !== undefined) {
        flush();
        hasElementChild = true;
        const index = children.length;
        children.push(null);
        jobs.push({
          node: child,
          parentNs: effectiveNs,
          depth: job.depth + 1,
          attach: (c) => (children[index] = c),
        });
      }
    }
    flush();
    // The children array is filled in by later jobs; resolve it once they have run.
    pending.push({ el, children, hasElementChild });
  }
  // Jobs are processed depth-first; every placeholder is filled by now.
  for (const p of pending) {
    const out: XmlNode[] = [];
    for (const c of p.children) {
      if (c === null) continue;
      // Whitespace-only text between elements is formatting, not content.
      if (p.hasElementChild && c.kind === 'text' && /^[ \t\r\n]*$/.test(c.value)) continue;
      out.push(c);
    }
    p.el.children = out;
  }
  return result!;
}

function normalizeNewlines(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

/** XML 1.0 §3.3.3: literal tabs and line breaks in attribute values become spaces. */
function normalizeAttr(s: string): string {
  return /[\t\n\r]/.test(s) ? s.replace(/\r\n|[\t\n\r]/g, ' ') : s;
}

function unquote(s: string): string {
  return s.slice(1, -1);
}

/**
 * Index of the `<` that opens the root element (skipping declaration, comments, DOCTYPE,
 * PIs), and the span of the DOCTYPE if there is one.
 */
function scanProlog(text: string): { rootStart: number; doctype?: [number, number] } {
  let i = 0;
  let doctype: [number, number] | undefined;
  const result = (rootStart: number) => (doctype ? { rootStart, doctype } : { rootStart });
  for (;;) {
    i = text.indexOf('<', i);
    if (i < 0) return result(-1);
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end < 0) return result(-1);
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) return result(-1);
      i = end + 3;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      // Skip the DOCTYPE, including an internal subset in brackets.
      let j = i + 9;
      let depth = 0;
      let quote = '';
      for (; j < text.length; j++) {
        const c = text[j];
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      doctype = [i, Math.min(j + 1, text.length)];
      i = j + 1;
    } else {
      return result(i);
    }
  }
}

function lineColumn(text: string, index: number): [number, number] | undefined {
  if (index < 0) return undefined;
  let line = 1;
  let last = -1;
  for (let i = 0; i < index; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return [line, index - last];
}
