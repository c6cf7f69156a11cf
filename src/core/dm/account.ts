/**
 * A DM server account as the session needs it, read from `./DMAcc/<x>` (DM 1.2 layout,
 * shared/spec/oma-dm.md §13): ServerID, the server URL (AppAddr/<x>/Addr, with
 * Port/<x>/PortNbr when the address has none), the credentials both ways
 * (AppAuth/<x> with AAuthLevel CLCRED = the handset towards the server, SRVCRED = the
 * server towards the handset), the nonces in AAuthData, and the encoding preference.
 *
 * Secrets are read with `tree.record()` (the handset's own access, decision 0051); nonces are
 * written back as the device so they survive reloads (oma-dm.md §7.4).
 */
import type { ManagementTree } from '../tree/tree.ts';
import { DEVICE, type TreeOp } from '../tree/types.ts';
import { decodeBase64 } from '../tree/format.ts';
import { authTypeFromAAuthType, type AuthType } from './auth.ts';
import type { DmEncoding } from './trace.ts';

export const DMACC_ROOT = './DMAcc';

/**
 * Vendor extension leaf holding the account's encoding preference, `xml` or `wbxml`
 * (decision 0052). Absent: WBXML, as real handsets send.
 */
export const ENCODING_EXT = 'Ext/OtaHandset/Encoding';
export const DEFAULT_ENCODING: DmEncoding = 'wbxml';

/** One AppAuth/<x> entry. */
export interface AccountCredential {
  /** `./DMAcc/<x>/AppAuth/<y>` */
  uri: string;
  level: string;
  /** AAuthType as stored (BASIC, DIGEST, HMAC, HTTP-BASIC ...). */
  aauthType: string;
  /** The SyncML scheme, when AAuthType is one of BASIC / DIGEST / HMAC. */
  type?: AuthType;
  name: string;
  secret: string;
  /** AAuthData decoded; undefined when empty or absent. */
  nonce?: Uint8Array;
}

export interface DmAccount {
  /** `./DMAcc/<x>` */
  uri: string;
  serverId: string;
  name: string;
  /** The server URL from AppAddr ('' when the account has none). */
  serverUrl: string;
  /** AAuthPref as stored ('' = the one last negotiated). */
  authPref: string;
  /** AAuthLevel CLCRED: what the handset sends. */
  client?: AccountCredential;
  /** AAuthLevel SRVCRED: what the handset expects from the server (and package 0's digest). */
  server?: AccountCredential;
  encoding: DmEncoding;
  /** Problems found while reading, for the trace. */
  warnings: string[];
}

function value(tree: ManagementTree, uri: string): string | undefined {
  const r = tree.record(uri);
  return r && r.format !== 'node' ? (r.value ?? '') : undefined;
}

function children(tree: ManagementTree, uri: string): string[] {
  const r = tree.get(DEVICE, uri);
  return r.status === 200 && r.children ? r.children.map((c) => `${uri}/${c}`) : [];
}

/** `http://host/path` + port 8080 -> `http://host:8080/path` when the URL has no port. */
export function withPort(addr: string, port: string | undefined): string {
  if (port === undefined || port === '' || !/^\d+$/.test(port)) return addr;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*)(.*)$/.exec(addr);
  if (!m) return addr;
  const host = m[2] ?? '';
  if (/:\d+$/.test(host) || host.endsWith(']')) return addr;
  return `${m[1] ?? ''}${host}:${port}${m[3] ?? ''}`;
}

function readCredential(tree: ManagementTree, uri: string): AccountCredential {
  const cred: AccountCredential = {
    uri,
    level: (value(tree, `${uri}/AAuthLevel`) ?? '').trim().toUpperCase(),
    aauthType: (value(tree, `${uri}/AAuthType`) ?? '').trim().toUpperCase(),
    name: value(tree, `${uri}/AAuthName`) ?? '',
    secret: value(tree, `${uri}/AAuthSecret`) ?? '',
  };
  const type = authTypeFromAAuthType(cred.aauthType);
  if (type) cred.type = type;
  const data = value(tree, `${uri}/AAuthData`);
  if (data !== undefined && data !== '') {
    const bytes = decodeBase64(data);
    if (bytes) cred.nonce = bytes;
  }
  return cred;
}

/** Reads one account; undefined when `uri` is not a DMAcc account. */
export function readAccount(tree: ManagementTree, uri: string): DmAccount | undefined {
  const serverId = value(tree, `${uri}/ServerID`);
  if (serverId === undefined) return undefined;
  const warnings: string[] = [];
  let serverUrl = '';
  const addrs = children(tree, `${uri}/AppAddr`);
  for (const a of addrs) {
    const addr = value(tree, `${a}/Addr`);
    if (addr === undefined || addr === '') continue;
    const ports = children(tree, `${a}/Port`);
    const port = ports.length > 0 ? value(tree, `${ports[0]}/PortNbr`) : undefined;
    serverUrl = withPort(addr.trim(), port?.trim());
    break;
  }
  if (serverUrl === '') warnings.push(`${uri} has no AppAddr/<x>/Addr`);
  const account: DmAccount = {
    uri,
    serverId,
    name: value(tree, `${uri}/Name`) ?? '',
    serverUrl,
    authPref: (value(tree, `${uri}/AAuthPref`) ?? '').trim().toUpperCase(),
    encoding: DEFAULT_ENCODING,
    warnings,
  };
  for (const a of children(tree, `${uri}/AppAuth`)) {
    const cred = readCredential(tree, a);
    if (cred.level === 'CLCRED') {
      // With several CLCRED entries, AAuthPref picks one; otherwise the first wins.
      if (!account.client || (account.authPref !== '' && cred.aauthType === account.authPref))
        account.client = cred;
    } else if (cred.level === 'SRVCRED') {
      if (!account.server) account.server = cred;
    }
  }
  const enc = (value(tree, `${uri}/${ENCODING_EXT}`) ?? '').trim().toLowerCase();
  if (enc === 'xml' || enc === 'wbxml') account.encoding = enc;
  else if (enc !== '') warnings.push(`${uri}/${ENCODING_EXT} is "${enc}"; WBXML used`);
  return account;
}

/** Every DM account on the handset, in tree order. */
export function listAccounts(tree: ManagementTree): DmAccount[] {
  const out: DmAccount[] = [];
  for (const uri of children(tree, DMACC_ROOT)) {
    const a = readAccount(tree, uri);
    if (a) out.push(a);
  }
  return out;
}

/** The account whose ServerID is `serverId` (exact match), or undefined. */
export function findAccount(tree: ManagementTree, serverId: string): DmAccount | undefined {
  return listAccounts(tree).find((a) => a.serverId === serverId);
}

/**
 * Writes a nonce to `<cred>/AAuthData` as the device (adds the leaf when missing), so it
 * survives reloads. Returns the tree status (200 on success).
 */
export async function storeNonce(
  tree: ManagementTree,
  credentialUri: string,
  nonce: Uint8Array,
  origin?: string,
): Promise<number> {
  const uri = `${credentialUri}/AAuthData`;
  const options = origin === undefined ? {} : { origin };
  const existing = tree.record(uri);
  if (existing) {
    const keep = existing.format === 'bin' || existing.format === 'b64';
    const op: TreeOp = keep
      ? { op: 'replace', uri, value: nonce }
      : { op: 'replace', uri, value: nonce, format: 'bin' };
    const r = await tree.batch(DEVICE, [op], options);
    return r.statuses[0] ?? 500;
  }
  const r = await tree.batch(
    DEVICE,
    [{ op: 'add', uri, value: nonce, format: 'bin', type: 'application/octet-stream' }],
    options,
  );
  return r.statuses[0] ?? 500;
}
