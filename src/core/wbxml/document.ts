/**
 * The document model shared by the WBXML codec, the XML bridge, CP and SyncML.
 * It is deliberately small: elements with ordered attributes and children; text and
 * opaque bytes are kept apart so that `<Data>` sent as OPAQUE survives a round trip.
 */

export interface XmlAttribute {
  name: string;
  value: string;
}

export interface XmlElement {
  kind: 'element';
  name: string;
  /**
   * Namespace URI of the element when it differs from its parent's, e.g. `syncml:metinf`
   * for MetInf elements inside SyncML (code page 1 in WBXML, `xmlns="syncml:metinf"` in XML).
   */
  namespace?: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
}

export interface XmlText {
  kind: 'text';
  value: string;
}

/** Bytes carried as WBXML OPAQUE (or, from XML, a CDATA section the bridge was told to keep as bytes). */
export interface XmlOpaque {
  kind: 'opaque';
  bytes: Uint8Array;
}

export type XmlNode = XmlElement | XmlText | XmlOpaque;

export interface XmlDocument {
  /** Formal public identifier, e.g. `-//WAPFORUM//DTD PROV 1.0//EN`, or null when unknown. */
  publicId: string | null;
  /** System identifier from the DOCTYPE, when the XML had one. */
  systemId?: string;
  root: XmlElement;
}

export function element(
  name: string,
  attributes: XmlAttribute[] = [],
  children: XmlNode[] = [],
  namespace?: string,
): XmlElement {
  return namespace === undefined
    ? { kind: 'element', name, attributes, children }
    : { kind: 'element', name, namespace, attributes, children };
}

export function text(value: string): XmlText {
  return { kind: 'text', value };
}

export function opaque(bytes: Uint8Array): XmlOpaque {
  return { kind: 'opaque', bytes };
}

/** Child elements, optionally only those with a given (local) name. */
export function childElements(parent: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of parent.children) {
    if (child.kind === 'element' && (name === undefined || child.name === name)) out.push(child);
  }
  return out;
}

export function firstChild(parent: XmlElement, name: string): XmlElement | undefined {
  for (const child of parent.children) {
    if (child.kind === 'element' && child.name === name) return child;
  }
  return undefined;
}

export function attribute(el: XmlElement, name: string): string | undefined {
  return el.attributes.find((a) => a.name === name)?.value;
}

/** Concatenated text content of an element's direct text children (opaque bytes decoded as UTF-8). */
export function textContent(el: XmlElement): string {
  let out = '';
  for (const child of el.children) {
    if (child.kind === 'text') out += child.value;
    else if (child.kind === 'opaque') out += new TextDecoder().decode(child.bytes);
  }
  return out;
}
