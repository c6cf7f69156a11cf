/**
 * Reading a tester's package 0 input: hex with any spacing, or a file's bytes; and, for a
 * malformed one, the byte offset where reading stopped (the check itself only says why).
 */
import { BytesError, parseHex, toHex } from '../../../core/bytes/index.ts';
import { parsePackage0 } from '../../../core/dm/package0.ts';
import { Package0Error } from '../../../core/dm/errors.ts';

export type HexInput = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** Hex digits with spaces, tabs or line breaks anywhere; an optional `0x` prefix. */
export function readHexInput(text: string): HexInput {
  const trimmed = text.trim().replace(/^0x/i, '');
  if (trimmed === '') return { ok: false, error: 'Paste the notification as hex digits.' };
  try {
    return { ok: true, bytes: parseHex(trimmed, { allowWhitespace: true }) };
  } catch (error) {
    if (error instanceof BytesError) return { ok: false, error: `Not hex: ${error.message}.` };
    throw error;
  }
}

/** Where parsing a malformed package 0 stopped, in bytes, or undefined when it parses. */
export function malformedOffset(bytes: Uint8Array, acceptedVersions?: readonly number[]): number | undefined {
  try {
    parsePackage0(bytes, acceptedVersions ? { acceptedVersions } : {});
    return undefined;
  } catch (error) {
    return error instanceof Package0Error ? error.offset : undefined;
  }
}

/** Upper-case hex in groups of two, for showing a digest. */
export function spacedHex(bytes: Uint8Array): string {
  return toHex(bytes)
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
}

export const REFUSAL_TITLE: Record<
  'malformed' | 'unknown-server' | 'no-server-credentials' | 'digest-mismatch',
  string
> = {
  malformed: 'Malformed: this is not a readable package 0',
  'unknown-server': 'Unknown server: no DM account has this ServerID',
  'no-server-credentials': 'Cannot be verified: the account has no server credentials',
  'digest-mismatch': 'Wrong digest: it does not verify against the server credentials',
};
