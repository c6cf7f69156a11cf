/**
 * Deterministic fleet identities (decision 0130): device `index` of fleet `seed` always gets
 * the same IMEI (TAC prefix 35, valid Luhn check digit) and IMSI (MCC 001 / MNC 01, the test
 * network), so a fleet split into shards over several machines never reuses a device, and a
 * rerun meets the same devices on the server.
 */
import { encodeUtf8 } from '../../core/bytes/index.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { luhnCheckDigit, type DeviceIdentity } from '../../core/device/identity.ts';

function digits(bytes: Uint8Array, count: number): string {
  let out = '';
  for (let i = 0; out.length < count; i++) out += String(bytes[i % bytes.length]! % 10);
  return out;
}

export function fleetIdentity(seed: string, index: number): DeviceIdentity {
  const h = sha256(encodeUtf8(`ota-handset fleet ${seed} ${index}`));
  // 12 hashed digits after the TAC prefix: 10^12 devices per seed before a collision is forced.
  const body = `35${digits(h, 12)}`;
  return {
    name: `Fleet handset ${index}`,
    imei: `${body}${luhnCheckDigit(body)}`,
    imsi: `00101${digits(h.slice(16), 10)}`,
    manufacturer: 'ota-handset',
    model: 'Emulated MMS/PoC handset (fleet)',
    language: 'en-GB',
  };
}

/** `i/n` (1-based): shard i of n. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return `--shard is i/n, e.g. 2/4; got "${text}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return `--shard ${text}: i must be 1..n`;
  return { index, count };
}

/** The device indices (0-based) of a shard: every n-th, so shards are disjoint and together cover 0..devices-1. */
export function shardIndices(devices: number, shard: Shard = { index: 1, count: 1 }): number[] {
  const out: number[] = [];
  for (let i = shard.index - 1; i < devices; i += shard.count) out.push(i);
  return out;
}
