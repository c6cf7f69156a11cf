/**
 * Shipped scenarios driven the way a tester scripts them (issue #7): the reference DM server
 * in-process on 127.0.0.1:0, the console API to queue pushes and scenarios, the push channel
 * (`/push/events`, what the SMS bearer stands for) to receive them, and the `ota-handset` CLI
 * (device init, cp apply, session, tree get) run in-process on a state file.
 * The DM account comes from a server push applied with `cp apply`: a DM bootstrap
 * (USERPIN 1234) for scenarios 1-4, the scenario's own CP w7 bootstrap for scenario 6.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { luhnCheckDigit } from '../../../src/core/device/identity.ts';
import type { SessionTrace } from '../../../src/core/dm/session.ts';
import type { PushEvent } from '../../../src/core/dm-server/pushes.ts';
import { DeviceStore } from '../../../src/server/device-store.ts';
import { SHIPPED_SCENARIO_DIR, loadScenarios, type DmServer } from '../../../src/server/dm-server.ts';
import { captureIo } from '../../support/capture-io.ts';
import { startServer } from './dm-server-client.ts';

const AUTHORITY = 'ota-operator';
let server: DmServer;
let base = '';
let dmUrl = '';
let dir = '';
let imeiSeq = 0;

beforeAll(async () => {
  const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
  const started = await startServer({ scenarios, store: DeviceStore.memory() });
  server = started.server;
  base = started.base;
  const authorities = (await api('GET', '/api/authorities')) as { serverId: string; url: string }[];
  dmUrl = authorities.find((a) => a.serverId === AUTHORITY)!.url;
  dir = await mkdtemp(join(tmpdir(), 'ota-scenario-cli-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as unknown;
}

/** Runs `ota-handset <args>` in-process. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** The pushes waiting for `devId` on the push channel (they are written as soon as it connects). */
async function receivePushes(devId: string, count: number): Promise<PushEvent[]> {
  const abort = new AbortController();
  const res = await fetch(`${base}/push/events?device=${encodeURIComponent(devId)}`, {
    signal: abort.signal,
  });
  const reader = res.body!.getReader();
  const events: PushEvent[] = [];
  let text = '';
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (block.includes('event: push') && data) events.push(JSON.parse(data.slice(6)) as PushEvent);
      }
    }
  } finally {
    abort.abort();
  }
  return events;
}

/** A new headless device (its own IMEI, so its own record on the server) and its state file. */
async function newDevice(): Promise<{ state: string; devId: string }> {
  const digits = `35000000${String(++imeiSeq).padStart(6, '0')}`;
  const imei = `${digits}${luhnCheckDigit(digits)}`;
  const state = join(dir, `device-${imei}.json`);
  const r = await cli('device', 'init', '--state', state, '--imei', imei);
  expect(r.code, r.err).toBe(0);
  return { state, devId: `IMEI:${imei}` };
}

/** Applies a push received on the push channel with `ota-handset cp apply`. */
async function applyPush(state: string, push: PushEvent, pin: string): Promise<void> {
  const file = join(dir, `${push.id}.b64`);
  await writeFile(file, push.bytes, 'utf8');
  const r = await cli('cp', 'apply', file, '--state', state, '--pin', pin);
  expect(r.code, r.out + r.err).toBe(0);
}

/** A device with the operator's DM account from a DM bootstrap push (USERPIN). */
async function bootstrappedDevice(): Promise<{ state: string; devId: string }> {
  const d = await newDevice();
  await api('POST', '/api/push', {
    device: d.devId,
    kind: 'dm-bootstrap',
    sec: 'USERPIN',
    pin: '1234',
    authority: AUTHORITY,
  });
  const [push] = await receivePushes(d.devId, 1);
  expect(push?.kind).toBe('dm-bootstrap');
  await applyPush(d.state, push!, '1234');
  return d;
}

async function startScenario(devId: string, scenario: string): Promise<void> {
  await api('POST', '/api/scenarios/start', { device: devId, scenario });
}

/** `ota-handset session` with --trace; returns the exit code and the trace read back. */
async function session(state: string, ...extra: string[]) {
  const tracePath = join(dir, `trace-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  const r = await cli(
    'session',
    '--state',
    state,
    '--account',
    AUTHORITY,
    '--server',
    dmUrl,
    '--trace',
    tracePath,
    ...extra,
  );
  const trace = JSON.parse(await readFile(tracePath, 'utf8')) as SessionTrace;
  expect(trace.version).toBeDefined();
  expect(trace.serverId).toBe(AUTHORITY);
  expect(Array.isArray(trace.messages) && Array.isArray(trace.commands)).toBe(true);
  /** The handset's status codes for the server's commands of `kind` (per Item, in order). */
  const codes = (kind: string, target?: string, msgId?: string) =>
    trace.commands
      .filter(
        (c) =>
          c.from === 'server' &&
          c.kind === kind &&
          (target === undefined || c.targets.includes(target)) &&
          (msgId === undefined || c.MsgID === msgId),
      )
      .flatMap((c) => c.statuses.map((s) => s.code));
  return { ...r, trace, codes };
}

async function treeGet(state: string, uri: string): Promise<{ code: number; value: string }> {
  const r = await cli('tree', 'get', uri, '--state', state);
  return { code: r.code, value: r.out.trim() };
}

/** The device's last finished scenario run, as the console API shows it. */
async function lastRun(devId: string): Promise<{ name: string; state: string }> {
  const view = (await api('GET', `/api/devices/${encodeURIComponent(devId)}`)) as {
    history: { name: string; state: string }[];
  };
  return view.history.at(-1)!;
}

describe('shipped scenarios through the ota-handset CLI', () => {
  it('1 mms-campaign: a new MMS instance becomes Active', async () => {
    const d = await bootstrappedDevice();
    await startScenario(d.devId, 'mms-campaign');
    const s = await session(d.state);
    expect(s.code, s.out).toBe(0);
    expect(s.trace.outcome).toBe('completed');
    expect(s.codes('Add')).toEqual([200, 200, 200, 200]);
    expect(s.codes('Replace', './MMS/Campaign?prop=Active')).toEqual([200]);
    expect(await treeGet(d.state, './MMS?prop=Active')).toEqual({ code: 0, value: 'Campaign' });
    expect(await treeGet(d.state, './MMS/Campaign/Addr')).toEqual({
      code: 0,
      value: 'http://mmsc2.example.net/mms',
    });
    expect((await treeGet(d.state, './MMS/Campaign?prop=Locked')).value).toBe('false');
    expect(await lastRun(d.devId)).toMatchObject({ name: 'mms-campaign', state: 'passed' });
  });

  it('2 mms-campaign-locked: Active, Default and Locked', async () => {
    const d = await bootstrappedDevice();
    await startScenario(d.devId, 'mms-campaign-locked');
    const s = await session(d.state);
    expect(s.code, s.out).toBe(0);
    expect(s.codes('Replace')).toEqual([200, 200, 200]);
    for (const flag of ['Active', 'Default', 'Locked'])
      expect(await treeGet(d.state, `./MMS/Campaign?prop=${flag}`)).toEqual({ code: 0, value: 'true' });
    expect((await lastRun(d.devId)).state).toBe('passed');
  });

  it('3 mms-campaign-confirm, --answer 1101=yes: the change is made', async () => {
    const d = await bootstrappedDevice();
    await startScenario(d.devId, 'mms-campaign-confirm');
    const s = await session(d.state, '--answer', '1101=yes');
    expect(s.code, s.out).toBe(0);
    expect(s.err).toMatch(/alert 1101 .* -> yes/);
    expect(s.codes('Alert')).toEqual([200]);
    expect(s.codes('Replace')).toEqual([200, 200, 200]);
    expect(await treeGet(d.state, './MMS/Campaign?prop=Locked')).toEqual({ code: 0, value: 'true' });
    expect((await lastRun(d.devId)).state).toBe('passed');
  });

  it('3 mms-campaign-confirm, --answer 1101=no: nothing changes', async () => {
    const d = await bootstrappedDevice();
    await startScenario(d.devId, 'mms-campaign-confirm');
    const s = await session(d.state, '--answer', '1101=no');
    expect(s.code, s.out).toBe(0);
    // 1101 answered No (304), then the server's "declined" notice (1100) is acknowledged.
    expect(s.codes('Alert')).toEqual([304, 200]);
    expect(s.codes('Add')).toEqual([]);
    const missing = await treeGet(d.state, './MMS/Campaign');
    expect(missing.code).toBe(1);
    expect(await treeGet(d.state, './MMS?prop=Active')).toEqual({ code: 0, value: '' });
    expect((await lastRun(d.devId)).state).toBe('passed');
  });

  it('4 lock-active-mms: asks which instance is Active, then locks it', async () => {
    const d = await bootstrappedDevice();
    await startScenario(d.devId, 'mms-campaign');
    expect((await session(d.state)).code).toBe(0);
    await startScenario(d.devId, 'lock-active-mms');
    const s = await session(d.state);
    expect(s.code, s.out).toBe(0);
    expect(s.codes('Get')).toEqual([200, 200]);
    expect(s.codes('Replace', './MMS/Campaign?prop=Locked')).toEqual([200]);
    const getActive = s.trace.commands.find(
      (c) => c.kind === 'Get' && c.targets.includes('./MMS?prop=Active'),
    );
    expect(getActive?.results[0]?.items[0]?.data).toBe('Campaign');
    expect(await treeGet(d.state, './MMS/Campaign?prop=Locked')).toEqual({ code: 0, value: 'true' });
    expect((await treeGet(d.state, './MMS/Campaign?prop=Active')).value).toBe('true');
    expect(await lastRun(d.devId)).toMatchObject({ name: 'lock-active-mms', state: 'passed' });
  });

  it('6 dm-bootstrap-cp: the scenario’s own CP w7 push makes the account, then the first session', async () => {
    const d = await newDevice();
    await startScenario(d.devId, 'dm-bootstrap-cp');
    const [push] = await receivePushes(d.devId, 1);
    expect(push?.kind).toBe('cp-bootstrap');
    await applyPush(d.state, push!, '1234');
    const s = await session(d.state);
    expect(s.code, s.out).toBe(0);
    expect(s.trace.initiator).toBe('client');
    // The nonces of the w7 APPAUTH are printable text, so both sides agree on them at once:
    // no 401 and no second round for credentials.
    const statuses = s.trace.commands.filter((c) => c.from === 'server').flatMap((c) => c.statuses);
    expect(statuses.map((st) => st.code)).not.toContain(401);
    expect(s.codes('Get')).toEqual([200, 200]);
    expect(s.codes('Alert')).toEqual([200]);
    expect(s.err).toMatch(/alert 1100 .*Welcome to Example Operator/);
    const serverIds = await cli('tree', 'get', './DMAcc', '--state', d.state);
    const accounts = serverIds.out.trim().split('\n');
    expect(accounts.length).toBe(1);
    expect(await treeGet(d.state, `./DMAcc/${accounts[0]}/ServerID`)).toEqual({ code: 0, value: AUTHORITY });
    expect((await lastRun(d.devId)).state).toBe('passed');
  });

  it('2 with --answer change=no ("ask before operator changes"): the flags are refused with 215', async () => {
    const d = await bootstrappedDevice();
    await startScenario(d.devId, 'mms-campaign-locked');
    const s = await session(d.state, '--answer', 'change=no');
    expect(s.code, s.out).toBe(0);
    // A brand-new instance is not the user's setting yet: its Adds are not asked about.
    expect(s.codes('Add')).toEqual([200, 200, 200, 200]);
    expect(s.codes('Replace')).toEqual([215, 215, 215]);
    expect(s.err).toContain('change which instance is Active ./MMS/Campaign');
    for (const flag of ['Active', 'Default', 'Locked'])
      expect((await treeGet(d.state, `./MMS/Campaign?prop=${flag}`)).value).toBe('false');
  });
});
