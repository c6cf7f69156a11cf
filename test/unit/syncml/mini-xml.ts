/**
 * A deliberately tiny XML reader for the SyncML tests, so they can state messages as XML
 * text without depending on the XML bridge (src/core/xml/, written in parallel).
 * Handles elements, attributes, text, the five entities, numeric references, CDATA
 * (as text, or as opaque bytes with `cdataAsOpaque`), comments, the XML declaration and
 * a DOCTYPE with a public id. `xmlns` on an element becomes `namespace` when it differs
 * from the parent's, mirroring the document model's convention.
 */
import type { XmlDocument, XmlElement, XmlNode } from '../../../src/core/wbxml/document.ts';

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

export function miniXml(src: string, options: { cdataAsOpaque?: boolean } = {}): XmlDocument {
  let i = 0;
  let publicId: string | null = null;
  const stack: { el: XmlElement; ns: string | undefined }[] = [];
  let root: XmlElement | undefined;

  const push = (node: XmlNode): void => {
    const top = stack[stack.length - 1];
    if (top) top.el.children.push(node);
  };

  while (i < src.length) {
    if (src.startsWith('<?', i)) {
      i = src.indexOf('?>', i) + 2;
    } else if (src.startsWith('<!--', i)) {
      i = src.indexOf('-->', i) + 3;
    } else if (src.startsWith('<!DOCTYPE', i)) {
      const end = src.indexOf('>', i);
      const m = /PUBLIC\s+"([^"]*)"/.exec(src.slice(i, end));
      if (m?.[1] !== undefined) publicId = m[1];
      i = end + 1;
    } else if (src.startsWith('<![CDATA[', i)) {
      const end = src.indexOf(']]>', i);
      const value = src.slice(i + 9, end);
      push(
        options.cdataAsOpaque
          ? { kind: 'opaque', bytes: new TextEncoder().encode(value) }
          : { kind: 'text', value },
      );
      i = end + 3;
    } else if (src.startsWith('</', i)) {
      i = src.indexOf('>', i) + 1;
      stack.pop();
    } else if (src[i] === '<') {
      const end = src.indexOf('>', i);
      let tag = src.slice(i + 1, end);
      const selfClosing = tag.endsWith('/');
      if (selfClosing) tag = tag.slice(0, -1);
      const nameMatch = /^[^\s]+/.exec(tag);
      const name = nameMatch?.[0] ?? '';
      const el: XmlElement = { kind: 'element', name, attributes: [], children: [] };
      const parentNs = stack[stack.length - 1]?.ns;
      let ns = parentNs;
      for (const m of tag.slice(name.length).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
        const attrName = m[1] ?? '';
        const value = unescape(m[3] ?? m[4] ?? '');
        if (attrName === 'xmlns' && stack.length > 0) {
          ns = value;
          if (value !== parentNs) el.namespace = value;
        } else {
          if (attrName === 'xmlns') ns = value;
          el.attributes.push({ name: attrName, value });
        }
      }
      if (stack.length === 0) root = el;
      else push(el);
      if (!selfClosing) stack.push({ el, ns });
      i = end + 1;
    } else {
      const end = src.indexOf('<', i);
      const raw = src.slice(i, end < 0 ? src.length : end);
      if (stack.length > 0) push({ kind: 'text', value: unescape(raw) });
      i = end < 0 ? src.length : end;
    }
  }
  if (!root) throw new Error('no root element');
  return { publicId, root };
}
