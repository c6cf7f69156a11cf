/**
 * Package 0: the General Notification Initiated Session Alert (shared/spec/oma-dm.md §8).
 *
 * ```
 * trigger-message = digest(128 bits) trigger
 * trigger-hdr     = version(10) ui-mode(2) initiator(1) future-use(27)
 *                   sessionid(16) length-identifier(8) server-identifier
 * trigger-body    = vendor-specific bytes
 * ```
 * Big-endian. digest = H( B64(H(server-identifier ":" password)) ":" nonce ":" B64(H(trigger)) )
 * with H = MD5, 16 raw bytes; `trigger` = every byte after the digest; password and nonce
 * are the server credentials (DMAcc AppAuth, AAuthLevel SRVCRED).
 */
import { md5 } from '../crypto/index.ts';
import { concatBytes, encodeUtf8, equalBytes, toBase64 } from '../bytes/index.ts';
import { Package0Error } from './errors.ts';

/** The only version the spec defines: decimal 11 ("1.1"), carried even by DM 1.2. */
export const PACKAGE0_VERSION = 11;
/** Accepted by default: 11 as the spec says and 12, which some DM 1.2 servers send (decision 0044). */
export const DEFAULT_ACCEPTED_VERSIONS: readonly number[] = [11, 12];

const DIGEST_LENGTH = 16;
const HEADER_LENGTH = 8;

export const UI_MODES = ['not-specified', 'background', 'informative', 'user-interaction'] as const;
export type UiMode = (typeof UI_MODES)[number];
export type Initiator = 'client' | 'server';

export interface Package0 {
  digest: Uint8Array;
  /** Decimal version value: 11 means "1.1". */
  version: number;
  uiMode: UiMode;
  initiator: Initiator;
  /** The 27 future-use bits; should be 0. */
  futureUse: number;
  /** 0..65535 */
  sessionId: number;
  serverId: string;
  vendorData: Uint8Array;
  /** All bytes after the digest: what the digest covers. */
  trigger: Uint8Array;
}

export interface ParsePackage0Options {
  acceptedVersions?: readonly number[];
}

/** Parse package 0. Truncated input and unaccepted versions throw a Package0Error. */
export function parsePackage0(bytes: Uint8Array, options: ParsePackage0Options = {}): Package0 {
  if (bytes.length < DIGEST_LENGTH + HEADER_LENGTH) {
    throw new Package0Error(
      'package0-truncated',
      `package 0 needs at least ${DIGEST_LENGTH + HEADER_LENGTH} bytes, got ${bytes.length}`,
      bytes.length,
    );
  }
  const h = (i: number): number => bytes[DIGEST_LENGTH + i] as number;
  const version = (h(0) << 2) | (h(1) >> 6);
  const accepted = options.acceptedVersions ?? DEFAULT_ACCEPTED_VERSIONS;
  if (!accepted.includes(version)) {
    throw new Package0Error(
      'package0-bad-version',
      `package 0 version ${version} is not accepted (accepted: ${accepted.join(', ')})`,
      DIGEST_LENGTH,
      { version },
    );
  }
  const uiMode = UI_MODES[(h(1) >> 4) & 0x3] as UiMode;
  const initiator: Initiator = (h(1) >> 3) & 0x1 ? 'server' : 'client';
  const futureUse = (h(1) & 0x7) * 0x1000000 + ((h(2) << 16) | (h(3) << 8) | h(4));
  const sessionId = (h(5) << 8) | h(6);
  const idLength = h(7);
  const idStart = DIGEST_LENGTH + HEADER_LENGTH;
  if (bytes.length < idStart + idLength) {
    throw new Package0Error(
      'package0-truncated',
      `server identifier of ${idLength} bytes runs past the end (${bytes.length} bytes)`,
      bytes.length,
      { idLength },
    );
  }
  return {
    digest: bytes.slice(0, DIGEST_LENGTH),
    version,
    uiMode,
    initiator,
    futureUse,
    sessionId,
    serverId: new TextDecoder().decode(bytes.subarray(idStart, idStart + idLength)),
    vendorData: bytes.slice(idStart + idLength),
    trigger: bytes.slice(DIGEST_LENGTH),
  };
}

export interface Package0Fields {
  version?: number;
  uiMode: UiMode;
  initiator: Initiator;
  sessionId: number;
  serverId: string;
  vendorData?: Uint8Array;
  futureUse?: number;
}

/** The trigger (header + server id + vendor data), i.e. everything after the digest. */
export function buildTrigger(fields: Package0Fields): Uint8Array {
  const version = fields.version ?? PACKAGE0_VERSION;
  const futureUse = fields.futureUse ?? 0;
  const id = encodeUtf8(fields.serverId);
  const check = (name: string, value: number, max: number): void => {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new Package0Error('package0-field-range', `${name} ${value} does not fit (0..${max})`, 0, {
        [name]: value,
      });
    }
  };
  check('version', version, 0x3ff);
  check('sessionId', fields.sessionId, 0xffff);
  check('futureUse', futureUse, 0x7ffffff);
  check('serverIdLength', id.length, 0xff);
  const hdr = new Uint8Array(HEADER_LENGTH);
  hdr[0] = version >> 2;
  hdr[1] =
    ((version & 0x3) << 6) |
    (UI_MODES.indexOf(fields.uiMode) << 4) |
    ((fields.initiator === 'server' ? 1 : 0) << 3) |
    Math.floor(futureUse / 0x1000000);
  hdr[2] = (futureUse >> 16) & 0xff;
  hdr[3] = (futureUse >> 8) & 0xff;
  hdr[4] = futureUse & 0xff;
  hdr[5] = fields.sessionId >> 8;
  hdr[6] = fields.sessionId & 0xff;
  hdr[7] = id.length;
  return concatBytes(hdr, id, fields.vendorData ?? new Uint8Array(0));
}

/** digest = H( B64(H(serverId ":" password)) ":" nonce ":" B64(H(trigger)) ), 16 raw bytes. */
export function package0Digest(
  serverId: string,
  password: string,
  nonce: Uint8Array,
  trigger: Uint8Array,
): Uint8Array {
  const serverHash = toBase64(md5(encodeUtf8(`${serverId}:${password}`)));
  const triggerHash = toBase64(md5(trigger));
  const colon = new Uint8Array([0x3a]);
  return md5(concatBytes(encodeUtf8(serverHash), colon, nonce, colon, encodeUtf8(triggerHash)));
}

/** Build a complete package 0 (the reference server's side). */
export function buildPackage0(
  fields: Package0Fields,
  credentials: { password: string; nonce: Uint8Array },
): Uint8Array {
  const trigger = buildTrigger(fields);
  return concatBytes(
    package0Digest(fields.serverId, credentials.password, credentials.nonce, trigger),
    trigger,
  );
}

/** Four zero bytes: the first reading of the spec's fallback nonce `0x00000000` (decision 0044). */
export const FALLBACK_NONCE_ZERO_BYTES = new Uint8Array(4);
/** The ASCII text `0x00000000`, libdmclient's reading. */
export const FALLBACK_NONCE_ASCII = encodeUtf8('0x00000000');

export type Package0Check =
  | { ok: true; nonce: Uint8Array; nonceUsed: 'stored' | 'fallback-zero-bytes' | 'fallback-ascii' }
  | { ok: false };

/**
 * Verify the digest with the server password and the stored SRVCRED nonce; if that fails,
 * retry with the fallback nonce `0x00000000`, first as four zero bytes, then as ASCII text
 * (oma-dm.md §8 "Digest retry"). On a fallback match the session should run with that nonce
 * and renegotiate through Chal.
 */
export function verifyPackage0(
  pkg: Package0,
  server: { password: string; nonce: Uint8Array | undefined },
  options: { allowFallback?: boolean } = {},
): Package0Check {
  const attempts: [Uint8Array, 'stored' | 'fallback-zero-bytes' | 'fallback-ascii'][] = [];
  if (server.nonce) attempts.push([server.nonce, 'stored']);
  if (options.allowFallback !== false) {
    attempts.push(
      [FALLBACK_NONCE_ZERO_BYTES, 'fallback-zero-bytes'],
      [FALLBACK_NONCE_ASCII, 'fallback-ascii'],
    );
  }
  for (const [nonce, nonceUsed] of attempts) {
    if (equalBytes(package0Digest(pkg.serverId, server.password, nonce, pkg.trigger), pkg.digest)) {
      return { ok: true, nonce, nonceUsed };
    }
  }
  return { ok: false };
}

/** Package-0 session id as the SyncHdr SessionID: 1-4 upper-case hex digits, no leading zeros. */
export function sessionIdForAlert(sessionId: number): string {
  return sessionId.toString(16).toUpperCase();
}
