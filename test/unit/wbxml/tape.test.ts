/**
 * The decoder's tape and its lazily built view (src/core/wbxml/tape.ts, decision 0106): the
 * view must read exactly like the plain document model, whatever the size of the document.
 */
import { describe, expect, it } from 'vitest';
import { parseHex } from '../../../src/core/bytes/hex.ts';
import { decodeWbxml } from '../../../src/core/wbxml/decode.ts';
import {
  element,
  text,
  type XmlAttribute,
  type XmlElement,
  type XmlNode,
} from '../../../src/core/wbxml/document.ts';
import { encodeWbxml } from '../../../src/core/wbxml/encode.ts';
import { FPI, NS } from '../../../src/core/wbxml/index.ts';

/** A deep copy as plain objects: reads every getter of a lazily built element. */
function plain(node: XmlNode): XmlNode {
  if (node.kind !== 'element') return { ...node };
  const attributes = node.attributes.map((a: XmlAttribute) => ({ name: a.name, value: a.value }));
  const children = node.children.map(plain);
  return node.namespace === undefined
    ? { kind: 'element', name: node.name, attributes, children }
    : { kind: 'element', name: node.name, namespace: node.namespace, attributes, children };
}

const META = NS.metinf;

/** A SyncML message with `n` items: > 4096 nodes and commands whose subtrees exceed 64 nodes. */
function bigMessage(n: number): XmlElement {
  const commands: XmlElement[] = [];
  for (let c = 0; c < n / 10; c++) {
    const items: XmlElement[] = [];
    for (let i = 0; i < 10; i++) {
      items.push(
        element(
          'Item',
          [],
          [
            element('Target', [], [element('LocURI', [], [text(`./Vendor/Node${c}/Leaf${i}`)])]),
            element('Meta', [], [element('Format', [], [text('chr')], META)]),
            element('Data', [], [text(`value ${c * 10 + i} déjà vu`)]),
          ],
        ),
      );
    }
    commands.push(element('Replace', [], [element('CmdID', [], [text(String(c + 1))]), ...items]));
  }
  return element(
    'SyncML',
    [],
    [
      element('SyncHdr', [], [element('VerDTD', [], [text('1.2')])]),
      element('SyncBody', [], [...commands, element('Final')]),
    ],
    NS.syncml12,
  );
}

describe('the lazily built view reads like the plain document model', () => {
  it('a message of 2,000 items (many chunks, lazy and eager subtrees) decodes to the same tree', () => {
    const root = bigMessage(2000);
    const decoded = decodeWbxml(encodeWbxml({ publicId: FPI.syncml12, root }, { version: 0x02 }));
    expect(plain(decoded.document.root)).toEqual(plain(root));
  });

  it('children and attributes become own properties: stable identity, assignable, cloneable', () => {
    const root = bigMessage(100);
    const decoded = decodeWbxml(encodeWbxml({ publicId: FPI.syncml12, root }, { version: 0x02 }));
    const r = decoded.document.root;
    const first = r.children;
    expect(r.children).toBe(first);
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['kind', 'name', 'children']));
    // Once read everywhere, equality and structured cloning see plain objects.
    plain(r);
    expect(r).toEqual(plain(root));
    expect(structuredClone(r)).toEqual(plain(root));
    r.children = [text('replaced')];
    expect(r.children).toEqual([text('replaced')]);
  });

  it('JSON gives the plain shape and key order, read or not', () => {
    const root = bigMessage(100);
    const bytes = encodeWbxml({ publicId: FPI.syncml12, root }, { version: 0x02 });
    expect(JSON.stringify(decodeWbxml(bytes).document.root)).toBe(JSON.stringify(root));
  });

  it('elements without attributes share one frozen empty list', () => {
    const decoded = decodeWbxml(encodeWbxml({ publicId: FPI.syncml12, root: bigMessage(10) }));
    const hdr = decoded.document.root.children[0] as XmlElement;
    expect(hdr.attributes).toEqual([]);
    expect(Object.isFrozen(hdr.attributes)).toBe(true);
  });
});

describe('text and opaque nodes', () => {
  it('joins STR_I, ENTITY, STR_T and non-ASCII UTF-8 into one text node', () => {
    // SyncML 1.2, UTF-8, string table "ab"; <SyncML> "x" &#233; [ab] "é" </SyncML>
    const d = decodeWbxml(
      parseHex('03 A4 01 6A 03 61 62 00 6D 03 78 00 02 81 69 83 00 03 C3 A9 00 01', {
        allowWhitespace: true,
      }),
    );
    expect(d.document.root.children).toEqual([text('xéabé')]);
  });

  it('reads ISO-8859-1 and long inline strings', () => {
    const latin = decodeWbxml(parseHex('03 A4 01 04 00 6D 03 E9 FF 41 00 01', { allowWhitespace: true }));
    expect(latin.document.root.children).toEqual([text('éÿA')]);
    const long = 'z'.repeat(20_000);
    const root = element('SyncML', [], [element('Data', [], [text(long)])]);
    const decoded = decodeWbxml(encodeWbxml({ publicId: FPI.syncml12, root }));
    expect((decoded.document.root.children[0] as XmlElement).children).toEqual([text(long)]);
  });

  it('OPAQUE bytes are a copy, not a view of the input', () => {
    const input = parseHex('03 A4 01 6A 00 6D C3 03 01 02 03 01', { allowWhitespace: true });
    const d = decodeWbxml(input);
    const node = d.document.root.children[0]!;
    expect(node.kind).toBe('opaque');
    const bytes = (node as { bytes: Uint8Array }).bytes;
    expect([...bytes]).toEqual([1, 2, 3]);
    input[8] = 0x7f;
    expect(bytes[0]).toBe(1);
  });
});
