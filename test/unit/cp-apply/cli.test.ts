/**
 * `ota-handset cp inspect|apply`: exit codes 0 (authentic or unsigned), 1 (batch refused),
 * 2 (malformed input or usage), 3 (MAC mismatch, PIN missing or wrong, unsigned not accepted).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../../support/capture-io.ts';
import { toHex, vector } from '../cp/vectors.ts';
import { prov, sample } from './helpers.ts';

const vectors = new URL('../../vectors/cp/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'cp-cli-'));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(...args: string[]) {
  const io = captureIo();
  const code = await main(['cp', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('cp inspect', () => {
  it('authentic USERPIN push with --pin: exit 0, verdict and planned changes', async () => {
    const r = await run('inspect', `${vectors}push-userpin.hex`, '--pin', '1234');
    expect(r.code).toBe(0);
    expect(r.out).toContain('security: authentic: USERPIN: MAC verified');
    expect(r.out).toContain(
      'Adds MMS settings *Example MMS* (MMSC http://mmsc.example.net/mms, via access point *MMS_NAP*)',
    );
    expect(r.out).toContain('add ./MMS/Example_MMS/Addr = "http://mmsc.example.net/mms"');
    expect(r.out).not.toMatch(/AuthSecret = "mms"/); // secrets masked
  });

  it('PIN missing or wrong: exit 3', async () => {
    expect((await run('inspect', `${vectors}push-userpin.hex`)).code).toBe(3);
    const wrong = await run('inspect', `${vectors}push-userpin.hex`, '--pin', '9999');
    expect(wrong.code).toBe(3);
    expect(wrong.out).toContain('PIN attempts left: 2');
  });

  it('NETWPIN with another IMSI: exit 3, MAC mismatch', async () => {
    const r = await run('inspect', `${vectors}push-netwpin.hex`, '--imsi', '262022033864728');
    expect(r.code).toBe(3);
    expect(r.err).toContain('netwpin-mismatch');
  });

  it('unsigned XML and binary WBXML: exit 0', async () => {
    const xml = await run('inspect', file('omadm.xml', sample('intel-cpclient/omadm.xml')));
    expect(xml.code).toBe(0);
    expect(xml.out).toContain('security: unsigned');
    expect(xml.out).toContain('Adds DM account *DM Server*');
    const bin = await run('inspect', file('doc-a.wbxml', vector('doc-a.wbxml.hex')));
    expect(bin.code).toBe(0);
  });

  it('malformed input: exit 2 with the reason', async () => {
    const r = await run(
      'inspect',
      file('bad.xml', prov('<characteristic type="NAPDEF"><parm name="NAME" value="x"/></characteristic>')),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('NAPDEF[1]: missing NAPID');
    const truncated = await run('inspect', file('trunc.hex', toHex(vector('push-userpin.hex')).slice(0, 30)));
    expect(truncated.code).toBe(2);
  });

  it('--json prints the inbox record with bytes as hex and secrets masked', async () => {
    const r = await run('inspect', `${vectors}push-netwpin.hex`, '--json');
    expect(r.code).toBe(0);
    const record = JSON.parse(r.out) as {
      status: string;
      verdict: string;
      body: string;
      plan: { ops: { uri: string; value?: string }[] };
    };
    expect(record.status).toBe('awaiting-consent');
    expect(record.verdict).toBe('authentic');
    expect(record.body).toBe(toHex(vector('doc-a.wbxml.hex')));
    expect(record.plan.ops.find((o) => o.uri.endsWith('AuthSecret'))?.value).toBe('••••');
  });

  it('usage errors: exit 2', async () => {
    expect((await run('frob')).code).toBe(2);
    expect((await run('inspect')).code).toBe(2);
    expect((await run('apply', `${vectors}push-netwpin.hex`)).code).toBe(2); // no --state
  });
});

describe('cp apply', () => {
  it('applies to the headless device and saves it', async () => {
    const state = join(dir, 'device.json');
    const r = await run('apply', `${vectors}push-netwpin.hex`, '--state', state);
    expect(r.code).toBe(0);
    expect(r.out).toContain('applied: Adds 1 MMS settings, 1 access point and 1 proxy');
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { nodes: { uri: string; value?: string }[] };
    expect(saved.nodes.find((n) => n.uri === './MMS/Example_MMS/Addr')?.value).toBe(
      'http://mmsc.example.net/mms',
    );
    // Applying the same message again replaces the same instances (decision 0061).
    expect((await run('apply', `${vectors}push-netwpin.hex`, '--state', state)).code).toBe(0);
    const again = JSON.parse(readFileSync(state, 'utf8')) as { nodes: { uri: string }[] };
    expect(
      again.nodes.filter((n) => n.uri.startsWith('./MMS/') && n.uri.split('/').length === 3),
    ).toHaveLength(1);
  });

  it('an unsigned message needs --accept-unsigned (exit 3 without, nothing written)', async () => {
    const state = join(dir, 'device2.json');
    const input = file('simplemms.xml', sample('intel-cpclient/simplemms.xml'));
    const refused = await run('apply', input, '--state', state);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('--accept-unsigned');
    const accepted = await run('apply', input, '--state', state, '--accept-unsigned');
    expect(accepted.code).toBe(0);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { nodes: { uri: string; value?: string }[] };
    expect(saved.nodes.find((n) => n.uri === './MMS/test/Addr')?.value).toBe('http://mms.myoperator');
  });
});
