import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeWbxml } from '../../../src/core/wbxml/decode.ts';
import { encodeWbxml } from '../../../src/core/wbxml/encode.ts';
import { parseHex, toHex } from '../../../src/core/bytes/hex.ts';
import { canonicalXml, parseXml } from '../../../src/core/xml/index.ts';
import { CP_S10_HEX, VECTORS_DIR, goldenPairs, handVectors, stringTableVectors } from './corpus.ts';

const pairs = goldenPairs();

describe('golden corpus (libwbxml xml2wbxml output)', () => {
  it('has the expected vectors', () => {
    expect(pairs.length).toBe(22);
  });

  describe.each(pairs.map((p) => [p.name, p] as const))('%s', (_name, p) => {
    it('decode: our decoding of the golden WBXML equals the XML source', () => {
      const decoded = decodeWbxml(p.wbxml);
      expect(canonicalXml(decoded.document)).toBe(canonicalXml(parseXml(p.xml)));
      expect(decoded.version).toBe(p.libwbxmlVersion === '1.3' ? 3 : 2);
      expect(decoded.charset).toBe(106);
    });

    it('encode: our encoding of the XML source is byte-identical to xml2wbxml', () => {
      expect(toHex(encodeWbxml(parseXml(p.xml), p.encode))).toBe(toHex(p.wbxml));
    });

    it('round trip: encode(decode(golden)) = golden and decode(encode(xml)) = xml', () => {
      const decoded = decodeWbxml(p.wbxml);
      expect(toHex(encodeWbxml(decoded.document, p.encode))).toBe(toHex(p.wbxml));
      const source = parseXml(p.xml);
      expect(canonicalXml(decodeWbxml(encodeWbxml(source)).document)).toBe(canonicalXml(source));
      expect(
        canonicalXml(decodeWbxml(encodeWbxml(source, { stringTable: true, version: 0x01 })).document),
      ).toBe(canonicalXml(source));
    });
  });
});

describe('oma-cp.md §10 CP vector (286 bytes)', () => {
  const bytes = parseHex(CP_S10_HEX);

  it('is 286 bytes and decodes to the documented content', () => {
    expect(bytes.length).toBe(286);
    const { document, version, publicIdNumber, charset, stringTable } = decodeWbxml(bytes);
    expect([version, publicIdNumber, charset, stringTable.length]).toEqual([3, 0x0b, 106, 0]);
    expect(document.publicId).toBe('-//WAPFORUM//DTD PROV 1.0//EN');
    const c = canonicalXml(document);
    // Page-1 attribute state carried across elements: 0x36 after `type=APPLICATION` is APPID.
    expect(c).toContain('<characteristic type="APPLICATION"><parm name="APPID" value="w4"/>');
    expect(c).toContain('<parm name="BEARER" value="GSM-GPRS"/>');
    expect(c).toContain('<parm name="NAP-ADDRTYPE" value="APN"/>');
    expect(c).toContain('<parm name="AUTHTYPE" value="PAP"/>');
    expect(c).toContain('<parm name="PXADDRTYPE" value="IPV4"/>');
    expect(c).toContain(
      '<parm name="TO-PROXY" value="mmsproxy"/><parm name="ADDR" value="http://mmsc.example.net/mms"/>',
    );
  });

  it('is reproduced byte for byte with the options of xml2wbxml -n -v 1.3', () => {
    const { document } = decodeWbxml(bytes);
    expect(toHex(encodeWbxml(document, { version: 0x03, stringTable: false }))).toBe(
      CP_S10_HEX.toLowerCase(),
    );
  });

  it('is the committed golden file', () => {
    expect(toHex(new Uint8Array(readFileSync(`${VECTORS_DIR}cp/oma-cp-s10-mms.wbxml`)))).toBe(
      CP_S10_HEX.toLowerCase(),
    );
  });
});

describe('WBXML with libwbxml string tables', () => {
  it.each(stringTableVectors().map((v) => [v.name, v] as const))('%s decodes to its XML source', (_n, v) => {
    const decoded = decodeWbxml(v.wbxml);
    expect(decoded.stringTable.length).toBeGreaterThan(0);
    expect(canonicalXml(decoded.document)).toBe(canonicalXml(parseXml(v.xml)));
    // Our own string-table encoding decodes back to the same document.
    expect(canonicalXml(decodeWbxml(encodeWbxml(decoded.document, { stringTable: true })).document)).toBe(
      canonicalXml(decoded.document),
    );
  });
});

describe('hand-annotated vectors', () => {
  it.each(handVectors().map((v) => [v.name, v] as const))('%s', (_n, v) => {
    const decoded = decodeWbxml(v.bytes);
    expect(canonicalXml(decoded.document)).toBe(v.canonical);
    // Round trip through our encoder keeps the document, OPAQUE bytes included.
    const again = decodeWbxml(encodeWbxml(decoded.document));
    expect(canonicalXml(again.document)).toBe(v.canonical);
  });

  it('keeps non-UTF-8 OPAQUE bytes as bytes through a round trip', () => {
    const v = handVectors().find((h) => h.name === 'syncml-entity-opaque-binary')!;
    const doc = decodeWbxml(encodeWbxml(decodeWbxml(v.bytes).document)).document;
    const json = JSON.stringify(doc, (_k, value: unknown) =>
      value instanceof Uint8Array ? toHex(value) : value,
    );
    expect(json).toContain('"kind":"opaque","bytes":"00ff80"');
  });

  it('gives the string table and public id exactly as in the header', () => {
    const v = handVectors().find((h) => h.name === 'prov-string-table-and-literals')!;
    const d = decodeWbxml(v.bytes);
    expect(d.publicIdNumber).toBeNull();
    expect(d.stringTable.length).toBe(49);
    expect(d.language).toBe('prov');
  });
});

describe('encoder choices (independent expectations)', () => {
  it('writes MetInf on page 1 inside SyncML with switches as in wbxml.md §5.2', () => {
    const doc = parseXml(
      '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "x"><SyncML xmlns="SYNCML:SYNCML1.2"><SyncBody><Meta><Format xmlns="syncml:metinf">b64</Format><Type xmlns="syncml:metinf">syncml:auth-basic</Type></Meta><Data>x</Data></SyncBody></SyncML>',
    );
    const hex = toHex(encodeWbxml(doc));
    // Meta+content, SWITCH 1, Format STR_I "b64" END, Type STR_I … END, END Meta, SWITCH 0, Data …
    const fmt = toHex(new TextEncoder().encode('b64'));
    const typ = toHex(new TextEncoder().encode('syncml:auth-basic'));
    expect(hex).toContain(`5a000147 03${fmt}00 01 53 03${typ}00 01 01 0000 4f`.replace(/ /g, ''));
  });

  it('writes a TNDS document with its FPI in the string table and a switch to page 2', () => {
    const doc = parseXml(
      '<!DOCTYPE MgmtTree PUBLIC "-//OMA//DTD-DM-DDF 1.2//EN" "x"><MgmtTree xmlns="syncml:dmddf1.2"><VerDTD>1.2</VerDTD></MgmtTree>',
    );
    const fpi = toHex(new TextEncoder().encode('-//OMA//DTD-DM-DDF 1.2//EN'));
    // 1.3, publicid 0 + index 0, UTF-8, table 27 bytes, SWITCH 2, MgmtTree (0x20|0x40), VerDTD (0x37|0x40)
    expect(toHex(encodeWbxml(doc))).toBe(`0300006a1b${fpi}00` + '0002' + '60' + '77' + '03312e320001' + '01');
  });

  it('writes the public id as a string when asked', () => {
    const doc = parseXml('<wap-provisioningdoc/>');
    const fpi = toHex(new TextEncoder().encode('-//WAPFORUM//DTD PROV 1.0//EN'));
    expect(toHex(encodeWbxml(doc, { publicId: 'string', version: 0x02 }))).toBe(`0200006a1e${fpi}00` + '05');
  });

  it('puts repeated strings in the string table when asked', () => {
    const doc = parseXml(
      '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "x"><SyncML><SyncBody><LocURI>./a/b</LocURI><LocURI>./a/b</LocURI></SyncBody></SyncML>',
    );
    // table "./a/b\0" (6 bytes); each LocURI (0x17|0x40) is STR_T 0
    expect(toHex(encodeWbxml(doc, { stringTable: true }))).toBe(
      '03a4016a06' +
        toHex(new TextEncoder().encode('./a/b')) +
        '00' +
        '6d6b' +
        '5783' +
        '0001' +
        '5783' +
        '0001' +
        '0101',
    );
  });

  it('does not write xmlns attributes and falls back to LITERAL for unknown names', () => {
    const doc = parseXml(
      '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "x"><SyncML xmlns="SYNCML:SYNCML1.2"><Vendor>v</Vendor></SyncML>',
    );
    // table "Vendor\0"; SyncML; LITERAL_C index 0; STR_I "v"; END; END
    expect(toHex(encodeWbxml(doc))).toBe(
      '03a4016a07' +
        toHex(new TextEncoder().encode('Vendor')) +
        '00' +
        '6d' +
        '4400' +
        '037600' +
        '01' +
        '01',
    );
  });
});
