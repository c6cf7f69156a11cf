/**
 * TNDS, the Tree and Description Serialization [OMA-TS-DM_TNDS-V1_2; oma-dm.md §14]:
 *
 *   <MgmtTree><VerDTD>1.2</VerDTD><Node><NodeName/>[<Path/>]<RTProperties>[<ACL/>]<Format><chr/></Format>
 *     [<Title/>][<TStamp/>]<Type><MIME/>|<DDFName/></Type>[<VerNo/>]</RTProperties>[<Value/>]<Node/>…</Node>…</MgmtTree>
 *
 * Writing escapes XML; reading uses fast-xml-parser and never throws for bad input (a reason is returned).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { TndsNode } from './tnds-write.ts';

export { escapeXml, writeTnds, type TndsNode } from './tnds-write.ts';

type Parsed = Record<string, unknown>;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function readNode(raw: unknown): TndsNode | string {
  if (typeof raw !== 'object' || raw === null) return 'a <Node> without content';
  const n = raw as Parsed;
  const name = text(n.NodeName);
  if (name === undefined || name === '') return 'a <Node> without <NodeName>';
  const node: TndsNode = { name, children: [] };
  const path = text(n.Path);
  if (path !== undefined) node.path = path;
  const props = n.RTProperties;
  if (typeof props === 'object' && props !== null) {
    const p = props as Parsed;
    const acl = text(p.ACL);
    if (acl !== undefined) node.acl = acl;
    const title = text(p.Title);
    if (title !== undefined) node.title = title;
    if (typeof p.Format === 'object' && p.Format !== null) {
      const keys = Object.keys(p.Format);
      if (keys.length !== 1) return `node "${name}": <Format> must hold exactly one format element`;
      node.format = keys[0]!;
    } else if (p.Format !== undefined) return `node "${name}": empty <Format>`;
    if (typeof p.Type === 'object' && p.Type !== null) {
      const t = p.Type as Parsed;
      node.type = text(t.MIME) ?? text(t.DDFName) ?? '';
    } else if (p.Type !== undefined && p.Type !== '')
      return `node "${name}": <Type> needs <MIME> or <DDFName>`;
  }
  const value = n.Value;
  if (value !== undefined) {
    const v = text(value);
    if (v === undefined) return `node "${name}": <Value> holds markup`;
    node.value = v;
  }
  const children = n.Node;
  if (Array.isArray(children)) {
    for (const c of children) {
      const child = readNode(c);
      if (typeof child === 'string') return child;
      node.children.push(child);
    }
  }
  return node;
}

/** Parses a TNDS document into its top-level nodes, or returns a reason. */
export function parseTnds(xml: string): TndsNode[] | string {
  if (/<!ENTITY/i.test(xml)) return 'entity declarations are not accepted in TNDS';
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`;
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    removeNSPrefix: true,
    isArray: (tagName) => tagName === 'Node',
  });
  const doc = parser.parse(xml) as Parsed;
  const tree = doc.MgmtTree;
  if (typeof tree !== 'object' || tree === null) return 'no <MgmtTree> root element';
  const nodes = (tree as Parsed).Node;
  const out: TndsNode[] = [];
  if (Array.isArray(nodes)) {
    for (const raw of nodes) {
      const node = readNode(raw);
      if (typeof node === 'string') return node;
      out.push(node);
    }
  }
  return out;
}
