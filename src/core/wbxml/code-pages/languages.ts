/**
 * The registry of WBXML languages the codec knows, keyed by public id number, FPI, root
 * element and key. Lookup tables are derived once from the row data at module load.
 *
 * Public ids and FPIs: /work/shared/spec/wbxml.md §4 (libwbxml `src/wbxml_tables.h`).
 * Namespaces per page: libwbxml's SyncML namespace tables (page 0 `SYNCML:SYNCML1.2`,
 * page 1 `syncml:metinf`, page 2 `syncml:dmddf1.2`), wbxml.md §5.
 */
import { DEVINF12_TAGS } from './devinf12.ts';
import { DMDDF12_TAGS } from './dmddf12.ts';
import { METINF12_TAGS } from './metinf12.ts';
import { PROV_ATTR_STARTS, PROV_ATTR_VALUES, PROV_TAGS } from './prov.ts';
import { SYNCML12_TAGS } from './syncml12.ts';
import type { AttrStartRow, AttrValueRow, LanguageDefinition, PageNamespace, TagRow } from './types.ts';

export const NS = {
  syncml12: 'SYNCML:SYNCML1.2',
  syncml11: 'SYNCML:SYNCML1.1',
  metinf: 'syncml:metinf',
  dmddf12: 'syncml:dmddf1.2',
  devinf: 'syncml:devinf',
} as const;

export const FPI = {
  prov: '-//WAPFORUM//DTD PROV 1.0//EN',
  syncml12: '-//SYNCML//DTD SyncML 1.2//EN',
  metinf12: '-//SYNCML//DTD MetInf 1.2//EN',
  devinf12: '-//SYNCML//DTD DevInf 1.2//EN',
  dmddf12: '-//OMA//DTD-DM-DDF 1.2//EN',
  syncml11: '-//SYNCML//DTD SyncML 1.1//EN',
} as const;

const SYNCML12_PAGES: readonly TagRow[] = [...SYNCML12_TAGS, ...METINF12_TAGS, ...DMDDF12_TAGS];
const SYNCML12_NAMESPACES: readonly PageNamespace[] = [
  { page: 0, uri: NS.syncml12 },
  { page: 1, uri: NS.metinf },
  { page: 2, uri: NS.dmddf12 },
];

export const LANGUAGE_DEFINITIONS: readonly LanguageDefinition[] = [
  {
    key: 'prov',
    title: 'OMA Client Provisioning 1.0/1.1',
    publicIdNumber: 0x0b,
    fpi: FPI.prov,
    systemId: 'http://www.wapforum.org/DTD/prov.dtd',
    rootElement: 'wap-provisioningdoc',
    rootPage: 0,
    tags: PROV_TAGS,
    attrStarts: PROV_ATTR_STARTS,
    attrValues: PROV_ATTR_VALUES,
    namespaces: [],
  },
  {
    key: 'syncml12',
    title: 'SyncML 1.2 (OMA DM 1.2)',
    publicIdNumber: 0x1201,
    fpi: FPI.syncml12,
    systemId: 'http://www.openmobilealliance.org/tech/DTD/OMA-TS-SyncML_RepPro_DTD-V1_2.dtd',
    rootElement: 'SyncML',
    rootNamespace: NS.syncml12,
    rootPage: 0,
    tags: SYNCML12_PAGES,
    attrStarts: [],
    attrValues: [],
    namespaces: SYNCML12_NAMESPACES,
  },
  {
    key: 'metinf12',
    title: 'SyncML MetInf 1.2',
    publicIdNumber: 0x1202,
    fpi: FPI.metinf12,
    systemId: 'http://www.openmobilealliance.org/tech/DTD/OMA-TS-SyncML_MetaInfo_DTD-V1_2.dtd',
    rootElement: 'MetInf',
    rootNamespace: NS.metinf,
    rootPage: 1,
    tags: SYNCML12_PAGES,
    attrStarts: [],
    attrValues: [],
    namespaces: SYNCML12_NAMESPACES,
  },
  {
    key: 'dmddf12',
    title: 'OMA DM DDF / TNDS 1.2',
    publicIdNumber: null,
    fpi: FPI.dmddf12,
    systemId: 'http://www.openmobilealliance.org/tech/DTD/DM_DDF-V1_2.dtd',
    rootElement: 'MgmtTree',
    rootNamespace: NS.dmddf12,
    rootPage: 2,
    tags: SYNCML12_PAGES,
    attrStarts: [],
    attrValues: [],
    namespaces: SYNCML12_NAMESPACES,
  },
  {
    key: 'devinf12',
    title: 'SyncML DevInf 1.2',
    publicIdNumber: 0x1203,
    fpi: FPI.devinf12,
    systemId: 'http://www.openmobilealliance.org/tech/DTD/OMA-SyncML-Device_Information-DTD-1.2.dtd',
    rootElement: 'DevInf',
    rootNamespace: NS.devinf,
    rootPage: 0,
    tags: DEVINF12_TAGS,
    attrStarts: [],
    attrValues: [],
    namespaces: [{ page: 0, uri: NS.devinf }],
  },
  {
    // DM 1.1 messages (and some DM 1.2 ones, e.g. AOSP dm12/testget.wbxml) name SyncML 1.1.
    // Decoded with the 1.2 pages 0-1, a superset of 1.1 (docs/decisions/0011-languages.md).
    key: 'syncml11',
    title: 'SyncML 1.1 (OMA DM 1.1), decoded with the 1.2 tables',
    publicIdNumber: 0x0fd3,
    fpi: FPI.syncml11,
    systemId: 'http://www.syncml.org/docs/syncml_represent_v11_20020213.dtd',
    rootElement: 'SyncML',
    rootNamespace: NS.syncml11,
    rootPage: 0,
    tags: [...SYNCML12_TAGS, ...METINF12_TAGS],
    attrStarts: [],
    attrValues: [],
    namespaces: [
      { page: 0, uri: NS.syncml11 },
      { page: 1, uri: NS.metinf },
    ],
  },
];

type Table<T> = (T | undefined)[];

/** A language with its lookup tables derived from the rows. */
export class Language {
  readonly def: LanguageDefinition;
  /** [page][token] → tag name. */
  private readonly tagTables: Table<Table<string>> = [];
  private readonly attrStartTables: Table<Table<AttrStartRow>> = [];
  private readonly attrValueTables: Table<Table<string>> = [];
  private readonly namespaceOfPage: Table<string> = [];
  /** Tag rows by name, in table order. */
  readonly tagsByName = new Map<string, TagRow[]>();
  /** Attribute-start rows by attribute name, in table order. */
  readonly attrStartsByName = new Map<string, AttrStartRow[]>();
  readonly pageOfNamespace = new Map<string, number>();

  constructor(def: LanguageDefinition) {
    this.def = def;
    for (const row of def.tags) {
      (this.tagTables[row.page] ??= [])[row.token] = row.name;
      pushTo(this.tagsByName, row.name, row);
    }
    for (const row of def.attrStarts) {
      (this.attrStartTables[row.page] ??= [])[row.token] = row;
      pushTo(this.attrStartsByName, row.name, row);
    }
    for (const row of def.attrValues) (this.attrValueTables[row.page] ??= [])[row.token] = row.value;
    for (const ns of def.namespaces) {
      this.namespaceOfPage[ns.page] = ns.uri;
      this.pageOfNamespace.set(ns.uri, ns.page);
    }
  }

  get key(): string {
    return this.def.key;
  }

  tagName(page: number, token: number): string | undefined {
    return this.tagTables[page]?.[token];
  }

  attrStart(page: number, token: number): AttrStartRow | undefined {
    return this.attrStartTables[page]?.[token];
  }

  attrValue(page: number, token: number): string | undefined {
    return this.attrValueTables[page]?.[token];
  }

  namespaceOf(page: number): string | undefined {
    return this.namespaceOfPage[page];
  }

  get attrValueRows(): readonly AttrValueRow[] {
    return this.def.attrValues;
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export const LANGUAGES: readonly Language[] = LANGUAGE_DEFINITIONS.map((d) => new Language(d));

const byKey = new Map(LANGUAGES.map((l) => [l.key, l]));
const byPublicId = new Map<number, Language>();
const byFpi = new Map<string, Language>();
for (const l of LANGUAGES) {
  if (l.def.publicIdNumber !== null) byPublicId.set(l.def.publicIdNumber, l);
  byFpi.set(l.def.fpi, l);
  for (const alias of l.def.fpiAliases ?? []) byFpi.set(alias, l);
}

export type LanguageKey = 'prov' | 'syncml12' | 'metinf12' | 'dmddf12' | 'devinf12' | 'syncml11';

export function languageByKey(key: string): Language | undefined {
  return byKey.get(key);
}

export function languageByPublicId(id: number): Language | undefined {
  return byPublicId.get(id);
}

export function languageByFpi(fpi: string): Language | undefined {
  return byFpi.get(fpi.trim());
}

/**
 * Guesses the language of a document without a usable FPI from its root element (and
 * namespace, which tells SyncML 1.1 from 1.2).
 */
export function languageByRoot(name: string, namespace?: string): Language | undefined {
  let fallback: Language | undefined;
  for (const l of LANGUAGES) {
    if (l.def.rootElement !== name) continue;
    if (namespace !== undefined && l.def.rootNamespace === namespace) return l;
    fallback ??= l;
  }
  return fallback;
}
