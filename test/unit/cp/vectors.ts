import { readFileSync } from 'node:fs';

const dir = new URL('../../vectors/cp/', import.meta.url);

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
}

/** A one-line hex vector file as bytes. */
export function vector(name: string): Uint8Array {
  return fromHex(readFileSync(new URL(name, dir), 'utf8'));
}

/** A hex-lines vector file as text. */
export function vectorText(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

export const IMSI = '262022033864727';
export const MACS = {
  netwpin: 'BEB6FBF4D6226AF827A5885D391A1C11B0D74C92',
  userpin: 'E29BF3FF98F0287675E404F7668DB0B2DC8F8F08',
  usernetwpin: 'B3708DFD7E3C7B2CD42697CAD283A5E1EB1BC239',
  dmBootstrap: 'BAF23AEDE3B3E5BFCD6DCDDA212CE5E472681770',
} as const;
export const USERPINMAC_ENTRY = '1234578525';
