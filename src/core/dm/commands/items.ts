/**
 * Item Data and Meta -> tree values, and tree values -> Result Items (shared/spec/oma-dm.md
 * §2, §4, §12.2): binary data travels with Meta Format `b64` in XML (the node keeps `bin`);
 * in WBXML it may be OPAQUE with Format `bin` or `b64`; a TNDS Add carries the tree as text
 * (XML) or as embedded elements (WBXML).
 */
import { decodeBase64 } from '../../tree/format.ts';
import { TNDS_MIME, type NodeFormat, type NodeValue, type TreeResult } from '../../tree/types.ts';
import type { DataValue, Item, Meta } from '../../syncml/message.ts';
import { dataText } from '../../syncml/message.ts';
import { mergeMeta } from '../../syncml/meta.ts';
import { utf8Length } from '../../bytes/index.ts';
import type { XmlWriter } from './types.ts';

export interface ItemValue {
  /** Format for the tree; undefined = keep / let the tree decide. */
  format?: NodeFormat | string;
  type?: string;
  value?: NodeValue;
}

/** The value an Add / Replace item carries, as the tree takes it. */
export function itemValue(
  commandMeta: Meta | undefined,
  item: Item,
  data: DataValue | undefined,
  writeXml: XmlWriter,
): ItemValue {
  const meta = mergeMeta(commandMeta, item.Meta);
  const format = meta.Format?.trim();
  const type = meta.Type?.trim();
  const out: ItemValue = {};
  if (type !== undefined && type !== '') out.type = type;
  if (format === 'node') {
    out.format = 'node';
    return out;
  }
  if (type === TNDS_MIME) {
    out.value = Array.isArray(data)
      ? data.map((el) => writeXml({ publicId: null, root: el })).join('')
      : dataText(data);
    return out;
  }
  if (format === 'b64') {
    out.format = 'bin';
    if (data instanceof Uint8Array) {
      const asText = new TextDecoder().decode(data);
      out.value = decodeBase64(asText) ? asText : data;
    } else out.value = dataText(data);
    return out;
  }
  if (format === 'bin') {
    out.format = 'bin';
    out.value = data instanceof Uint8Array ? data : new TextEncoder().encode(dataText(data));
    return out;
  }
  if (format !== undefined && format !== '') out.format = format;
  if (data !== undefined) out.value = dataText(data);
  else if (format === undefined) {
    // DM's default Format is chr: an Add without Meta and without Data is an empty leaf.
    out.format = 'chr';
    out.value = '';
  }
  return out;
}

/** Meta for a result: Format (bin travels as b64) and Type, left out where they are the defaults. */
function resultMeta(format: string | undefined, type: string | undefined): Meta | undefined {
  const meta: Meta = {};
  const f = format === 'bin' ? 'b64' : format;
  if (f !== undefined && f !== 'chr') meta.Format = f;
  if (type !== undefined && type !== '' && type !== 'text/plain') meta.Type = type;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

/** The Items of a Results for a successful Get of `uri` (the URI exactly as the server sent it). */
export function resultItems(uri: string, r: TreeResult): Item[] {
  if (r.items) {
    return r.items.map((li) => {
      const item: Item = { Source: { LocURI: li.uri } };
      const meta = resultMeta(li.format, li.type);
      if (meta) item.Meta = meta;
      if (li.value !== undefined) item.Data = li.value;
      return item;
    });
  }
  const item: Item = { Source: { LocURI: uri } };
  const meta = resultMeta(r.format, r.type);
  if (meta) item.Meta = meta;
  item.Data = r.value ?? '';
  return [item];
}

/** Size of a result value in the representation's units (oma-dm.md §10): UTF-8 bytes of its text. */
export function resultSize(items: readonly Item[]): number {
  let total = 0;
  for (const item of items) {
    if (item.Data instanceof Uint8Array) total += item.Data.length;
    else if (typeof item.Data === 'string') total += utf8Length(item.Data);
  }
  return total;
}
