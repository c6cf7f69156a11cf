/**
 * A stable text form of a document for comparing documents from different sources (our
 * decoder, libwbxml's `wbxml2xml`, XML files):
 * - a `<!DOCTYPE root PUBLIC "fpi">` line when the document has a public id (the system id
 *   is left out: libwbxml rewrites it);
 * - attributes in document order; `xmlns` written only where the effective namespace changes,
 *   the root's defaulting to its language's namespace (so `<SyncML>` and
 *   `<SyncML xmlns="SYNCML:SYNCML1.2">` compare equal);
 * - adjacent text and OPAQUE merged; OPAQUE that is valid UTF-8 counts as text (libwbxml
 *   renders OPAQUE as CDATA), other bytes as `[opaque:base64:…]`;
 * - whitespace-only text in elements that have element children dropped;
 * - no declaration, no indentation, empty elements as `<a/>`.
 */
import { toBase64 } from '../bytes/base64.ts';
import { languageByFpi } from '../wbxml/code-pages/languages.ts';
import type { XmlDocument, XmlElement, XmlNode } from '../wbxml/document.ts';
import { escapeAttr, escapeText } from './entities.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

export function canonicalXml(doc: XmlDocument): string {
  const out: string[] = [];
  if (doc.publicId !== null) out.push(`<!DOCTYPE ${doc.root.name} PUBLIC "${doc.publicId}">`);
  const lang = doc.publicId !== null ? languageByFpi(doc.publicId) : undefined;
  const rootNs = doc.root.namespace ?? lang?.def.rootNamespace;

  interface Frame {
    el: XmlElement;
    ns: string | undefined;
    segments: (XmlElement | string)[];
    next: number;
  }
  const stack: Frame[] = [];
  const open = (
    el: XmlElement,
    ns: string | undefined,
    parentNs: string | undefined,
    isRoot: boolean,
  ): void => {
    out.push('<', el.name);
    if (ns !== undefined && (isRoot || ns !== parentNs)) out.push(' xmlns="', escapeAttr(ns), '"');
    for (const a of el.attributes) {
      if (a.name === 'xmlns') continue;
      out.push(' ', a.name, '="', escapeAttr(a.value), '"');
    }
    const segments = segmentsOf(el.children);
    if (segments.length === 0) {
      out.push('/>');
      return;
    }
    out.push('>');
    stack.push({ el, ns, segments, next: 0 });
  };
  open(doc.root, rootNs, undefined, true);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const seg = top.segments[top.next++];
    if (seg === undefined) {
      stack.pop();
      out.push('</', top.el.name, '>');
    } else if (typeof seg === 'string') {
      out.push(escapeText(seg));
    } else {
      open(seg, seg.namespace ?? top.ns, top.ns, false);
    }
  }
  return out.join('');
}

function segmentsOf(children: XmlNode[]): (XmlElement | string)[] {
  const segments: (XmlElement | string)[] = [];
  let text: string | null = null;
  let hasElement = false;
  for (const c of children) {
    if (c.kind === 'element') {
      if (text !== null) segments.push(text);
      text = null;
      segments.push(c);
      hasElement = true;
    } else {
      const s = c.kind === 'text' ? c.value : opaqueText(c.bytes);
      text = text === null ? s : text + s;
    }
  }
  if (text !== null) segments.push(text);
  return hasElement
    ? segments.filter((s) => typeof s !== 'string' || !/^[ \t\r\n]*$/.test(s))
    : segments.filter((s) => s !== '');
}

function opaqueText(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    return `[opaque:base64:${toBase64(bytes)}]`;
  }
}
