/**
 * SyncML DM bytes <-> messages in both encodings (oma-dm.md §1): the server answers in the
 * encoding the client used. XML goes through the XML bridge, WBXML through the WBXML codec.
 */
import { decodeUtf8, encodeUtf8 } from '../bytes/index.ts';
import { DM_CONTENT_TYPES } from '../media-types.ts';
import { readSyncML } from '../syncml/read.ts';
import { writeSyncML } from '../syncml/write.ts';
import type { SyncMLMessage } from '../syncml/message.ts';
import { decodeWbxml, encodeWbxml } from '../wbxml/index.ts';
import { parseXml, writeXml } from '../xml/index.ts';
import type { DmEncoding } from '../dm/trace.ts';

export type { DmEncoding };

export { DM_CONTENT_TYPES };

/** The encoding named by a Content-Type header (parameters ignored), or undefined. */
export function encodingOf(contentType: string | undefined): DmEncoding | undefined {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === DM_CONTENT_TYPES.xml) return 'xml';
  if (media === DM_CONTENT_TYPES.wbxml) return 'wbxml';
  return undefined;
}

/** Throws the codec's or the reader's error when the bytes are not a SyncML message. */
export function decodeDm(bytes: Uint8Array, encoding: DmEncoding): SyncMLMessage {
  const doc = encoding === 'wbxml' ? decodeWbxml(bytes).document : parseXml(decodeUtf8(bytes));
  return readSyncML(doc);
}

export function encodeDm(msg: SyncMLMessage, encoding: DmEncoding): Uint8Array {
  const doc = writeSyncML(msg);
  return encoding === 'wbxml' ? encodeWbxml(doc) : encodeUtf8(writeXml(doc));
}

/** A message as indented XML, for the trace. */
export function dmText(msg: SyncMLMessage): string {
  return writeXml(writeSyncML(msg), { indent: true });
}
