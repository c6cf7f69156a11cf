/**
 * The CP document model and its rules (oma-cp.md §1.1-§1.3). Expectations are written from
 * the spec tables and the samples' README (/work/shared/vectors/third-party), not from output.
 */
import { describe, expect, it } from 'vitest';
import { CpDocumentError, parmValue, parmValues, hasParm } from '../../../src/core/cp/document.ts';
import { parseCpDocument } from '../../../src/core/cp/parse.ts';
import { assertValidCp, errorsOf, validateCpDocument, warningsOf } from '../../../src/core/cp/validate.ts';
import { decodeWbxml } from '../../../src/core/wbxml/decode.ts';
import { element } from '../../../src/core/wbxml/document.ts';
import { parseXml } from '../../../src/core/xml/parse.ts';
import { CPCLIENT, LIBWBXML, cpDoc, prov, sample, sampleWbxml } from './helpers.ts';

function messages(xml: string): { errors: string[]; warnings: string[] } {
  const issues = validateCpDocument(cpDoc(xml));
  return {
    errors: errorsOf(issues).map((i) => i.message),
    warnings: warningsOf(issues).map((i) => i.message),
  };
}

const NAPDEF = `<characteristic type="NAPDEF"><parm name="NAPID" value="N1"/><parm name="NAME" value="n"/><parm name="NAP-ADDRESS" value="apn"/></characteristic>`;

describe('the public samples', () => {
  // README: every sample is a wap-provisioningdoc; only prov-001 refers to TO-NAPID=INTERNET
  // while no NAPDEF of it has the INTERNET parameter (§1.3), which is a warning, not an error.
  const expectedWarnings: Record<string, RegExp[]> = {
    'libwbxml/prov-001.xml': [/^PXLOGICAL\[1\]\/PXPHYSICAL\[1\]: TO-NAPID=INTERNET/],
  };

  for (const path of [...LIBWBXML, ...CPCLIENT]) {
    it(`${path} parses and is valid${expectedWarnings[path] ? ' with warnings' : ''}`, () => {
      const { errors, warnings } = messages(sample(path));
      expect(errors).toEqual([]);
      const expected = expectedWarnings[path] ?? [];
      expect(warnings).toHaveLength(expected.length);
      expected.forEach((re, i) => expect(warnings[i]).toMatch(re));
    });

    it(`${path}: the WBXML form gives the same document as the XML form`, () => {
      const fromXml = cpDoc(sample(path));
      const fromWbxml = parseCpDocument(decodeWbxml(sampleWbxml(path)).document);
      expect(fromWbxml.characteristics).toEqual(fromXml.characteristics);
    });
  }

  it('keeps parameters in document order, with presence parameters valueless', () => {
    const doc = cpDoc(sample('intel-cpclient/internetmms.xml'));
    const nap = doc.characteristics[0]!;
    expect(nap.type).toBe('NAPDEF');
    expect(nap.parms.map((p) => p.name)).toEqual([
      'NAME',
      'NAPID',
      'NAP-ADDRESS',
      'BEARER',
      'INTERNET',
      'NAP-ADDRTYPE',
    ]);
    expect(nap.parms[4]).toEqual({ name: 'INTERNET' });
    expect(hasParm(nap, 'INTERNET')).toBe(true);
    const px = doc.characteristics[1]!;
    expect(px.characteristics[0]!.path).toBe('PXLOGICAL[1]/PXPHYSICAL[1]');
    expect(px.characteristics[0]!.characteristics[0]!.path).toBe('PXLOGICAL[1]/PXPHYSICAL[1]/PORT[1]');
    expect(doc.version).toBe('1.0');
    expect(doc.publicId).toBe('-//WAPFORUM//DTD PROV 1.0//EN');
  });

  it('keeps repeated parameters (prov-001 TO-NAPID twice, prov-008 RULE with and without value)', () => {
    const p1 = cpDoc(sample('libwbxml/prov-001.xml'));
    expect(parmValues(p1.characteristics[0]!.characteristics[1]!, 'TO-NAPID')).toEqual(['INTERNET', 'NAP1']);
    const p8 = cpDoc(sample('libwbxml/prov-008.xml'));
    const access = p8.characteristics.find((c) => c.type === 'ACCESS')!;
    expect(access.parms.filter((p) => p.name === 'RULE')).toEqual([
      { name: 'RULE', value: 'ACCESS1' },
      { name: 'RULE' },
    ]);
    expect(parmValue(access, 'APPID')).toBe('w4');
  });
});

describe('nesting and occurrence rules (oma-cp.md §1.1-§1.2)', () => {
  it('names the characteristic path of a missing mandatory parameter', () => {
    const xml =
      prov(`${NAPDEF}<characteristic type="PXLOGICAL"><parm name="PROXY-ID" value="p"/><parm name="NAME" value="n"/>
      <characteristic type="PXPHYSICAL"><parm name="PHYSICAL-PROXY-ID" value="a"/><parm name="PXADDR" value="1.2.3.4"/><parm name="TO-NAPID" value="N1"/></characteristic>
      <characteristic type="PXPHYSICAL"><parm name="PHYSICAL-PROXY-ID" value="b"/><parm name="TO-NAPID" value="N1"/></characteristic>
    </characteristic>`);
    expect(messages(xml).errors).toEqual(['PXLOGICAL[1]/PXPHYSICAL[2]: missing PXADDR']);
  });

  it('PXLOGICAL needs a PXPHYSICAL; NAPDEF needs NAPID, NAME and NAP-ADDRESS', () => {
    const xml =
      prov(`<characteristic type="PXLOGICAL"><parm name="PROXY-ID" value="p"/><parm name="NAME" value="n"/></characteristic>
      <characteristic type="NAPDEF"><parm name="BEARER" value="GSM-GPRS"/></characteristic>`);
    const { errors } = messages(xml);
    expect(errors).toContain('PXLOGICAL[1]: missing PXPHYSICAL characteristic');
    expect(errors).toContain('NAPDEF[1]: missing NAPID');
    expect(errors).toContain('NAPDEF[1]: missing NAME');
    expect(errors).toContain('NAPDEF[1]: missing NAP-ADDRESS');
  });

  it('PXPHYSICAL needs TO-NAPID (+), PORT needs PORTNBR (1), APPLICATION needs APPID (1)', () => {
    const xml =
      prov(`<characteristic type="PXLOGICAL"><parm name="PROXY-ID" value="p"/><parm name="NAME" value="n"/>
        <characteristic type="PXPHYSICAL"><parm name="PHYSICAL-PROXY-ID" value="a"/><parm name="PXADDR" value="x"/>
          <characteristic type="PORT"><parm name="SERVICE" value="http"/></characteristic></characteristic></characteristic>
      <characteristic type="APPLICATION"><parm name="NAME" value="x"/></characteristic>`);
    const { errors } = messages(xml);
    expect(errors).toContain('PXLOGICAL[1]/PXPHYSICAL[1]: missing TO-NAPID');
    expect(errors).toContain('PXLOGICAL[1]/PXPHYSICAL[1]/PORT[1]: missing PORTNBR');
    expect(errors).toContain('APPLICATION[1]: missing APPID');
  });

  it('rejects a parameter given more often than allowed, and a characteristic in the wrong place', () => {
    const xml =
      prov(`<characteristic type="NAPDEF"><parm name="NAPID" value="N1"/><parm name="NAME" value="a"/><parm name="NAME" value="b"/>
      <parm name="NAP-ADDRESS" value="apn"/><characteristic type="PORT"><parm name="PORTNBR" value="80"/></characteristic></characteristic>
      <characteristic type="PXPHYSICAL"><parm name="PXADDR" value="x"/></characteristic>
      <characteristic type="CLIENTIDENTITY"><parm name="CLIENT-ID" value="1"/></characteristic>
      <characteristic type="CLIENTIDENTITY"><parm name="CLIENT-ID" value="2"/></characteristic>`);
    const { errors } = messages(xml);
    expect(errors).toContain('NAPDEF[1]: NAME may appear exactly once, found 2');
    expect(errors).toContain('NAPDEF[1]/PORT[1]: PORT is not allowed inside NAPDEF[1]');
    expect(errors).toContain('PXPHYSICAL[1]: PXPHYSICAL is not allowed at the top level');
    expect(errors).toContain(
      'wap-provisioningdoc: CLIENTIDENTITY characteristic may appear at most once, found 2',
    );
  });

  it('PORTNBR must be a number; a valued parameter without value is an error', () => {
    const xml =
      prov(`${NAPDEF}<characteristic type="PXLOGICAL"><parm name="PROXY-ID" value="p"/><parm name="NAME"/>
      <characteristic type="PXPHYSICAL"><parm name="PHYSICAL-PROXY-ID" value="a"/><parm name="PXADDR" value="x"/><parm name="TO-NAPID" value="N1"/>
      <characteristic type="PORT"><parm name="PORTNBR" value="eighty"/></characteristic></characteristic></characteristic>`);
    const { errors } = messages(xml);
    expect(errors).toContain('PXLOGICAL[1]: parameter NAME has no value');
    expect(errors).toContain(
      'PXLOGICAL[1]/PXPHYSICAL[1]/PORT[1]: PORTNBR must be an unsigned integer, got "eighty"',
    );
  });

  it('keeps unknown parameters and characteristics as warnings; presence parameters ignore a value', () => {
    const xml =
      prov(`<characteristic type="NAPDEF"><parm name="NAPID" value="N1"/><parm name="NAME" value="n"/><parm name="NAP-ADDRESS" value="a"/>
      <parm name="X-VENDOR" value="1"/><parm name="INTERNET" value="yes"/></characteristic>
      <characteristic type="WLAN"><parm name="SSID" value="x"/></characteristic>`);
    const doc = cpDoc(xml);
    expect(doc.characteristics[0]!.parms.map((p) => p.name)).toContain('X-VENDOR');
    expect(doc.characteristics[1]!.type).toBe('WLAN');
    const { errors, warnings } = messages(xml);
    expect(errors).toEqual([]);
    expect(warnings).toContain('NAPDEF[1]: unknown parameter X-VENDOR=1 (kept, not applied)');
    expect(warnings).toContain('NAPDEF[1]: INTERNET is a presence parameter; its value "yes" is ignored');
    expect(warnings).toContain('WLAN[1]: unknown characteristic WLAN (kept, not applied)');
  });

  it('duplicate NAPIDs are errors (references would be ambiguous); unresolved references warn', () => {
    const xml =
      prov(`${NAPDEF}${NAPDEF}<characteristic type="APPLICATION"><parm name="APPID" value="w4"/><parm name="ADDR" value="http://m"/>
      <parm name="TO-PROXY" value="nowhere"/></characteristic>`);
    const { errors, warnings } = messages(xml);
    expect(errors).toEqual(['NAPDEF[2]: NAPID "N1" is already used by NAPDEF[1]']);
    expect(
      warnings.some((w) =>
        w.startsWith('APPLICATION[1]: TO-PROXY "nowhere" is not defined in this document'),
      ),
    ).toBe(true);
  });

  it('w4 needs ADDR (the MMSC) [§3]; w7 needs PROVIDER-ID, an address and AAUTHLEVEL in APPAUTH [§5]', () => {
    const xml =
      prov(`<characteristic type="APPLICATION"><parm name="APPID" value="w4"/><parm name="NAME" value="m"/></characteristic>
      <characteristic type="APPLICATION"><parm name="APPID" value="w7"/>
        <characteristic type="APPAUTH"><parm name="AAUTHTYPE" value="DIGEST"/></characteristic></characteristic>
      <characteristic type="APPLICATION"><parm name="APPID" value="w7"/><parm name="PROVIDER-ID" value="bad id"/><parm name="ADDR" value="http://x"/></characteristic>`);
    const { errors } = messages(xml);
    expect(errors).toContain('APPLICATION[1] (w4): missing ADDR, the MMSC URL [oma-cp.md §3]');
    expect(errors).toContain(
      'APPLICATION[2] (w7): missing PROVIDER-ID, which becomes the DMAcc ServerID [oma-cp.md §5]',
    );
    expect(errors).toContain(
      'APPLICATION[2] (w7): no ADDR or APPADDR: the DM server address is required [oma-cp.md §5]',
    );
    expect(errors.some((e) => e.startsWith('APPLICATION[2]/APPAUTH[1]: missing AAUTHLEVEL'))).toBe(true);
    expect(
      errors.some((e) => e.startsWith('APPLICATION[3] (w7): PROVIDER-ID "bad id" cannot be a ServerID')),
    ).toBe(true);
  });

  it('assertValidCp throws cp-invalid naming the first error and listing all', () => {
    const doc = cpDoc(prov(`<characteristic type="NAPDEF"><parm name="NAPID" value="N1"/></characteristic>`));
    let caught: unknown;
    try {
      assertValidCp(validateCpDocument(doc));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CpDocumentError);
    const e = caught as CpDocumentError;
    expect(e.code).toBe('cp-invalid');
    expect(e.message).toContain('NAPDEF[1]: missing NAME');
    expect((e.details.issues as unknown[]).length).toBe(2);
    expect(e.details.path).toBe('NAPDEF[1]');
  });
});

describe('document shape', () => {
  const fail = (xml: string): CpDocumentError => {
    try {
      parseCpDocument(parseXml(xml));
    } catch (error) {
      return error as CpDocumentError;
    }
    throw new Error('expected a CpDocumentError');
  };

  it('rejects a document that is not a wap-provisioningdoc', () => {
    const e = fail('<SyncML><SyncHdr/></SyncML>');
    expect(e.code).toBe('cp-not-provisioning-doc');
    expect(e.message).toContain('<SyncML>');
  });

  it('rejects a characteristic without type, a parm without name, stray elements and text', () => {
    expect(fail(prov('<characteristic><parm name="A" value="1"/></characteristic>')).code).toBe(
      'cp-bad-structure',
    );
    const noName = fail(prov('<characteristic type="NAPDEF"><parm value="1"/></characteristic>'));
    expect(noName.message).toBe('NAPDEF[1]: parm #1 has no name attribute');
    expect(fail(prov('<characteristic type="NAPDEF"><foo/></characteristic>')).message).toBe(
      'NAPDEF[1]: unexpected element <foo>',
    );
    expect(fail(prov('<characteristic type="NAPDEF">text</characteristic>')).code).toBe('cp-bad-structure');
    expect(fail(prov('<parm name="A" value="1"/>')).message).toContain(
      'a parm must be inside a characteristic',
    );
  });

  it('refuses a huge document with cp-too-large instead of building it', () => {
    const many = Array.from({ length: 2001 }, () => NAPDEF).join('');
    const e = fail(prov(many));
    expect(e.code).toBe('cp-too-large');
    const parms = `<characteristic type="VENDORCONFIG"><parm name="NAME" value="v"/>${'<parm name="X" value="1"/>'.repeat(20)}</characteristic>`;
    expect(() => parseCpDocument(parseXml(prov(parms)), { maxParms: 10 })).toThrow(/More than 10 parameters/);
    const deep = parseXml(
      prov(
        '<characteristic type="A"><characteristic type="B"><characteristic type="C"/></characteristic></characteristic>',
      ),
    );
    expect(() => parseCpDocument(deep, { maxDepth: 2 })).toThrow(/nested deeper than 2/);
    const long = prov(
      `<characteristic type="VENDORCONFIG"><parm name="NAME" value="${'x'.repeat(9000)}"/></characteristic>`,
    );
    expect(() => cpDoc(long)).toThrow(/more than 8192/);
  });

  it('works on documents built in code (no XML)', () => {
    const doc = parseCpDocument({
      publicId: null,
      root: element(
        'wap-provisioningdoc',
        [{ name: 'version', value: '1.1' }],
        [
          element(
            'characteristic',
            [{ name: 'type', value: 'BOOTSTRAP' }],
            [
              element('parm', [
                { name: 'name', value: 'PROVURL' },
                { name: 'value', value: 'http://x' },
              ]),
            ],
          ),
        ],
      ),
    });
    expect(doc).toEqual({
      version: '1.1',
      publicId: null,
      characteristics: [
        {
          type: 'BOOTSTRAP',
          path: 'BOOTSTRAP[1]',
          parms: [{ name: 'PROVURL', value: 'http://x' }],
          characteristics: [],
        },
      ],
    });
  });
});
