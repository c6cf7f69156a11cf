/** `ota-handset flow` and `bundle`: exit codes, the report, the JSON report, bundles. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/cli/main.ts';
import { bundlePayloadLoader, parseBundle } from '../../../src/core/flow/bundle.ts';
import { parseHex } from '../../../src/core/bytes/index.ts';
import type { DmServer } from '../../../src/server/dm-server.ts';
import { captureIo } from '../../support/capture-io.ts';
import { ROOT, referenceServer } from './support.ts';

let server: DmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const STORYBOARD = resolve(ROOT, 'examples/flows/storyboard.json');
const BUNDLE = resolve(ROOT, 'examples/bundles/storyboard.bundle.json');

async function tmp(name: string, content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ota-flow-'));
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function cli(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const hex = async () => (await readFile(resolve(ROOT, 'test/vectors/cp/push-userpin.hex'), 'utf8')).trim();

describe('ota-handset flow run', () => {
  it('the storyboard passes against the server: exit 0, a PASS line per step, a JSON report', async () => {
    const started = await referenceServer();
    server = started.server;
    const report = join(await mkdtemp(join(tmpdir(), 'ota-flow-')), 'r.json');
    const r = await cli(['flow', 'run', STORYBOARD, '--server', started.base, '--report', report]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out.match(/^PASS /gm)?.length).toBe(15);
    expect(r.out).toMatch(/All 15 steps passed/);
    const json = JSON.parse(await readFile(report, 'utf8'));
    expect(json).toMatchObject({ flow: 'storyboard', passed: true, stepCount: 15 });
  });

  it('a failed assertion: exit 1 and the failed check with expected and actual', async () => {
    const flow = await tmp('f.json', {
      format: 'ota-handset-flow/1',
      name: 'wrong',
      steps: [
        { type: 'cp', payload: { hex: await hex() }, pin: '1234' },
        { type: 'assert', tree: [{ uri: './MMS/Example_MMS/Addr', equals: 'http://other/' }] },
      ],
    });
    const r = await cli(['flow', 'run', flow]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL\s+2\. \[assert\]/);
    expect(r.out).toContain(
      'x ./MMS/Example_MMS/Addr: expected "http://other/", got "http://mmsc.example.net/mms"',
    );
  });

  it('a wrong PIN where the flow expects the settings applied: exit 3', async () => {
    const flow = await tmp('f.json', {
      format: 'ota-handset-flow/1',
      name: 'pin',
      steps: [{ type: 'cp', payload: { hex: await hex() }, pin: '0000' }],
    });
    const r = await cli(['flow', 'run', flow]);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/expected applied, got refused \(mac-mismatch/);
  });

  it('a bad flow file: exit 2 with the place of each problem; flow validate says the same', async () => {
    const flow = await tmp('bad.json', {
      format: 'ota-handset-flow/1',
      name: 'bad',
      steps: [{ type: 'connect' }],
    });
    const r = await cli(['flow', 'run', flow]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${flow}: $.steps[0].serverId: is required`);
    expect((await cli(['flow', 'validate', flow])).code).toBe(2);
    expect((await cli(['flow', 'run', await tmp('x.json', '{oops')])).err).toMatch(/not valid JSON/);
    const ok = await cli(['flow', 'validate', STORYBOARD]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/valid flow "storyboard", 15 steps/);
  });

  it('bad usage and bad --fault: exit 2', async () => {
    expect((await cli(['flow'])).code).toBe(2);
    expect((await cli(['flow', 'run'])).code).toBe(2);
    expect((await cli(['flow', 'run', STORYBOARD, '--fault', 'drop-at:x'])).code).toBe(2);
  });

  it('--fault applies to every session of the flow', async () => {
    const started = await referenceServer();
    server = started.server;
    const r = await cli([
      'flow',
      'run',
      STORYBOARD,
      '--server',
      started.base,
      '--fault',
      'status:./MMS/*?prop=Locked=500',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /status of Replace on \.\/MMS\/Campaign\?prop=Locked: expected 200, got Replace \.\/MMS\/Campaign\?prop=Locked answered 500/,
    );
  });

  it('a server with an access token: the token travels in --server', async () => {
    const started = await referenceServer({ accessToken: 'tok-123' });
    server = started.server;
    const ok = await cli(['flow', 'run', STORYBOARD, '--server', `${started.base}/?token=tok-123`]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    const refused = await cli(['flow', 'run', STORYBOARD, '--server', started.base]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/push channel .* cannot be opened: the push channel answered HTTP 401/);
  });

  it('--state starts from a device file and --save-state writes the result', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ota-flow-'));
    const state = join(dir, 'd.json');
    expect((await cli(['device', 'init', '--state', state])).code).toBe(0);
    const flow = await tmp('f.json', {
      format: 'ota-handset-flow/1',
      name: 's',
      steps: [{ type: 'cp', payload: { hex: await hex() }, pin: '1234' }],
    });
    const out = join(dir, 'after.json');
    expect((await cli(['flow', 'run', flow, '--state', state, '--save-state', out])).code).toBe(0);
    expect((await cli(['tree', 'get', './MMS/Example_MMS/Addr', '--state', out])).out).toBe(
      'http://mmsc.example.net/mms\n',
    );
    expect((await cli(['tree', 'get', './MMS/Example_MMS/Addr', '--state', state])).code).toBe(1);
  });
  it('--state accepts a device document with more than identity and tree (the browser export adds inbox, traces, settings)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ota-flow-'));
    const state = join(dir, 'd.json');
    expect((await cli(['device', 'init', '--state', state])).code).toBe(0);
    const doc = JSON.parse(await readFile(state, 'utf8'));
    await writeFile(state, JSON.stringify({ ...doc, inbox: [], traces: [], settings: { theme: 'dark' } }));
    const flow = await tmp('f.json', {
      format: 'ota-handset-flow/1',
      name: 's',
      steps: [{ type: 'assert', tree: [{ uri: './DevInfo/DevId', equals: 'IMEI:490154203237518' }] }],
    });
    const saved = join(dir, 'saved.json');
    const r = await cli(['flow', 'run', flow, '--state', state, '--save-state', saved]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(JSON.parse(await readFile(saved, 'utf8')).settings).toEqual({ theme: 'dark' });
    await writeFile(state, JSON.stringify({ ...doc, nodes: [] }));
    const bad = await cli(['flow', 'run', flow, '--state', state]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/state-file-corrupt/);
  });
});

describe('bundles', () => {
  it('the shipped bundle runs like its flow', async () => {
    const started = await referenceServer();
    server = started.server;
    const r = await cli(['flow', 'run', BUNDLE, '--server', started.base]);
    expect(r.code, r.out + r.err).toBe(0);
  });

  it('create then inspect round-trips; the payload travels inside the bundle', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'ota-flow-')), 'b.json');
    expect((await cli(['bundle', 'create', '--flow', STORYBOARD, '--out', out])).code).toBe(0);
    const b = parseBundle(await readFile(out, 'utf8'));
    expect(b.scenarios).toEqual(['dm-bootstrap-cp', 'mms-campaign-confirm']);
    expect([...b.payloads.keys()]).toEqual(['payloads/mms-userpin.hex']);
    expect(b.payloads.get('payloads/mms-userpin.hex')![1]).toBe(0x06);
    const load = bundlePayloadLoader(b);
    expect(await load('payloads/mms-userpin.hex')).toBe(b.payloads.get('payloads/mms-userpin.hex'));
    await expect(load('payloads/none.hex')).rejects.toMatchObject({ code: 'bundle-corrupt' });
    const i = await cli(['bundle', 'inspect', out]);
    expect(i.out).toMatch(/Payloads: payloads\/mms-userpin\.hex \(336 bytes\)/);
    expect(i.out).toMatch(/15\. \[assert\]/);
  });

  it('a .hex payload may carry # comments, in flow run and bundle create alike', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ota-flow-'));
    await mkdir(join(dir, 'payloads'));
    await writeFile(join(dir, 'payloads/m.hex'), `# the user-PIN MMS vector\n${await hex()} # end\n`);
    const flow = {
      format: 'ota-handset-flow/1',
      name: 'commented-hex',
      steps: [
        { type: 'cp', payload: { file: 'payloads/m.hex' }, pin: '1234', expect: { result: 'applied' } },
      ],
    };
    await writeFile(join(dir, 'f.json'), JSON.stringify(flow));
    const run = await cli(['flow', 'run', join(dir, 'f.json')]);
    expect(run.code, run.out + run.err).toBe(0);
    const out = join(dir, 'b.json');
    const created = await cli(['bundle', 'create', '--flow', join(dir, 'f.json'), '--out', out]);
    expect(created.code, created.err).toBe(0);
    expect(parseBundle(await readFile(out, 'utf8')).payloads.get('payloads/m.hex')).toEqual(
      parseHex(await hex()),
    );
  });

  it('a damaged bundle is refused whole (exit 2), and a missing scenario stops the run', async () => {
    const good = JSON.parse(await readFile(BUNDLE, 'utf8'));
    const cases: [unknown, RegExp][] = [
      [{ ...good, format: 'ota-handset-bundle/9' }, /reads ota-handset-bundle\/1/],
      [{ ...good, device: { ...good.device, nodes: [] } }, /damaged management tree/],
      [{ ...good, payloads: {} }, /refers to payload "payloads\/mms-userpin.hex"/],
      [
        { ...good, flow: { ...good.flow, steps: [{ type: 'connect' }] } },
        /\$\.flow\.steps\[0\]\.serverId: is required/,
      ],
    ];
    for (const [json, message] of cases) {
      const path = await tmp('b.json', json);
      const r = await cli(['bundle', 'inspect', path]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect((await cli(['flow', 'run', path])).code).toBe(2);
    }
    const started = await referenceServer();
    server = started.server;
    const path = await tmp('b.json', { ...good, scenarios: ['no-such-scenario'] });
    const r = await cli(['flow', 'run', path, '--server', started.base]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/has not loaded no-such-scenario/);
  });
});
