import { parseArgs } from 'node:util';
import { parseBase64, parseHex, toHex } from '../../core/bytes/index.ts';
import { parsePackage0, sessionIdForAlert, verifyPackage0, type Package0 } from '../../core/dm/package0.ts';
import { checkNotification, consentFor } from '../../core/dm/session.ts';
import { EXIT } from '../exit-codes.ts';
import { readInput, UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';
import { openDevice, withStateErrors } from '../headless-device.ts';

const USAGE = [
  'Usage: ota-handset notification inspect <file|-> [--server-password P] [--server-nonce B64] [--state F] [--json]',
  '',
  'Reads a DM package 0 (General Notification Initiated Session Alert, OMA-TS-DM_Notification):',
  'version, UI mode, initiator, session id (and the SyncHdr SessionID it becomes), server id, vendor data.',
  'The file is binary, or hex text.',
  '',
  '  --server-password P  check the digest with this server password (SRVCRED AAuthSecret)',
  '  --server-nonce B64   ... and this nonce (base64; default: empty, then the fallback nonce 0x00000000)',
  '  --state F            check the digest against the DM account of a headless device instead',
  '  --json               print JSON',
  '',
  'Exit 0 when it reads (and, if asked, the digest matches); 2 when it cannot be read; 3 when the digest does not match.',
].join('\n');

/** Binary, or hex text (whitespace allowed) when every byte is a hex digit or space. */
export function bytesOrHex(raw: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(raw).trim();
  if (text.length > 0 && text.length % 2 === 0 && /^[0-9a-fA-F\s]+$/.test(text)) {
    try {
      return parseHex(text.replace(/\s+/g, ''));
    } catch {
      return raw;
    }
  }
  return raw;
}

function describe(pkg: Package0): Record<string, unknown> {
  return {
    version: `${pkg.version} (${Math.floor(pkg.version / 10)}.${pkg.version % 10})`,
    uiMode: pkg.uiMode,
    consent: consentFor(pkg.uiMode),
    initiator: pkg.initiator,
    sessionId: pkg.sessionId,
    SessionID: sessionIdForAlert(pkg.sessionId),
    serverId: pkg.serverId,
    vendorData: toHex(pkg.vendorData),
    digest: toHex(pkg.digest),
    futureUse: pkg.futureUse,
  };
}

const CONSENT_TEXT: Record<string, string> = {
  connect: 'connect without asking',
  'inform-then-connect': 'tell the user, then connect',
  'ask-user': 'ask the user before connecting',
};

export const notificationVerb: Verb = {
  name: 'notification',
  summary: 'inspect a DM package 0 (server-alerted session trigger) and check its digest',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    if (sub !== 'inspect')
      throw new UsageError(`expected "inspect", got ${sub === undefined ? 'nothing' : `"${sub}"`}`);
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        'server-password': { type: 'string' },
        'server-nonce': { type: 'string' },
        state: { type: 'string' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const file = positionals[0];
    if (file === undefined || positionals.length > 1)
      throw new UsageError('give exactly one file (or - for standard input)');
    const bytes = bytesOrHex(await readInput(file, io));
    let pkg: Package0;
    try {
      pkg = parsePackage0(bytes);
    } catch (error) {
      io.err(`error package0-unreadable: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    const info = describe(pkg);
    let digest: { checked: boolean; ok?: boolean; detail?: string } = { checked: false };
    if (values.state !== undefined) {
      const statePath = values.state;
      const code = await withStateErrors(io, async () => {
        const { tree } = await openDevice(statePath, false);
        const check = checkNotification(tree, bytes);
        digest = check.ok
          ? {
              checked: true,
              ok: true,
              detail: `matches the account ${check.account.uri} (${check.nonceUsed} nonce)`,
            }
          : { checked: true, ok: false, detail: check.reason };
        return EXIT.ok;
      });
      if (code !== EXIT.ok) return code;
    } else if (values['server-password'] !== undefined) {
      let nonce: Uint8Array | undefined;
      if (values['server-nonce'] !== undefined) {
        try {
          nonce = parseBase64(values['server-nonce'], { allowMissingPadding: true });
        } catch {
          throw new UsageError('--server-nonce must be base64');
        }
      }
      const check = verifyPackage0(pkg, { password: values['server-password'], nonce });
      digest = check.ok
        ? { checked: true, ok: true, detail: `matches (${check.nonceUsed} nonce)` }
        : {
            checked: true,
            ok: false,
            detail: 'does not match the password and nonce (nor the fallback nonce 0x00000000)',
          };
    }
    if (values.json) {
      io.out(`${JSON.stringify({ ...info, digestCheck: digest }, null, 1)}\n`);
    } else {
      io.out(
        [
          `Package 0 from server "${pkg.serverId}"`,
          `  version      ${String(info.version)}`,
          `  UI mode      ${pkg.uiMode} (${CONSENT_TEXT[consentFor(pkg.uiMode)] ?? ''})`,
          `  initiator    ${pkg.initiator}`,
          `  session id   ${pkg.sessionId} -> SyncHdr SessionID ${sessionIdForAlert(pkg.sessionId)}`,
          `  vendor data  ${pkg.vendorData.length === 0 ? '(none)' : toHex(pkg.vendorData)}`,
          `  digest       ${toHex(pkg.digest)}${digest.checked ? ` ${digest.ok ? 'OK' : 'MISMATCH'}: ${digest.detail ?? ''}` : ' (not checked; give --server-password or --state)'}`,
          '',
        ].join('\n'),
      );
    }
    return digest.checked && !digest.ok ? EXIT.security : EXIT.ok;
  },
};
