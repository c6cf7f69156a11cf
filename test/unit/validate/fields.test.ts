import { describe, expect, it } from 'vitest';
import {
  checkApn,
  checkE164,
  checkHost,
  checkInteger,
  checkIpv4,
  checkPort,
  checkRequired,
  checkSipOrHost,
  checkSipUri,
  checkUrl,
  isIpv6,
} from '../../../src/core/validate/fields.ts';

describe('field validators', () => {
  it('URL: http(s) with a valid host and port', () => {
    for (const ok of [
      'http://mmsc.example.net/mms',
      'https://10.0.0.1:8080/',
      'http://[2001:db8::1]/x',
      'http://u:p@h.example/',
    ])
      expect(checkUrl(ok), ok).toBeNull();
    expect(checkUrl('mmsc.example.net')).toMatch(/starting with http:\/\/ or https:\/\//);
    expect(checkUrl('ftp://mmsc.example.net')).toMatch(/not ftp:\/\//);
    expect(checkUrl('http://')).toMatch(/no host/);
    expect(checkUrl('http://bad_host/')).toMatch(/not a valid host/);
    expect(checkUrl('http://h.example:99999/')).toMatch(/port/);
    expect(checkUrl('http://h.example/a b')).toMatch(/spaces/);
  });

  it('host: DNS name, IPv4 or IPv6', () => {
    for (const ok of ['proxy.example.net', '10.1.2.3', '[2001:db8::1]', '2001:db8::1', 'localhost'])
      expect(checkHost(ok), ok).toBeNull();
    for (const bad of ['-a.example', 'a..b', 'under_score.example', ' x.example', ''])
      expect(checkHost(bad), bad).not.toBeNull();
  });

  it('port 1..65535', () => {
    expect(checkPort('8080')).toBeNull();
    expect(checkPort('65535')).toBeNull();
    for (const bad of ['0', '65536', '80a', '', '-1']) expect(checkPort(bad), bad).not.toBeNull();
  });

  it('APN per 3GPP TS 23.003 §9.1', () => {
    for (const ok of ['internet', 'mms.example.net', 'web.t-mobile.de']) expect(checkApn(ok), ok).toBeNull();
    expect(checkApn('my apn')).toMatch(/letters, digits and hyphens/);
    expect(checkApn('MMS_NAP')).toMatch(/underscores/);
    expect(checkApn('rac1.example')).toMatch(/rac/);
    expect(checkApn('mms.gprs')).toMatch(/\.gprs/);
    expect(checkApn('*')).toMatch(/wildcard/);
    expect(checkApn('a'.repeat(64))).toMatch(/63/);
  });

  it('E.164 numbers', () => {
    expect(checkE164('+447700900123')).toBeNull();
    expect(checkE164('447700900123')).toBeNull();
    for (const bad of ['+0123', '+44 7700', '+1234567890123456', ''])
      expect(checkE164(bad), bad).not.toBeNull();
  });

  it('integers with ranges, IPv4, IPv6, required', () => {
    expect(checkInteger('300000', { min: 1 })).toBeNull();
    expect(checkInteger('0', { min: 1 })).toMatch(/at least 1/);
    expect(checkInteger('12kB')).toMatch(/digits only/);
    expect(checkIpv4('192.168.0.1')).toBeNull();
    expect(checkIpv4('256.1.1.1')).not.toBeNull();
    expect(isIpv6('::1')).toBe(true);
    expect(isIpv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIpv6('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(isIpv6('::ffff:10.0.0.1')).toBe(true);
    expect(checkRequired('  ')).toMatch(/required/);
  });

  it('SIP URIs and PoC server addresses', () => {
    expect(checkSipUri('sip:poc.example.net')).toBeNull();
    expect(checkSipUri('sips:alice@example.net:5061;transport=tls')).toBeNull();
    expect(checkSipUri('tel:+447700900123')).toMatch(/sip:/);
    expect(checkSipUri('tel:+447700900123', true)).toBeNull();
    expect(checkSipUri('http://x')).toMatch(/sip:/);
    expect(checkSipOrHost('poc.example.net:5060')).toBeNull();
    expect(checkSipOrHost('sip:poc.example.net')).toBeNull();
    expect(checkSipOrHost('poc example')).not.toBeNull();
  });
});
