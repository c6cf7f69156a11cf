import { describe, expect, it } from 'vitest';
import {
  LANGUAGES,
  languageByFpi,
  languageByPublicId,
} from '../../../src/core/wbxml/code-pages/languages.ts';

describe('code pages', () => {
  it.each(LANGUAGES.map((l) => [l.key, l] as const))(
    '%s: no duplicate tokens or names per page',
    (_k, lang) => {
      const seen = new Set<string>();
      for (const r of lang.def.tags) {
        expect(r.token).toBeGreaterThanOrEqual(0x05);
        expect(r.token).toBeLessThanOrEqual(0x3f);
        for (const key of [`tag-token ${r.page}:${r.token}`, `tag-name ${r.page}:${r.name}`]) {
          expect(seen.has(key), key).toBe(false);
          seen.add(key);
        }
      }
      for (const r of lang.def.attrStarts) {
        expect(r.token).toBeLessThan(0x80);
        expect([0x00, 0x01, 0x02, 0x03, 0x04, 0x40, 0x41, 0x42, 0x43, 0x44]).not.toContain(r.token);
        for (const key of [
          `start-token ${r.page}:${r.token}`,
          `start ${r.page}:${r.name}=${r.valuePrefix}`,
        ]) {
          expect(seen.has(key), key).toBe(false);
          seen.add(key);
        }
      }
      for (const r of lang.def.attrValues) {
        expect(r.token).toBeGreaterThanOrEqual(0x85);
        expect([0x83, 0x84, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4]).not.toContain(r.token);
        for (const key of [`value-token ${r.page}:${r.token}`, `value ${r.page}:${r.value}`]) {
          expect(seen.has(key), key).toBe(false);
          seen.add(key);
        }
      }
    },
  );

  it('spot checks against wbxml.md', () => {
    const prov = languageByPublicId(0x0b)!;
    expect(prov.attrStart(0, 0x11)).toMatchObject({ name: 'name', valuePrefix: 'NAPID' });
    expect(prov.attrStart(0, 0x55)).toMatchObject({ name: 'type', valuePrefix: 'NAPDEF' });
    expect(prov.attrStart(1, 0x55)).toMatchObject({ name: 'type', valuePrefix: 'APPLICATION' });
    expect(prov.attrStart(0, 0x36)?.valuePrefix).toBe('MAX-BITRATE-DNLINK');
    expect(prov.attrStart(1, 0x36)?.valuePrefix).toBe('APPID');
    expect(prov.attrValue(0, 0xab)).toBe('GSM-GPRS');
    expect(prov.attrValue(0, 0xb5)).toBe('TETRA-SDS'); // libwbxml: TRETRA-SDS (docs/decisions/0012)
    expect(prov.attrValue(1, 0x91)).toBe('HTTP-');
    expect(prov.attrValue(1, 0x93)).toBe('DIGEST');
    const syncml = languageByPublicId(0x1201)!;
    expect(syncml.tagName(0, 0x2d)).toBe('SyncML');
    expect(syncml.tagName(0, 0x30)).toBeUndefined();
    expect(syncml.tagName(1, 0x0c)).toBe('MaxMsgSize');
    expect(syncml.tagName(2, 0x24)).toBe('Node');
    expect(syncml.tagName(2, 0x25)).toBe('node');
    expect(syncml.namespaceOf(1)).toBe('syncml:metinf');
    expect(syncml.namespaceOf(2)).toBe('syncml:dmddf1.2');
    expect(languageByFpi('-//OMA//DTD-DM-DDF 1.2//EN')?.def.publicIdNumber).toBeNull();
    expect(languageByPublicId(0x1203)?.tagName(0, 0x2f)).toBeUndefined();
  });
});
