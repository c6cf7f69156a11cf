/**
 * Durable state (decision 0070): the JSON state file survives a restart, is written atomically
 * (temp + rename, serialised), and sessions of several devices at once do not interfere.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateFileError } from '../../../src/adapters/state-file-error.ts';
import { DeviceStore } from '../../../src/server/device-store.ts';
import { SHIPPED_SCENARIO_DIR, loadScenarios, type DmServer } from '../../../src/server/dm-server.ts';
import { ScriptedClient, commandsOf, headerStatus, startServer } from './dm-server-client.ts';

let dir: string | undefined;
const servers: DmServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function serverOn(file: string) {
  const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
  const started = await startServer({ scenarios, store: await DeviceStore.open(file) });
  servers.push(started.server);
  return started;
}

describe('state file', () => {
  it('keeps devices, nonces and queued scenarios across a restart, with atomic writes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dm-state-'));
    const file = join(dir, 'state.json');
    const first = await serverOn(file);
    const client = new ScriptedClient(first.base, 'IMEI:keep', '1', {
      auth: 'basic',
      name: 'u',
      secret: 'ota-demo-client',
    });
    expect(headerStatus(await client.post(client.package1())).Data).toBe(212);
    first.server.startScenario(
      first.server.store.get('IMEI:keep')!,
      first.server.scenarios.get('mms-campaign')!,
    );
    await first.server.close();
    servers.length = 0;
    const files = await readdir(dir);
    expect(files).toEqual(['state.json']);
    const json = JSON.parse(await readFile(file, 'utf8'));
    expect(json.format).toBe('ota-handset-dm-server-state/1');

    const second = await serverOn(file);
    const dev = second.server.store.get('IMEI:keep')!;
    expect(dev.sessions.length).toBe(1);
    expect(dev.scenarios[0]?.scenario.name).toBe('mms-campaign');
    // The queued scenario runs at the next session after the restart.
    const again = new ScriptedClient(second.base, 'IMEI:keep', '2', {
      auth: 'basic',
      name: 'u',
      secret: 'ota-demo-client',
    });
    const r = await again.post(again.package1());
    expect(commandsOf(r).map((c) => c.kind)).toEqual(['Add', 'Replace']);
  });

  it('refuses a file that is not a state file instead of overwriting it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dm-state-'));
    const file = join(dir, 'notes.json');
    await writeFile(file, '{"hello": 1}');
    await expect(DeviceStore.open(file)).rejects.toBeInstanceOf(StateFileError);
    await writeFile(file, 'not json');
    await expect(DeviceStore.open(file)).rejects.toThrow(/not JSON/);
  });

  it('serialises many quick changes into whole, valid files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dm-state-'));
    const file = join(dir, 'state.json');
    const store = await DeviceStore.open(file);
    for (let i = 0; i < 50; i++) store.ensure(`IMEI:${i}`, 'api', i);
    await store.flush();
    const json = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(json.devices).length).toBe(50);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('concurrent sessions', () => {
  it('interleaved sessions of two devices keep their own state', async () => {
    const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
    const { server, base } = await startServer({ scenarios, store: DeviceStore.memory() });
    servers.push(server);
    const a = new ScriptedClient(base, 'IMEI:a', '1', {
      auth: 'basic',
      name: 'a',
      secret: 'ota-demo-client',
    });
    const b = new ScriptedClient(base, 'IMEI:b', '1', {
      auth: 'basic',
      name: 'b',
      secret: 'ota-demo-client',
      encoding: 'wbxml',
    });
    // Register both (demo mode), then queue different scenarios.
    await a.post(a.package1());
    await b.post(b.package1());
    server.startScenario(server.store.get('IMEI:a')!, server.scenarios.get('mms-campaign')!);
    server.startScenario(server.store.get('IMEI:b')!, server.scenarios.get('lock-active-mms')!);
    const a2 = new ScriptedClient(base, 'IMEI:a', '2', {
      auth: 'basic',
      name: 'a',
      secret: 'ota-demo-client',
    });
    const b2 = new ScriptedClient(base, 'IMEI:b', '2', {
      auth: 'basic',
      name: 'b',
      secret: 'ota-demo-client',
      encoding: 'wbxml',
    });
    const [ra, rb] = await Promise.all([a2.post(a2.package1()), b2.post(b2.package1())]);
    expect(commandsOf(ra).map((c) => c.kind)).toEqual(['Add', 'Replace']);
    expect(commandsOf(rb).map((c) => c.kind)).toEqual(['Get']);
    expect(a2.url).not.toBe(b2.url);
    const [ra2, rb2] = await Promise.all([
      a2.post(a2.message(a2.answer(ra), true, false)),
      b2.post(
        b2.message(
          b2.answer(rb, () => ({ code: 200, data: 'Campaign' })),
          true,
          false,
        ),
      ),
    ]);
    expect(commandsOf(ra2)).toEqual([]);
    expect(commandsOf(rb2)).toMatchObject([
      { kind: 'Replace', Items: [{ Target: { LocURI: './MMS/Campaign?prop=Locked' } }] },
    ]);
    expect(server.store.get('IMEI:a')!.history.at(-1)?.state).toBe('passed');
    expect(server.store.get('IMEI:b')!.scenarios[0]?.state).toBe('running');
    // A message of one device sent to the other's RespURI does not join that session.
    const stray = new ScriptedClient(base, 'IMEI:a', '2', {
      auth: 'basic',
      name: 'a',
      secret: 'ota-demo-client',
    });
    stray.url = b2.url;
    stray.msgId = 5;
    const r = await stray.post(stray.message([{ kind: 'Alert', CmdID: '', Data: 1222, Items: [] }]));
    expect(r.status).toBe(404);
  });
});
