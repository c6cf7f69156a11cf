/**
 * Rows of the WBXML code-page tables. The tables themselves are data, one module per
 * language, each citing its source; `languages.ts` derives the lookup maps once.
 */

/** A tag token: `token` is the low 6 bits (0x05-0x3F) on code page `page`. */
export interface TagRow {
  readonly page: number;
  readonly token: number;
  readonly name: string;
}

/**
 * An attribute-start token (below 0x80): the attribute `name` plus the first part of its
 * value (`valuePrefix`, empty when the token carries the name only).
 */
export interface AttrStartRow {
  readonly page: number;
  readonly token: number;
  readonly name: string;
  readonly valuePrefix: string;
}

/** An attribute-value token (0x80 or above) standing for `value`. */
export interface AttrValueRow {
  readonly page: number;
  readonly token: number;
  readonly value: string;
}

/** A code page's XML namespace, where the language defines one (SyncML: per page). */
export interface PageNamespace {
  readonly page: number;
  readonly uri: string;
}

/** Everything the codec needs to know about one WBXML language. */
export interface LanguageDefinition {
  /** Stable key, e.g. `prov`, `syncml12`. */
  readonly key: string;
  /** Human name for messages. */
  readonly title: string;
  /** The well-known WBXML public id, or null when the language has none (FPI via string table). */
  readonly publicIdNumber: number | null;
  /** Formal public identifier used in the XML DOCTYPE. */
  readonly fpi: string;
  /** Other FPIs that select this language when decoding (spelling variants). */
  readonly fpiAliases?: readonly string[];
  /** DOCTYPE system identifier written by `writeXml` when the document has none. */
  readonly systemId: string;
  /** Name of the root element (used to guess the language of a document without FPI). */
  readonly rootElement: string;
  /** Namespace of the root element when the language uses them (SyncML, DevInf, DDF). */
  readonly rootNamespace?: string;
  /** Code page of the root tag (an encoder switches to it first if it is not 0). */
  readonly rootPage: number;
  readonly tags: readonly TagRow[];
  readonly attrStarts: readonly AttrStartRow[];
  readonly attrValues: readonly AttrValueRow[];
  readonly namespaces: readonly PageNamespace[];
}

/** Builds tag rows of one page from `[token, name]` pairs. */
export function tagPage(page: number, pairs: readonly (readonly [number, string])[]): TagRow[] {
  return pairs.map(([token, name]) => ({ page, token, name }));
}
