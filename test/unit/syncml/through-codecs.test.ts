/**
 * The SyncML layer on top of the real codecs: the XML bridge (src/core/xml) and the WBXML
 * codec (src/core/wbxml), with the golden DM vectors in test/vectors/wbxml/syncml.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseXml, writeXml } from '../../../src/core/xml/index.ts';
import { decodeWbxml, encodeWbxml } from '../../../src/core/wbxml/index.ts';
import { readSyncML } from '../../../src/core/syncml/read.ts';
import { writeSyncML } from '../../../src/core/syncml/write.ts';
import { dataText } from '../../../src/core/syncml/message.ts';
import type { Alert, Replace, SyncMLMessage } from '../../../src/core/syncml/message.ts';
import { parseChal } from '../../../src/core/dm/auth.ts';
import { parseUserInteraction } from '../../../src/core/dm/alerts.ts';

const dir = fileURLToPath(new URL('../../vectors/wbxml/syncml/', import.meta.url));
const xml = (name: string): string => readFileSync(dir + name + '.xml', 'utf8');
const wbxml = (name: string): Uint8Array => new Uint8Array(readFileSync(dir + name + '.wbxml'));

/** Opaque Data read as text, so an XML and a WBXML reading of the same message compare. */
function textOnly(msg: SyncMLMessage): unknown {
  return JSON.parse(
    JSON.stringify(msg, (_k, v: unknown) => (v instanceof Uint8Array ? dataText(v) : v)),
  ) as unknown;
}

describe('SyncML through the XML bridge and the WBXML codec', () => {
  for (const name of ['dm-pkg1-devinfo', 'dm-pkg2-server', 'dm-pkg3-results']) {
    it(`${name}: the XML and WBXML vectors read to the same message`, () => {
      const fromXml = readSyncML(parseXml(xml(name)));
      const fromWbxml = readSyncML(decodeWbxml(wbxml(name)).document);
      expect(fromXml.warnings).toEqual([]);
      expect(fromWbxml.warnings).toEqual([]);
      expect(textOnly(fromWbxml)).toEqual(textOnly(fromXml));
    });

    it(`${name}: write -> WBXML -> read and write -> XML -> read are lossless`, () => {
      const msg = readSyncML(decodeWbxml(wbxml(name)).document);
      expect(readSyncML(decodeWbxml(encodeWbxml(writeSyncML(msg))).document)).toEqual(msg);
      expect(readSyncML(parseXml(writeXml(writeSyncML(msg))))).toEqual(textOnly(msg));
    });
  }

  it('dm-pkg2-server: Chal nonce and the 1101 alert options come out typed', () => {
    const msg = readSyncML(parseXml(xml('dm-pkg2-server')));
    const hdrStatus = msg.SyncBody.commands[0];
    if (hdrStatus?.kind !== 'Status' || !hdrStatus.Chal)
      throw new Error('expected a SyncHdr Status with Chal');
    expect(new TextDecoder().decode(parseChal(hdrStatus.Chal).nextNonce)).toBe('dmservernonce');
    const alert = msg.SyncBody.commands.find((c): c is Alert => c.kind === 'Alert');
    const ui = alert && parseUserInteraction(alert);
    expect(ui).toMatchObject({
      ok: true,
      request: {
        kind: 'confirm',
        minDisplaySeconds: 10,
        maxDisplaySeconds: 30,
        text: 'Apply the new PoC settings?',
      },
    });
  });

  it('dm-opaque-data: OPAQUE Data stays bytes through read / write / encode / decode', () => {
    const msg = readSyncML(decodeWbxml(wbxml('dm-opaque-data')).document);
    const replace = msg.SyncBody.commands[0] as Replace;
    const banner = replace.Items[0]?.Data;
    expect(banner).toBeInstanceOf(Uint8Array);
    expect(dataText(banner)).toBe('R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=');
    const again = readSyncML(decodeWbxml(encodeWbxml(writeSyncML(msg))).document);
    expect((again.SyncBody.commands[0] as Replace).Items[0]?.Data).toBeInstanceOf(Uint8Array);
    expect(again).toEqual(msg);
    // from XML with CDATA kept as opaque, the same bytes
    const fromXml = readSyncML(parseXml(xml('dm-opaque-data'), { cdataAsOpaque: true }));
    expect((fromXml.SyncBody.commands[0] as Replace).Items[1]?.Data).toEqual(
      new TextEncoder().encode('<motd lang="en">Grüße &amp; <b>hello</b></motd>'),
    );
  });
});
