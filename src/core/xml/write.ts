/** The shared document model → XML text. */
import { toBase64 } from '../bytes/base64.ts';
import { isValidUtf8 } from '../bytes/utf8.ts';
import { languageByFpi } from '../wbxml/code-pages/languages.ts';
import type { XmlDocument, XmlElement, XmlNode } from '../wbxml/document.ts';
import { escapeAttr, escapeText } from './entities.ts';

export interface WriteXmlOptions {
  /** Indent nested elements by two spaces, one element per line. Default false (compact). */
  indent?: boolean;
  /** Start with `<?xml version="1.0" encoding="UTF-8"?>`. Default true. */
  declaration?: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Serialises a document. OPAQUE bytes that are valid UTF-8 are written as CDATA (as
 * libwbxml's `wbxml2xml` does); other bytes as base64 text.
 */
export function writeXml(doc: XmlDocument, options: WriteXmlOptions = {}): string {
  const indent = options.indent === true;
  const out: string[] = [];
  if (options.declaration !== false) out.push('<?xml version="1.0" encoding="UTF-8"?>', indent ? '\n' : '');
  const doctype = doctypeOf(doc);
  if (doctype) out.push(doctype, indent ? '\n' : '');

  interface Frame {
    el: XmlElement;
    next: number;
    depth: number;
    block: boolean;
  }
  const stack: Frame[] = [];
  const open = (el: XmlElement, depth: number): void => {
    const pad = indent ? '  '.repeat(depth) : '';
    out.push(pad, '<', el.name);
    if (el.namespace !== undefined) out.push(' xmlns="', escapeAttr(el.namespace), '"');
    for (const a of el.attributes) out.push(' ', a.name, '="', escapeAttr(a.value), '"');
    if (el.children.length === 0) {
      out.push('/>', indent ? '\n' : '');
      return;
    }
    const block = indent && el.children.some((c) => c.kind === 'element');
    out.push('>', block ? '\n' : '');
    stack.push({ el, next: 0, depth, block });
  };
  open(doc.root, 0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const child: XmlNode | undefined = top.el.children[top.next++];
    if (child === undefined) {
      stack.pop();
      out.push(top.block ? '  '.repeat(top.depth) : '', '</', top.el.name, '>', indent ? '\n' : '');
      continue;
    }
    if (child.kind === 'element') {
      open(child, top.depth + 1);
      continue;
    }
    const pad = top.block ? '  '.repeat(top.depth + 1) : '';
    if (child.kind === 'text') out.push(pad, escapeText(child.value), top.block ? '\n' : '');
    else out.push(pad, opaqueXml(child.bytes), top.block ? '\n' : '');
  }
  return out.join('');
}

function opaqueXml(bytes: Uint8Array): string {
  if (!isValidUtf8(bytes)) return toBase64(bytes);
  const s = decoder.decode(bytes);
  return `<![CDATA[${s.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function doctypeOf(doc: XmlDocument): string | undefined {
  if (doc.publicId !== null) {
    const system = doc.systemId ?? languageByFpi(doc.publicId)?.def.systemId ?? '';
    return `<!DOCTYPE ${doc.root.name} PUBLIC "${doc.publicId}" "${system}">`;
  }
  if (doc.systemId !== undefined) return `<!DOCTYPE ${doc.root.name} SYSTEM "${doc.systemId}">`;
  return undefined;
}
