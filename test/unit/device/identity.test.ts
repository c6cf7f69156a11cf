import { describe, expect, it } from 'vitest';
import {
  DEFAULT_IDENTITY,
  assertValidIdentity,
  devId,
  identityProblems,
  luhnCheckDigit,
} from '../../../src/core/device/identity.ts';
import { homeNetwork } from '../../../src/core/device/plmn.ts';

describe('device identity', () => {
  it('computes the Luhn check digit of published IMEIs', () => {
    // 3GPP TS 23.003 Annex B worked example: IMEI 35 209900 176148 1.
    expect(luhnCheckDigit('35209900176148')).toBe(1);
    expect(luhnCheckDigit('49015420323751')).toBe(8);
  });

  it('accepts the defaults and derives DevId as IMEI:<imei>', () => {
    expect(identityProblems(DEFAULT_IDENTITY)).toEqual({});
    expect(devId(DEFAULT_IDENTITY)).toBe('IMEI:490154203237518');
  });

  it('explains each bad field', () => {
    const problems = identityProblems({
      name: ' ',
      imei: '35209900176148',
      imsi: '12345',
      manufacturer: '',
      model: '',
      language: 'english!',
    });
    expect(Object.keys(problems).sort()).toEqual([
      'imei',
      'imsi',
      'language',
      'manufacturer',
      'model',
      'name',
    ]);
    expect(identityProblems({ ...DEFAULT_IDENTITY, imei: '352099001761482' }).imei).toContain('it is 1');
  });

  it('throws a typed error with the field for an invalid identity', () => {
    expect(() => assertValidIdentity({ ...DEFAULT_IDENTITY, imsi: 'abc' })).toThrowError(
      expect.objectContaining({ code: 'identity-invalid', details: { field: 'imsi' } }),
    );
  });

  it('reads MCC and MNC from the IMSI, with 3-digit MNCs in North America', () => {
    expect(homeNetwork('262022033864727')).toEqual({ mcc: '262', mnc: '02' });
    expect(homeNetwork('310150123456789')).toEqual({ mcc: '310', mnc: '150' });
    expect(homeNetwork('12')).toBeNull();
  });
});
