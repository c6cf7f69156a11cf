/**
 * The golden corpus under test/vectors/wbxml (see its README for provenance). Shared by the
 * unit tests and the libwbxml interop suite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WbxmlEncodeOptions } from '../../../src/core/wbxml/encode.ts';
import { parseHex } from '../../../src/core/bytes/hex.ts';

export const VECTORS_DIR = fileURLToPath(new URL('../../vectors/wbxml/', import.meta.url));

export interface GoldenPair {
  /** e.g. `syncml/dm-pkg1-devinfo` */
  name: string;
  xmlPath: string;
  wbxmlPath: string;
  xml: string;
  wbxml: Uint8Array;
  /** The options under which our encoder must reproduce `wbxml` byte for byte (the xml2wbxml command). */
  encode: WbxmlEncodeOptions;
  /** The xml2wbxml version flag used. */
  libwbxmlVersion: '1.2' | '1.3';
}

const GROUPS: { dir: string; encode: WbxmlEncodeOptions; libwbxmlVersion: '1.2' | '1.3' }[] = [
  { dir: 'third-party/libwbxml', encode: { version: 0x03 }, libwbxmlVersion: '1.3' },
  { dir: 'third-party/intel-cpclient', encode: { version: 0x03 }, libwbxmlVersion: '1.3' },
  { dir: 'syncml', encode: { version: 0x02, syncmlOpaqueData: true }, libwbxmlVersion: '1.2' },
  { dir: 'tnds', encode: { version: 0x02 }, libwbxmlVersion: '1.2' },
  { dir: 'devinf', encode: { version: 0x02 }, libwbxmlVersion: '1.2' },
];

export function goldenPairs(): GoldenPair[] {
  const out: GoldenPair[] = [];
  for (const g of GROUPS) {
    for (const file of readdirSync(VECTORS_DIR + g.dir).sort()) {
      if (!file.endsWith('.xml')) continue;
      const base = `${g.dir}/${file.slice(0, -4)}`;
      out.push({
        name: base,
        xmlPath: `${VECTORS_DIR}${base}.xml`,
        wbxmlPath: `${VECTORS_DIR}${base}.wbxml`,
        xml: readFileSync(`${VECTORS_DIR}${base}.xml`, 'utf8'),
        wbxml: new Uint8Array(readFileSync(`${VECTORS_DIR}${base}.wbxml`)),
        encode: g.encode,
        libwbxmlVersion: g.libwbxmlVersion,
      });
    }
  }
  return out;
}

/** WBXML produced by `xml2wbxml` with its string table on, and the XML it came from. */
export function stringTableVectors(): { name: string; wbxml: Uint8Array; wbxmlPath: string; xml: string }[] {
  const sources: Record<string, string> = {
    'prov-003': 'third-party/libwbxml/prov-003.xml',
    proxytest: 'third-party/intel-cpclient/proxytest.xml',
    'dm-pkg2-server': 'syncml/dm-pkg2-server.xml',
    'tnds-dmacc': 'tnds/tnds-dmacc.xml',
  };
  return Object.entries(sources).map(([name, xml]) => ({
    name: `string-table/${name}`,
    wbxmlPath: `${VECTORS_DIR}string-table/${name}.wbxml`,
    wbxml: new Uint8Array(readFileSync(`${VECTORS_DIR}string-table/${name}.wbxml`)),
    xml: readFileSync(VECTORS_DIR + xml, 'utf8'),
  }));
}

export interface HandVector {
  name: string;
  description: string;
  bytes: Uint8Array;
  canonical: string;
}

/** Hand-annotated vectors: hex lines with `//` comments, expected canonical XML written by hand. */
export function handVectors(): HandVector[] {
  const raw = JSON.parse(readFileSync(`${VECTORS_DIR}hand/vectors.json`, 'utf8')) as {
    name: string;
    description: string;
    bytes: string[];
    canonical: string;
  }[];
  return raw.map((v) => ({
    name: v.name,
    description: v.description,
    bytes: parseHex(v.bytes.map((line) => line.replace(/\/\/.*$/, '')).join(' '), { allowWhitespace: true }),
    canonical: v.canonical,
  }));
}

/** oma-cp.md §10 Document A, 286 bytes (Kannel 1.4.5 = libwbxml `xml2wbxml -n -v 1.3`). */
export const CP_S10_HEX =
  '030B6A00C54503312E310001C65501871106034D4D535F4E41500001871006AB01870706034578616D706C65204D4D530001870806036D6D732E6578616D706C' +
  '652E6E657400018709068901C65A01870C069A01870D06036D6D730001870E06036D6D7300010101C65101871506036D6D7370726F78790001870706034D4D53' +
  '2050726F78790001C65201872F060350583100018720060331302E302E302E313000018721068501872206034D4D535F4E41500001C653018723060338303830' +
  '0001010101C60001550187360000060377340001870706034578616D706C65204D4D53000187000139000006036D6D7370726F78790001870001340000060368' +
  '7474703A2F2F6D6D73632E6578616D706C652E6E65742F6D6D7300010101';
