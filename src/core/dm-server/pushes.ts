/**
 * What the reference server pushes to a handset, standing in for the SMS bearer:
 * - CP documents (a `wap-provisioningdoc` encoded as WBXML, content type 0x36), signed with
 *   any SEC method (oma-cp.md §6, §8);
 * - bootstraps of a DM account: CP profile (w7 APPLICATION, oma-cp.md §5) or DM profile
 *   (a SyncML DM message as WBXML, content type 0x42, application id 0x07, oma-cp.md §9);
 * - package 0 notifications (content type 0x44, application id 0x07, oma-dm.md §8).
 * Each becomes a WSP push PDU (oma-cp.md §8) carried as bytes in a `PushEvent`.
 */
import { encodeUtf8, toBase64, toHex } from '../bytes/index.ts';
import { buildPush } from '../cp/push.ts';
import { signPush, type SecMethod } from '../cp/security.ts';
import { buildPackage0, sessionIdForAlert, type UiMode } from '../dm/package0.ts';
import { decodeNonce } from '../dm/auth.ts';
import { CONTENT_TYPE } from '../media-types.ts';
import type { Random } from '../ports.ts';
import { createHeader } from '../syncml/build.ts';
import type { Command, SyncMLMessage } from '../syncml/message.ts';
import { writeSyncML } from '../syncml/write.ts';
import { FPI, element, encodeWbxml, type XmlDocument, type XmlElement } from '../wbxml/index.ts';
import { AAUTH_TYPE, type AccountRecord, type Authority } from './account.ts';
import type { CpCharacteristic, SecMethodName } from './scenario.ts';

export type PushKind = 'cp' | 'cp-bootstrap' | 'dm-bootstrap' | 'package0';

/** One push as sent on the push channel (JSON). */
export interface PushEvent {
  id: string;
  devId: string;
  kind: PushKind;
  /** For people: "MMS settings from Example Operator". */
  title: string;
  contentType: string;
  /** The WSP push PDU (what an SMS would carry after reassembly), base64. */
  bytes: string;
  encoding: 'base64';
  sec?: SecMethodName;
  /** Package 0: SessionID the device will use (upper-case hex) and the UI mode. */
  sessionId?: string;
  uiMode?: UiMode;
  created: number;
}

/** What the operator must tell the user (never sent to the device): the PIN to type. */
export interface PushSecret {
  pin?: string;
  /** USERPINMAC: the PIN followed by the MAC digits. */
  userEntry?: string;
}

export interface SignOptions {
  sec: SecMethodName;
  pin?: string;
  imsi?: string;
}

const CONTENT_CP = 0x36;
const CONTENT_DM_WBXML = 0x42;
const CONTENT_NOTIFICATION = 0x44;
const APP_SYNCML_DM = 0x07;

/** A `wap-provisioningdoc` document model (oma-cp.md §1). */
export function cpDocument(characteristics: readonly CpCharacteristic[], version = '1.1'): XmlDocument {
  const build = (c: CpCharacteristic): XmlElement =>
    element(
      'characteristic',
      [{ name: 'type', value: c.type }],
      [
        ...c.parms.map((p) =>
          element(
            'parm',
            p.value === undefined
              ? [{ name: 'name', value: p.name }]
              : [
                  { name: 'name', value: p.name },
                  { name: 'value', value: p.value },
                ],
          ),
        ),
        ...c.characteristics.map(build),
      ],
    );
  return {
    publicId: FPI.prov,
    systemId: 'http://www.wapforum.org/DTD/prov.dtd',
    root: element('wap-provisioningdoc', [{ name: 'version', value: version }], characteristics.map(build)),
  };
}

export function encodeCpDocument(characteristics: readonly CpCharacteristic[]): Uint8Array {
  return encodeWbxml(cpDocument(characteristics));
}

/** The w7 APPLICATION that provisions a DM account (oma-cp.md §5: APPSRV → CLCRED, CLIENT → SRVCRED). */
/**
 * CP parameters are text and the handset stores AAUTHDATA as the UTF-8 bytes of that text
 * (decision 0060), so a nonce sent in a w7 APPAUTH must be printable: the nonce's bytes ARE
 * the text. Returns that text, or undefined when the stored nonce is not printable ASCII.
 */
export function nonceAsCpText(nonceB64: string): string | undefined {
  const bytes = decodeNonce(nonceB64);
  for (const b of bytes) if (b < 0x21 || b > 0x7e) return undefined;
  return String.fromCharCode(...bytes);
}

/** A fresh nonce that can travel as CP text: 16 random hex digits, kept (like all nonces) as base64 of its bytes. */
export function cpTextNonce(random: Random): string {
  return toBase64(encodeUtf8(toHex(random.bytes(8))));
}

export function w7Characteristics(
  authority: Authority,
  serverUri: string,
  account: AccountRecord,
): CpCharacteristic[] {
  const p = (name: string, value?: string) => (value === undefined ? { name } : { name, value });
  return [
    {
      type: 'APPLICATION',
      parms: [p('APPID', 'w7'), p('PROVIDER-ID', authority.serverId), p('NAME', authority.name), p('INIT')],
      characteristics: [
        { type: 'APPADDR', parms: [p('ADDR', serverUri), p('ADDRTYPE', 'URI')], characteristics: [] },
        {
          type: 'APPAUTH',
          parms: [
            p('AAUTHLEVEL', 'APPSRV'),
            p('AAUTHTYPE', AAUTH_TYPE[account.authType]),
            p('AAUTHNAME', account.clientName),
            p('AAUTHSECRET', account.clientSecret),
            p('AAUTHDATA', nonceAsCpText(account.clientNonce)),
          ],
          characteristics: [],
        },
        {
          type: 'APPAUTH',
          parms: [
            p('AAUTHLEVEL', 'CLIENT'),
            p('AAUTHTYPE', AAUTH_TYPE[account.serverAuthType === 'none' ? 'md5' : account.serverAuthType]),
            p('AAUTHNAME', authority.serverId),
            p('AAUTHSECRET', account.serverSecret),
            p('AAUTHDATA', nonceAsCpText(account.serverNonce)),
          ],
          characteristics: [],
        },
      ],
    },
  ];
}

/** A DMAcc node name for an authority: its ServerID with only URI-safe characters. */
export function accountNodeName(serverId: string): string {
  return serverId.replace(/[^A-Za-z0-9_.-]/g, '_') || 'Server';
}

/** The DM-profile bootstrap: one SyncML message adding ./DMAcc/<x> (oma-cp.md §9, oma-dm.md §13). */
export function dmBootstrapMessage(
  authority: Authority,
  serverUri: string,
  devId: string,
  account: AccountRecord,
): SyncMLMessage {
  const root = `./DMAcc/${accountNodeName(authority.serverId)}`;
  const nodes: [string, string | undefined, string?][] = [
    [root, undefined],
    [`${root}/AppID`, 'w7'],
    [`${root}/ServerID`, authority.serverId],
    [`${root}/Name`, authority.name],
    [`${root}/AppAddr`, undefined],
    [`${root}/AppAddr/1`, undefined],
    [`${root}/AppAddr/1/Addr`, serverUri],
    [`${root}/AppAddr/1/AddrType`, 'URI'],
    [`${root}/AAuthPref`, AAUTH_TYPE[account.authType]],
    [`${root}/AppAuth`, undefined],
    [`${root}/AppAuth/1`, undefined],
    [`${root}/AppAuth/1/AAuthLevel`, 'CLCRED'],
    [`${root}/AppAuth/1/AAuthType`, AAUTH_TYPE[account.authType]],
    [`${root}/AppAuth/1/AAuthName`, account.clientName],
    [`${root}/AppAuth/1/AAuthSecret`, account.clientSecret],
    [`${root}/AppAuth/1/AAuthData`, account.clientNonce, 'b64'],
    [`${root}/AppAuth/2`, undefined],
    [`${root}/AppAuth/2/AAuthLevel`, 'SRVCRED'],
    [
      `${root}/AppAuth/2/AAuthType`,
      AAUTH_TYPE[account.serverAuthType === 'none' ? 'md5' : account.serverAuthType],
    ],
    [`${root}/AppAuth/2/AAuthName`, authority.serverId],
    [`${root}/AppAuth/2/AAuthSecret`, account.serverSecret],
    [`${root}/AppAuth/2/AAuthData`, account.serverNonce, 'b64'],
  ];
  const commands: Command[] = nodes.map(([uri, value, format], i) => ({
    kind: 'Add',
    CmdID: String(i + 1),
    Items: [
      value === undefined
        ? { Target: { LocURI: uri }, Meta: { Format: 'node' } }
        : { Target: { LocURI: uri }, Meta: { Format: format ?? 'chr' }, Data: value },
    ],
  }));
  return {
    SyncHdr: createHeader({ SessionID: '0', MsgID: 1, Target: devId, Source: serverUri }),
    SyncBody: { commands, Final: true },
  };
}

export interface BuiltPush {
  pdu: Uint8Array;
  secret: PushSecret;
}

/** Sign a body with a SEC method (none = unsigned) and wrap it in a WSP push PDU. */
export function signedPush(
  contentType: number,
  body: Uint8Array,
  sign: SignOptions,
  applicationId?: number,
): BuiltPush {
  const secret: PushSecret = {};
  if (sign.sec === 'none') {
    const opts: Parameters<typeof buildPush>[0] = { contentType, body };
    if (applicationId !== undefined) opts.applicationId = applicationId;
    return { pdu: buildPush(opts), secret };
  }
  const input: Parameters<typeof signPush>[0] = { method: sign.sec as SecMethod, body };
  if (sign.pin !== undefined) input.pin = sign.pin;
  if (sign.imsi !== undefined) input.imsi = sign.imsi;
  const signed = signPush(input);
  if (sign.pin !== undefined) secret.pin = sign.pin;
  if (signed.userEntry !== undefined) secret.userEntry = signed.userEntry;
  const opts: Parameters<typeof buildPush>[0] = { contentType, body, sec: signed.sec, mac: signed.mac };
  if (applicationId !== undefined) opts.applicationId = applicationId;
  return { pdu: buildPush(opts), secret };
}

export function cpPush(characteristics: readonly CpCharacteristic[], sign: SignOptions): BuiltPush {
  return signedPush(CONTENT_CP, encodeCpDocument(characteristics), sign);
}

export function dmBootstrapPush(message: SyncMLMessage, sign: SignOptions): BuiltPush {
  return signedPush(CONTENT_DM_WBXML, encodeWbxml(writeSyncML(message)), sign, APP_SYNCML_DM);
}

/** Package 0 in a WSP push; the digest uses the server's secret and the device-issued nonce. */
export function notificationPush(
  serverId: string,
  account: AccountRecord,
  sessionId: number,
  uiMode: UiMode,
): { pdu: Uint8Array; sessionId: string; package0: Uint8Array } {
  const package0 = buildPackage0(
    { uiMode, initiator: 'server', sessionId, serverId },
    { password: account.serverSecret, nonce: decodeNonce(account.serverNonce) },
  );
  const pdu = buildPush({ contentType: CONTENT_NOTIFICATION, applicationId: APP_SYNCML_DM, body: package0 });
  return { pdu, sessionId: sessionIdForAlert(sessionId), package0 };
}

export const PUSH_CONTENT_TYPES: Readonly<Record<PushKind, string>> = {
  cp: CONTENT_TYPE.cpWbxml,
  'cp-bootstrap': CONTENT_TYPE.cpWbxml,
  'dm-bootstrap': CONTENT_TYPE.dmWbxml,
  package0: CONTENT_TYPE.dmNotification,
};

export function pushEvent(
  fields: Omit<PushEvent, 'bytes' | 'encoding' | 'contentType'> & { pdu: Uint8Array },
): PushEvent {
  const { pdu, ...rest } = fields;
  return { ...rest, contentType: PUSH_CONTENT_TYPES[fields.kind], bytes: toBase64(pdu), encoding: 'base64' };
}
