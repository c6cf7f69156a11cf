import { OtaError } from '../errors.ts';

/** Who the emulated handset is. DevInfo and the NETWPIN key are derived from it. */
export interface DeviceIdentity {
  /** A name the tester gives the handset, shown in the status bar. */
  name: string;
  /** 15 digits; DevInfo/DevId is `IMEI:<imei>`. */
  imei: string;
  /** 6-15 digits; the NETWPIN key is derived from it. */
  imsi: string;
  manufacturer: string;
  model: string;
  /** RFC 1766 language tag, e.g. `en-GB` (DevInfo/Lang). */
  language: string;
}

export class IdentityError extends OtaError {
  constructor(field: keyof DeviceIdentity, message: string) {
    super('identity-invalid', message, { field });
  }
}

/** Luhn check digit, so generated IMEIs are well-formed. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export const DEFAULT_IDENTITY: DeviceIdentity = {
  name: 'Test handset',
  imei: '490154203237518',
  imsi: '262022033864727',
  manufacturer: 'ota-handset',
  model: 'Emulated MMS/PoC handset',
  language: 'en-GB',
};

/** Problems with an identity, by field; empty when it is valid. */
export function identityProblems(identity: DeviceIdentity): Partial<Record<keyof DeviceIdentity, string>> {
  const problems: Partial<Record<keyof DeviceIdentity, string>> = {};
  if (identity.name.trim() === '') problems.name = 'Give the handset a name.';
  else if (identity.name.length > 64) problems.name = 'At most 64 characters.';
  if (!/^\d{15}$/.test(identity.imei)) problems.imei = 'An IMEI is exactly 15 digits.';
  else if (luhnCheckDigit(identity.imei.slice(0, 14)) !== Number(identity.imei[14]))
    problems.imei = `The last digit is the Luhn check digit; for these 14 digits it is ${luhnCheckDigit(identity.imei.slice(0, 14))}.`;
  if (!/^\d{6,15}$/.test(identity.imsi)) problems.imsi = 'An IMSI is 6 to 15 digits (MCC, MNC, MSIN).';
  if (identity.manufacturer.trim() === '') problems.manufacturer = 'Give a manufacturer (DevInfo/Man).';
  if (identity.model.trim() === '') problems.model = 'Give a model (DevInfo/Mod).';
  if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(identity.language))
    problems.language = 'A language tag such as en, en-GB or fr-FR.';
  return problems;
}

/** Throws IdentityError on the first problem; used where an invalid identity is a programming or input error. */
export function assertValidIdentity(identity: DeviceIdentity): DeviceIdentity {
  const problems = identityProblems(identity);
  const first = Object.entries(problems)[0];
  if (first) throw new IdentityError(first[0] as keyof DeviceIdentity, first[1]);
  return identity;
}

/** DevInfo/DevId for this identity. */
export function devId(identity: DeviceIdentity): string {
  return `IMEI:${identity.imei}`;
}
