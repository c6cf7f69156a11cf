/**
 * The media types of the OMA payloads the handset and the DM server exchange, spelled once:
 * the CP push reader, the DM session, the DM server's codec and its push builder all name them.
 */
import type { DmEncoding } from './dm/trace.ts';

/** Content types the handset acts on. */
export const CONTENT_TYPE = {
  cpWbxml: 'application/vnd.wap.connectivity-wbxml',
  cpXml: 'text/vnd.wap.connectivity-xml',
  dmWbxml: 'application/vnd.syncml.dm+wbxml',
  dmXml: 'application/vnd.syncml.dm+xml',
  /** A DM package 0 (server-initiated session alert). */
  dmNotification: 'application/vnd.syncml.notification',
} as const;

/** The Content-Type of a DM message in each encoding. */
export const DM_CONTENT_TYPES: Readonly<Record<DmEncoding, string>> = {
  xml: CONTENT_TYPE.dmXml,
  wbxml: CONTENT_TYPE.dmWbxml,
};
