import { describe, expect, it } from 'vitest';
import { canonicalXml, parseXml, writeXml, XmlError } from '../../../src/core/xml/index.ts';
import { element, opaque, text } from '../../../src/core/wbxml/document.ts';

function xmlError(fn: () => unknown): XmlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(XmlError);
    return e as XmlError;
  }
  throw new Error('expected an XmlError');
}

describe('parseXml', () => {
  it('reads DOCTYPE ids, namespaces, attributes in order, text and CDATA', () => {
    const doc = parseXml(
      '<?xml version="1.0"?>\n<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "http://x/y.dtd">\n' +
        '<SyncML xmlns="SYNCML:SYNCML1.2"><Meta><Type xmlns="syncml:metinf">a&lt;b&#x41;&#66;</Type></Meta>' +
        '<Data b="1" a="2"><![CDATA[<x>&amp;]]></Data></SyncML>',
    );
    expect(doc.publicId).toBe('-//SYNCML//DTD SyncML 1.2//EN');
    expect(doc.systemId).toBe('http://x/y.dtd');
    expect(doc.root).toEqual(
      element(
        'SyncML',
        [],
        [
          element('Meta', [], [element('Type', [], [text('a<bAB')], 'syncml:metinf')]),
          element(
            'Data',
            [
              { name: 'b', value: '1' },
              { name: 'a', value: '2' },
            ],
            [text('<x>&amp;')],
          ),
        ],
        'SYNCML:SYNCML1.2',
      ),
    );
  });

  it('keeps CDATA as opaque bytes when asked', () => {
    const doc = parseXml('<a><![CDATA[é]]></a>', { cdataAsOpaque: true });
    expect(doc.root.children).toEqual([opaque(new Uint8Array([0xc3, 0xa9]))]);
  });

  it('drops whitespace between elements but keeps it in leaf text', () => {
    const doc = parseXml('<a>\n  <b>  x  </b>\n  <c> </c>\n</a>');
    expect(doc.root.children).toEqual([element('b', [], [text('  x  ')]), element('c', [], [text(' ')])]);
  });

  it('does not expand DTD entities (no XXE, no billion laughs)', () => {
    const lol = '<!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;&l;&l;&l;&l;&l;&l;&l;">]>\n<a>&l2;</a>';
    const e = xmlError(() => parseXml(lol));
    expect(e.code).toBe('unknown-entity');
    expect([e.line, e.column]).toEqual([2, 4]);
    const xxe = '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a b="&x;"/>';
    expect(xmlError(() => parseXml(xxe)).code).toBe('unknown-entity');
  });

  it('reports malformed XML with line and column', () => {
    const e = xmlError(() => parseXml('<a>\n<b></a>'));
    expect(e.code).toBe('malformed-xml');
    expect(e.line).toBe(2);
    expect(e.column).toBeGreaterThan(0);
    expect(xmlError(() => parseXml('')).code).toMatch(/no-root|malformed-xml/);
    expect(xmlError(() => parseXml('<a>&#0;</a>')).code).toBe('bad-char-ref');
    expect(xmlError(() => parseXml('<a/>', { maxLength: 3 })).code).toBe('limit-exceeded');
    const deep = '<a>'.repeat(300) + '</a>'.repeat(300);
    expect(xmlError(() => parseXml(deep)).code).toBe('limit-exceeded');
  });
});

describe('writeXml', () => {
  it('writes a DOCTYPE, namespaces, escaped text and CDATA for opaque text', () => {
    const doc = {
      publicId: '-//SYNCML//DTD SyncML 1.2//EN',
      root: element(
        'SyncML',
        [],
        [
          element('Type', [{ name: 'q', value: 'a"b' }], [text('x<&>y')], 'syncml:metinf'),
          element('Data', [], [opaque(new TextEncoder().encode('a]]>b'))]),
          element('Bin', [], [opaque(new Uint8Array([0xff, 0x00]))]),
        ],
        'SYNCML:SYNCML1.2',
      ),
    };
    expect(writeXml(doc, { declaration: false })).toBe(
      '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "http://www.openmobilealliance.org/tech/DTD/OMA-TS-SyncML_RepPro_DTD-V1_2.dtd">' +
        '<SyncML xmlns="SYNCML:SYNCML1.2"><Type xmlns="syncml:metinf" q="a&quot;b">x&lt;&amp;&gt;y</Type>' +
        '<Data><![CDATA[a]]]]><![CDATA[>b]]></Data><Bin>/wA=</Bin></SyncML>',
    );
    // Indented output parses back to the same document.
    const back = parseXml(writeXml(doc, { indent: true }));
    expect(canonicalXml(back)).toBe(
      canonicalXml({ ...doc, root: { ...doc.root, children: doc.root.children.slice(0, 2) } }).replace(
        '</SyncML>',
        '<Bin>/wA=</Bin></SyncML>',
      ),
    );
  });
});

describe('canonicalXml', () => {
  it('treats opaque UTF-8 as text, defaults the root namespace and ignores formatting', () => {
    const a = parseXml(
      '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "a"><SyncML>\n <Data>x&amp;y</Data>\n</SyncML>',
    );
    const b = {
      publicId: '-//SYNCML//DTD SyncML 1.2//EN',
      root: element(
        'SyncML',
        [],
        [element('Data', [], [opaque(new TextEncoder().encode('x&y'))])],
        'SYNCML:SYNCML1.2',
      ),
    };
    expect(canonicalXml(a)).toBe(canonicalXml(b));
    expect(canonicalXml(b)).toBe(
      '<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN"><SyncML xmlns="SYNCML:SYNCML1.2"><Data>x&amp;y</Data></SyncML>',
    );
    const bin = { publicId: null, root: element('a', [], [opaque(new Uint8Array([0xff]))]) };
    expect(canonicalXml(bin)).toBe('<a>[opaque:base64:/w==]</a>');
  });
});
