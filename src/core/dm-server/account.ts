/**
 * What the reference server knows about one device's account with one authority (a DM
 * server identity, ServerID): both sets of credentials and both nonces (oma-dm.md §7, §13).
 *
 * - CLCRED side (the client authenticates to us): `clientName`, `clientSecret`, and
 *   `clientNonce`, the nonce WE issued (Chal NextNonce), which the client uses next.
 * - SRVCRED side (we authenticate to the client): the name is our ServerID, `serverSecret`,
 *   and `serverNonce`, the nonce the CLIENT issued to us; also used for package 0 (§8).
 * Nonces are kept as base64 text so records stay plain JSON.
 */
import type { Random } from '../ports.ts';
import { toBase64 } from '../bytes/index.ts';

export const CLIENT_AUTH_TYPES = ['basic', 'md5', 'hmac'] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];
export const SERVER_AUTH_TYPES = ['none', 'basic', 'md5', 'hmac'] as const;
export type ServerAuthType = (typeof SERVER_AUTH_TYPES)[number];

export interface AccountRecord {
  serverId: string;
  authType: ClientAuthType;
  clientName: string;
  clientSecret: string;
  /** base64 nonce issued by the server, for the client's next md5 / HMAC credentials. */
  clientNonce: string;
  serverAuthType: ServerAuthType;
  serverSecret: string;
  /** base64 nonce issued by the client, for the server's credentials and package 0. */
  serverNonce: string;
}

/** A management authority served by this server: its ServerID and its endpoint path. */
export interface Authority {
  serverId: string;
  /** Display name, e.g. "Example Operator". */
  name: string;
  /** HTTP path of its DM endpoint, e.g. `/dm` or `/dm/enterprise`. */
  path: string;
}

export const DEFAULT_AUTHORITIES: readonly Authority[] = [
  { serverId: 'ota-operator', name: 'Example Operator', path: '/dm' },
  { serverId: 'ota-enterprise', name: 'Example Enterprise', path: '/dm/enterprise' },
];

/** Mapping to DMAcc AAuthType values (oma-dm.md §13). */
export const AAUTH_TYPE: Readonly<Record<ClientAuthType | 'basic', string>> = {
  basic: 'BASIC',
  md5: 'DIGEST',
  hmac: 'HMAC',
};

/** The fixed, documented secrets of demo mode (decision 0070). */
export const DEMO_SECRETS = { clientSecret: 'ota-demo-client', serverSecret: 'ota-demo-server' } as const;

/**
 * Demo-mode account for a device the server has not met (decision 0070): the client's name
 * and authentication type are taken from its first message, the secrets are the documented
 * demo secrets, the nonces are fresh.
 */
export function demoAccount(
  serverId: string,
  clientName: string,
  authType: ClientAuthType,
  random: Random,
  secrets: { clientSecret: string; serverSecret: string } = DEMO_SECRETS,
): AccountRecord {
  return {
    serverId,
    authType,
    clientName,
    clientSecret: secrets.clientSecret,
    clientNonce: toBase64(random.bytes(16)),
    serverAuthType: authType === 'basic' ? 'none' : authType,
    serverSecret: secrets.serverSecret,
    serverNonce: toBase64(random.bytes(16)),
  };
}
