/**
 * MetInf helpers: effective Meta of an Item (Item Meta overrides command Meta) and the
 * default Format / Type (decision 0041: `chr` and `text/plain`, oma-dm.md §4 "unconfirmed").
 */
import type { Item, Meta } from './message.ts';

export const DEFAULT_FORMAT = 'chr';
export const DEFAULT_TYPE = 'text/plain';

/** Meta of `item` merged over the command-level Meta: item fields win. */
export function mergeMeta(commandMeta: Meta | undefined, itemMeta: Meta | undefined): Meta {
  return { ...(commandMeta ?? {}), ...(itemMeta ?? {}) };
}

export interface EffectiveMeta extends Meta {
  Format: string;
  Type: string;
}

/** The Meta that applies to an Item, with Format / Type defaulted to chr / text/plain. */
export function effectiveMeta(commandMeta: Meta | undefined, item: Item): EffectiveMeta {
  const merged = mergeMeta(commandMeta, item.Meta);
  return { ...merged, Format: merged.Format ?? DEFAULT_FORMAT, Type: merged.Type ?? DEFAULT_TYPE };
}

/** `syncml:metinf` Format names used by the management tree (oma-dm.md §12.2), defined once with the tree. */
export { NODE_FORMATS, isNodeFormat, type NodeFormat } from '../tree/types.ts';
