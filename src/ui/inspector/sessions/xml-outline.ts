/**
 * XML text → an outline the viewer renders with collapsible elements. Parsing goes through
 * the core's XML bridge (no DOM), so the outline is built the same way in Node tests and in
 * the browser. Indentation-only text is dropped; every other text is kept as text.
 */
import { parseXml } from '../../../core/xml/index.ts';
import type { XmlElement, XmlNode } from '../../../core/wbxml/document.ts';

export interface OutlineAttribute {
  name: string;
  value: string;
}

export type OutlineNode =
  | {
      kind: 'element';
      name: string;
      attributes: OutlineAttribute[];
      /** Element children and mixed text; empty for a leaf. */
      children: OutlineNode[];
      /** A leaf's text on the same line as its tags (undefined: no text, `<Final/>`). */
      text?: string;
      /** Elements below this one, itself excluded: lets the viewer say what a collapsed one hides. */
      descendants: number;
    }
  | { kind: 'text'; value: string }
  | { kind: 'opaque'; size: number };

export type Outline =
  | { ok: true; prolog: string[]; root: OutlineNode & { kind: 'element' }; elements: number }
  | { ok: false; error: string };

const PROLOG = /^\s*(<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->)/;

/** XML declaration, DOCTYPE and comments before the root, as written. */
function prologOf(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  for (let m = PROLOG.exec(rest); m; m = PROLOG.exec(rest)) {
    out.push(m[1]!.replace(/\s+/g, ' '));
    rest = rest.slice(m[0].length);
  }
  return out;
}

function convert(el: XmlElement): OutlineNode & { kind: 'element' } {
  const attributes: OutlineAttribute[] = [];
  if (el.namespace !== undefined && !el.attributes.some((a) => a.name === 'xmlns'))
    attributes.push({ name: 'xmlns', value: el.namespace });
  attributes.push(...el.attributes.map((a) => ({ name: a.name, value: a.value })));
  const hasElements = el.children.some((c) => c.kind === 'element');
  if (!hasElements) {
    const parts = el.children.map((c) =>
      c.kind === 'text' ? c.value : c.kind === 'opaque' ? `[${c.bytes.length} opaque bytes]` : '',
    );
    const node: OutlineNode & { kind: 'element' } = {
      kind: 'element',
      name: el.name,
      attributes,
      children: [],
      descendants: 0,
    };
    if (parts.length > 0) node.text = parts.join('');
    return node;
  }
  const children: OutlineNode[] = [];
  let descendants = 0;
  for (const child of el.children as XmlNode[]) {
    if (child.kind === 'element') {
      const sub = convert(child);
      descendants += 1 + sub.descendants;
      children.push(sub);
    } else if (child.kind === 'text') {
      if (child.value.trim() !== '') children.push({ kind: 'text', value: child.value.trim() });
    } else children.push({ kind: 'opaque', size: child.bytes.length });
  }
  return { kind: 'element', name: el.name, attributes, children, descendants };
}

export function xmlOutline(text: string): Outline {
  try {
    const doc = parseXml(text);
    const root = convert(doc.root);
    return { ok: true, prolog: prologOf(text), root, elements: 1 + root.descendants };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** What XML text looks like escaped, so displayed values read as the XML they came from. */
export function escapeXmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value).replace(/"/g, '&quot;');
}
