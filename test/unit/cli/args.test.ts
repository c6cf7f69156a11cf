import { describe, expect, it } from 'vitest';
import { parsePort, parseServerUrl } from '../../../src/cli/args.ts';
import { UsageError } from '../../../src/cli/io.ts';

describe('shared CLI option values', () => {
  it('reads a port, falls back when absent, and refuses anything but 0-65535', () => {
    expect(parsePort('8080', 1, '--port')).toBe(8080);
    expect(parsePort('0', 1, '--port')).toBe(0);
    expect(parsePort(undefined, 4180, '--port')).toBe(4180);
    expect(parsePort('', 4180, '--port')).toBe(4180);
    for (const bad of ['65536', '-1', '1.5', 'http'])
      expect(() => parsePort(bad, 1, '--dm-port')).toThrow(
        new UsageError(`--dm-port must be a port number 0-65535, got "${bad}"`),
      );
  });

  it('takes a --server URL as given and refuses one that does not parse', () => {
    expect(parseServerUrl('http://127.0.0.1:4180/dm?token=x')).toBe('http://127.0.0.1:4180/dm?token=x');
    expect(() => parseServerUrl('127.0.0.1:4180x')).toThrow(
      new UsageError('--server: "127.0.0.1:4180x" is not a URL'),
    );
    expect(() => parseServerUrl('')).toThrow(UsageError);
  });
});
