import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliIo } from '../../../src/cli/io.ts';
import { CP_S10_HEX, VECTORS_DIR } from './corpus.ts';

function io(stdin: string | Uint8Array = '') {
  const out: (string | Uint8Array)[] = [];
  const err: string[] = [];
  const fake: CliIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => (typeof stdin === 'string' ? new TextEncoder().encode(stdin) : stdin),
  };
  return { fake, out, err };
}

describe('ota-handset wbxml', () => {
  it('decode --hex - prints XML', async () => {
    const t = io(CP_S10_HEX);
    expect(await main(['wbxml', 'decode', '--hex', '-'], t.fake)).toBe(0);
    expect(String(t.out.join(''))).toContain('<parm name="APPID" value="w4"/>');
  });

  it('encode reproduces the §10 vector from the XML that decode printed', async () => {
    const a = io(CP_S10_HEX);
    await main(['wbxml', 'decode', '--hex', '-'], a.fake);
    const b = io(String(a.out.join('')));
    expect(await main(['wbxml', 'encode', '--version', '1.3', '--hex', '-'], b.fake)).toBe(0);
    expect(String(b.out.join('')).trim()).toBe(CP_S10_HEX.toLowerCase());
  });

  it('encode writes bytes to stdout', async () => {
    const t = io();
    expect(
      await main(['wbxml', 'encode', `${VECTORS_DIR}tnds/tnds-dmacc.xml`, '--string-table'], t.fake),
    ).toBe(0);
    expect(t.out[0]).toBeInstanceOf(Uint8Array);
    expect((t.out[0] as Uint8Array)[0]).toBe(0x03);
  });

  it('bad input: exit 2 and "error <code> at offset <n>: <message>"', async () => {
    const t = io('030b6a00c5');
    expect(await main(['wbxml', 'decode', '--hex', '-'], t.fake)).toBe(2);
    expect(t.err.join('')).toMatch(/^error truncated at offset 5: /);
    const h = io('03 0b zz');
    expect(await main(['wbxml', 'decode', '--hex', '-'], h.fake)).toBe(2);
    expect(h.err.join('')).toMatch(/^error bad-hex at offset 6: /);
    const x = io('<a><b></a>');
    expect(await main(['wbxml', 'encode', '-'], x.fake)).toBe(2);
    expect(x.err.join('')).toMatch(/^error malformed-xml at line 1 column \d+: /);
    const u = io();
    expect(await main(['wbxml', 'encode', '-', '--version', '2.0'], u.fake)).toBe(2);
    expect(await main(['wbxml', 'frobnicate', '-'], u.fake)).toBe(2);
  });
});
