/**
 * OMA DM 1.2 authentication (shared/spec/oma-dm.md §7).
 *
 * Notation: H = MD5 (16 raw bytes), B64 = base64. The nonce is always the base64-DECODED
 * bytes of a Chal NextNonce / stored AAuthData, never the base64 text.
 *
 * - syncml:auth-basic: Cred/Data = B64(name ":" password)
 * - syncml:auth-md5:   Cred/Data = B64( H( B64(H(name ":" password)) ":" nonce ) )
 * - HMAC (syncml:auth-MAC), only in the `x-syncml-hmac` transport header:
 *   mac = B64( H( B64(H(name ":" password)) ":" nonce ":" B64(H(body)) ) )
 *   over the exact body bytes as sent. Nested MD5, not RFC 2104 HMAC.
 *
 * Everything works in both directions: the same functions build the client's credentials
 * for the server (CLCRED) and check the server's credentials on the client (SRVCRED), and
 * the reference server uses them the other way round.
 */
import { md5 } from '../crypto/index.ts';
import { concatBytes, encodeUtf8, equalBytes, parseBase64, toBase64 } from '../bytes/index.ts';
import type { Random } from '../ports.ts';
import type { Chal, Cred } from '../syncml/message.ts';
import { DmError } from './errors.ts';

export const AUTH_BASIC = 'syncml:auth-basic';
export const AUTH_MD5 = 'syncml:auth-md5';
export const AUTH_MAC = 'syncml:auth-MAC';
export type AuthType = typeof AUTH_BASIC | typeof AUTH_MD5 | typeof AUTH_MAC;

/** Case-insensitive: `syncml:auth-mac` and `SYNCML:AUTH-MD5` are accepted. */
export function normalizeAuthType(type: string | undefined): AuthType | undefined {
  switch (type?.trim().toLowerCase()) {
    case 'syncml:auth-basic':
      return AUTH_BASIC;
    case 'syncml:auth-md5':
      return AUTH_MD5;
    case 'syncml:auth-mac':
      return AUTH_MAC;
    default:
      return undefined;
  }
}

/** Maps DMAcc AAuthType (`BASIC`, `DIGEST`, `HMAC`) to the SyncML Meta Type. */
export function authTypeFromAAuthType(aauthType: string): AuthType | undefined {
  switch (aauthType.trim().toUpperCase()) {
    case 'BASIC':
      return AUTH_BASIC;
    case 'DIGEST':
      return AUTH_MD5;
    case 'HMAC':
      return AUTH_MAC;
    default:
      return undefined;
  }
}

/** Name and secret of one side (AAuthName / AAuthSecret, or ServerID and password). */
export interface Secret {
  name: string;
  password: string;
}

const COLON = new Uint8Array([0x3a]);

// ---------------------------------------------------------------------------------------
// Nonces

/** Decode a base64 nonce (Chal NextNonce, AAuthData as text). Lenient on whitespace and padding. */
export function decodeNonce(b64: string): Uint8Array {
  try {
    return parseBase64(b64.trim(), { allowWhitespace: true, allowMissingPadding: true });
  } catch (e) {
    throw new DmError('auth-nonce-invalid', `nonce is not base64: ${JSON.stringify(b64)}`, { cause: e });
  }
}

export function encodeNonce(nonce: Uint8Array): string {
  return toBase64(nonce);
}

/** A fresh nonce; 16 bytes = 128 bits as the spec recommends (oma-dm.md §7.4). */
export function newNonce(random: Random, length = 16): Uint8Array {
  return random.bytes(length);
}

// ---------------------------------------------------------------------------------------
// Digests

/** B64(H(name ":" password)): all the authenticator needs to know about the secret. */
export function userHash(secret: Secret): string {
  return toBase64(md5(encodeUtf8(`${secret.name}:${secret.password}`)));
}

/** syncml:auth-basic Cred/Data: B64(name ":" password). */
export function basicCredential(secret: Secret): string {
  return toBase64(encodeUtf8(`${secret.name}:${secret.password}`));
}

/** syncml:auth-md5 Cred/Data from B64(H(name:password)) and the nonce bytes. */
export function md5DigestFromHash(userHashB64: string, nonce: Uint8Array): string {
  return toBase64(md5(concatBytes(encodeUtf8(userHashB64), COLON, nonce)));
}

/** syncml:auth-md5 Cred/Data: B64( H( B64(H(name ":" password)) ":" nonce ) ). */
export function md5Digest(secret: Secret, nonce: Uint8Array): string {
  return md5DigestFromHash(userHash(secret), nonce);
}

/** HMAC mac: B64( H( B64(H(name ":" password)) ":" nonce ":" B64(H(body)) ) ). */
export function computeMac(secret: Secret, nonce: Uint8Array, body: Uint8Array): string {
  const bodyHash = toBase64(md5(body));
  return toBase64(md5(concatBytes(encodeUtf8(userHash(secret)), COLON, nonce, COLON, encodeUtf8(bodyHash))));
}

// ---------------------------------------------------------------------------------------
// Cred (syncml:auth-basic, syncml:auth-md5)

/** Cred for a SyncHdr. For md5, put `secret.name` in SyncHdr/Source/LocName as well. */
export function buildCred(
  type: typeof AUTH_BASIC | typeof AUTH_MD5,
  secret: Secret,
  nonce?: Uint8Array,
): Cred {
  if (type === AUTH_BASIC) {
    return { Meta: { Type: AUTH_BASIC, Format: 'b64' }, Data: basicCredential(secret) };
  }
  if (!nonce) throw new DmError('auth-nonce-invalid', 'syncml:auth-md5 needs a nonce');
  return { Meta: { Type: AUTH_MD5, Format: 'b64' }, Data: md5Digest(secret, nonce) };
}

export type CredCheck =
  | { ok: true; type: AuthType; nonceForm?: 'decoded' | 'base64-text' }
  | {
      ok: false;
      reason: 'missing' | 'unsupported-type' | 'type-mismatch' | 'wrong-name' | 'wrong-credentials';
      type?: string;
    };

export interface VerifyCredOptions {
  /** Reject a Cred of another type (the responder MUST answer with the challenged type). */
  expectedType?: AuthType;
  /**
   * The md5 name is not inside the digest's input as text but in SyncHdr/Source/LocName;
   * when given, it must equal `secret.name`.
   */
  locName?: string;
  /** Also try the base64 text of the nonce as the nonce (AOSP interop, oma-dm.md §7.4). Default true. */
  tryBase64TextNonce?: boolean;
}

/**
 * Check a received Cred against the secret we hold for the peer and the nonce we issued.
 * Returns a result, never throws for wrong credentials (the caller answers 401 + Chal).
 */
export function verifyCred(
  cred: Cred | undefined,
  secret: Secret,
  nonce: Uint8Array | undefined,
  options: VerifyCredOptions = {},
): CredCheck {
  if (!cred) return { ok: false, reason: 'missing' };
  // A Cred without Meta/Type is basic by the SyncML default.
  const rawType = cred.Meta?.Type ?? AUTH_BASIC;
  const type = normalizeAuthType(rawType);
  if (!type || type === AUTH_MAC) return { ok: false, reason: 'unsupported-type', type: rawType };
  if (options.expectedType && options.expectedType !== type)
    return { ok: false, reason: 'type-mismatch', type };
  const data = cred.Data.trim();
  if (type === AUTH_BASIC) {
    let decoded: string;
    try {
      decoded = new TextDecoder().decode(
        parseBase64(data, { allowWhitespace: true, allowMissingPadding: true }),
      );
    } catch {
      return { ok: false, reason: 'wrong-credentials', type };
    }
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== secret.name)
      return { ok: false, reason: 'wrong-name', type };
    return decoded.slice(colon + 1) === secret.password
      ? { ok: true, type }
      : { ok: false, reason: 'wrong-credentials', type };
  }
  if (options.locName !== undefined && options.locName !== secret.name)
    return { ok: false, reason: 'wrong-name', type };
  const candidates: ['decoded' | 'base64-text', Uint8Array][] = [['decoded', nonce ?? new Uint8Array(0)]];
  if (nonce && options.tryBase64TextNonce !== false)
    candidates.push(['base64-text', encodeUtf8(toBase64(nonce))]);
  let received: Uint8Array;
  try {
    received = parseBase64(data, { allowWhitespace: true, allowMissingPadding: true });
  } catch {
    return { ok: false, reason: 'wrong-credentials', type };
  }
  for (const [form, candidate] of candidates) {
    if (equalBytes(parseBase64(md5Digest(secret, candidate)), received))
      return { ok: true, type, nonceForm: form };
  }
  return { ok: false, reason: 'wrong-credentials', type };
}

// ---------------------------------------------------------------------------------------
// Chal

export interface Challenge {
  /** Normalized when it is one of the three SyncML schemes, otherwise as received. */
  type: AuthType | string;
  format: string;
  /** Decoded nonce bytes (raw text bytes when Format is not b64 or the text is not base64). */
  nextNonce?: Uint8Array;
  /** Set when the nonce could not be read as the Format says and was taken as text. */
  nonceWarning?: string;
}

/** Read a Chal (Meta Type, Format, NextNonce). Type defaults to basic, Format to b64. */
export function parseChal(chal: Chal): Challenge {
  const rawType = chal.Meta.Type ?? AUTH_BASIC;
  const out: Challenge = {
    type: normalizeAuthType(rawType) ?? rawType,
    format: chal.Meta.Format?.trim() || 'b64',
  };
  const text = chal.Meta.NextNonce;
  if (text !== undefined) {
    if (out.format.toLowerCase() === 'b64') {
      try {
        out.nextNonce = decodeNonce(text);
      } catch {
        out.nextNonce = encodeUtf8(text);
        out.nonceWarning = 'NextNonce is not valid base64; its text was used as the nonce';
      }
    } else {
      out.nextNonce = encodeUtf8(text);
    }
  }
  return out;
}

/** A Chal with Format b64 and the nonce base64-encoded (oma-dm.md §7.4). */
export function buildChal(type: AuthType, nonce?: Uint8Array): Chal {
  const chal: Chal = { Meta: { Type: type, Format: 'b64' } };
  if (nonce) chal.Meta.NextNonce = encodeNonce(nonce);
  return chal;
}

// ---------------------------------------------------------------------------------------
// x-syncml-hmac

export const HMAC_HEADER = 'x-syncml-hmac';

export interface HmacHeader {
  algorithm: string;
  username: string;
  mac: string;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function formatHmacHeader(header: HmacHeader): string {
  return `algorithm=${header.algorithm}, username=${quote(header.username)}, mac=${header.mac}`;
}

/** The value of the x-syncml-hmac header for a body we are about to send. */
export function buildHmacHeader(secret: Secret, nonce: Uint8Array, body: Uint8Array): string {
  return formatHmacHeader({ algorithm: 'MD5', username: secret.name, mac: computeMac(secret, nonce, body) });
}

/**
 * Parse `algorithm=MD5, username="Robert Jordan", mac=NTI2...` leniently: any order, spaces
 * around `=` and `,`, attribute names in any case, quoted or unquoted values (a quoted value
 * may contain commas and `\"`). `algorithm` defaults to MD5.
 */
export function parseHmacHeader(value: string): HmacHeader {
  const attrs = new Map<string, string>();
  let i = 0;
  const s = value;
  const skipSpace = (): void => {
    while (i < s.length && /[\s,]/.test(s[i] ?? '')) i++;
  };
  skipSpace();
  while (i < s.length) {
    const nameStart = i;
    while (i < s.length && s[i] !== '=' && s[i] !== ',') i++;
    const name = s.slice(nameStart, i).trim().toLowerCase();
    if (s[i] !== '=' || name === '') {
      throw new DmError(
        'auth-hmac-header-malformed',
        `expected attribute=value in ${JSON.stringify(value)}`,
        {
          header: value,
        },
      );
    }
    i++; // '='
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    let val = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        val += s[i];
        i++;
      }
      i++; // closing quote (or end)
    } else {
      const start = i;
      while (i < s.length && s[i] !== ',') i++;
      val = s.slice(start, i).trim();
    }
    attrs.set(name, val);
    skipSpace();
  }
  const username = attrs.get('username');
  const mac = attrs.get('mac');
  if (username === undefined || mac === undefined || mac === '') {
    throw new DmError(
      'auth-hmac-header-malformed',
      `x-syncml-hmac needs username and mac: ${JSON.stringify(value)}`,
      {
        header: value,
      },
    );
  }
  return { algorithm: attrs.get('algorithm') || 'MD5', username, mac };
}

export type HmacCheck =
  | { ok: true; nonceForm: 'decoded' | 'base64-text' }
  | { ok: false; reason: 'missing' | 'malformed' | 'unsupported-algorithm' | 'wrong-name' | 'wrong-mac' };

/** Check a received x-syncml-hmac header over the exact received body bytes. */
export function verifyHmac(
  header: string | HmacHeader | undefined,
  secret: Secret,
  nonce: Uint8Array,
  body: Uint8Array,
  options: { tryBase64TextNonce?: boolean } = {},
): HmacCheck {
  if (header === undefined) return { ok: false, reason: 'missing' };
  let parsed: HmacHeader;
  try {
    parsed = typeof header === 'string' ? parseHmacHeader(header) : header;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (parsed.algorithm.toUpperCase() !== 'MD5') return { ok: false, reason: 'unsupported-algorithm' };
  if (parsed.username !== secret.name) return { ok: false, reason: 'wrong-name' };
  let received: Uint8Array;
  try {
    received = parseBase64(parsed.mac.trim(), { allowMissingPadding: true });
  } catch {
    return { ok: false, reason: 'wrong-mac' };
  }
  const candidates: ['decoded' | 'base64-text', Uint8Array][] = [['decoded', nonce]];
  if (options.tryBase64TextNonce !== false) candidates.push(['base64-text', encodeUtf8(toBase64(nonce))]);
  for (const [form, candidate] of candidates) {
    if (equalBytes(parseBase64(computeMac(secret, candidate, body)), received))
      return { ok: true, nonceForm: form };
  }
  return { ok: false, reason: 'wrong-mac' };
}
