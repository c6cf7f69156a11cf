import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../../support/capture-io.ts';

describe('ota-handset command line', () => {
  it('lists its verbs and documents the exit codes', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout()).toContain('serve');
    for (const line of [
      '0  success',
      '1  the operation failed',
      '2  bad input or usage',
      '3  a security check failed',
    ])
      expect(io.stdout()).toContain(line);
  });

  it('exits 2 with a message for an unknown verb or option', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr()).toContain('unknown verb "frobnicate"');
    const io2 = captureIo();
    expect(await main(['serve', '--no-such-flag'], io2)).toBe(2);
    expect(io2.stderr()).toMatch(/^error usage: /);
  });

  it('exits 2 without arguments, printing the help', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(2);
    expect(io.stdout()).toContain('Usage: ota-handset <verb>');
  });

  it('refuses a bad port number', async () => {
    const io = captureIo();
    expect(await main(['serve', '--port', '70000'], io)).toBe(2);
    expect(io.stderr()).toContain('--port must be a port number');
  });
});
