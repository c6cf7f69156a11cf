/**
 * Writing TNDS [OMA-TS-DM_TNDS-V1_2; oma-dm.md §14]: plain string building, no XML library, so
 * the management tree (on the first screen) can answer `?list=TNDS` without loading the parser.
 * Reading TNDS lives in tnds.ts (fast-xml-parser), loaded only when a TNDS document arrives.
 */
import type { TndsProperty } from './uri.ts';

/** A node as it appears in a TNDS document. */
export interface TndsNode {
  name: string;
  /** Parent URI as written in `<Path>` (top-level nodes only). */
  path?: string;
  format?: string;
  type?: string;
  acl?: string;
  title?: string;
  tstamp?: string;
  verNo?: string;
  value?: string;
  children: TndsNode[];
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function writeNode(node: TndsNode, selection: ReadonlySet<TndsProperty>, out: string[]): void {
  out.push('<Node>', `<NodeName>${escapeXml(node.name)}</NodeName>`);
  if (node.path !== undefined) out.push(`<Path>${escapeXml(node.path)}</Path>`);
  out.push('<RTProperties>');
  if (selection.has('ACL') && node.acl !== undefined && node.acl !== '')
    out.push(`<ACL>${escapeXml(node.acl)}</ACL>`);
  if (selection.has('Format') && node.format !== undefined) out.push(`<Format><${node.format}/></Format>`);
  if (selection.has('Title') && node.title !== undefined) out.push(`<Title>${escapeXml(node.title)}</Title>`);
  if (selection.has('TStamp') && node.tstamp !== undefined)
    out.push(`<TStamp>${escapeXml(node.tstamp)}</TStamp>`);
  const isInterior = node.format === 'node';
  const type = node.type ?? '';
  if (isInterior)
    out.push(type === '' ? '<Type><DDFName/></Type>' : `<Type><DDFName>${escapeXml(type)}</DDFName></Type>`);
  else out.push(`<Type><MIME>${escapeXml(type === '' ? 'text/plain' : type)}</MIME></Type>`);
  if (selection.has('VerNo') && node.verNo !== undefined) out.push(`<VerNo>${escapeXml(node.verNo)}</VerNo>`);
  out.push('</RTProperties>');
  if (selection.has('Value') && !isInterior && node.value !== undefined)
    out.push(`<Value>${escapeXml(node.value)}</Value>`);
  for (const child of node.children) writeNode(child, selection, out);
  out.push('</Node>');
}

/** Serializes top-level nodes (each with its `path`) into one `<MgmtTree>`. */
export function writeTnds(top: readonly TndsNode[], selection: ReadonlySet<TndsProperty>): string {
  const out: string[] = ['<MgmtTree xmlns="syncml:dmddf1.2">', '<VerDTD>1.2</VerDTD>'];
  for (const node of top) writeNode(node, selection, out);
  out.push('</MgmtTree>');
  return out.join('');
}
