/** The fleet engine against the in-process reference server: identities, shards, report, CLI. */
import { afterEach, describe, expect, it } from 'vitest';
import { identityProblems } from '../../../src/core/device/identity.ts';
import { TransportError, type HttpTransport } from '../../../src/core/ports.ts';
import { fleetIdentity, parseShard, shardIndices } from '../../../src/cli/fleet/identities.ts';
import { percentile, runFleet } from '../../../src/cli/fleet/run-fleet.ts';
import { HEADLESS_USER_AGENT } from '../../../src/cli/headless-device.ts';
import { main } from '../../../src/cli/main.ts';
import type { DmServer } from '../../../src/server/dm-server.ts';
import { captureIo } from '../../support/capture-io.ts';
import { referenceServer } from './support.ts';

let server: DmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('fleet identities and shards', () => {
  it('derives valid, distinct, repeatable identities from (seed, index)', () => {
    const ids = Array.from({ length: 500 }, (_, i) => fleetIdentity('s1', i));
    for (const id of ids) expect(identityProblems(id)).toEqual({});
    expect(new Set(ids.map((i) => i.imei)).size).toBe(500);
    expect(fleetIdentity('s1', 7)).toEqual(ids[7]);
    expect(fleetIdentity('s2', 7).imei).not.toBe(ids[7]!.imei);
  });

  it('splits indices into disjoint shards that cover the fleet', () => {
    const all = [1, 2, 3].flatMap((i) => shardIndices(10, { index: i, count: 3 }));
    expect(all.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shardIndices(10, { index: 2, count: 3 })).toEqual([1, 4, 7]);
    expect(parseShard('0/3')).toMatch(/1\.\.n/);
    expect(parseShard('2-3')).toMatch(/i\/n/);
    expect(parseShard('3/3')).toEqual({ index: 3, count: 3 });
  });

  it('nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(v, 50), percentile(v, 90), percentile(v, 99)]).toEqual([50, 90, 99]);
    expect(percentile([5], 99)).toBe(5);
  });
});

describe('runFleet', () => {
  it('20 devices, concurrency 4, with a scenario: every session completes and the server saw them all', async () => {
    const started = await referenceServer();
    server = started.server;
    const progress: number[] = [];
    const report = await runFleet({
      devices: 20,
      concurrency: 4,
      server: started.base,
      scenario: 'mms-campaign',
      seed: 'test',
      onProgress: (p) => progress.push(p.done),
    });
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ devices: 20, completed: 20, failed: 0 });
    expect(report.sessionsPerSecond).toBeGreaterThan(0);
    expect(report.latencyMs!.p50).toBeLessThanOrEqual(report.latencyMs!.p90);
    expect(report.latencyMs!.p90).toBeLessThanOrEqual(report.latencyMs!.p99);
    expect(progress).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Each device ran its scenario to the end on the server.
    const devices = started.server.store.all();
    expect(devices.length).toBe(20);
    expect(devices.every((d) => d.history.at(-1)?.state === 'passed')).toBe(true);
  });

  it('groups failures by cause (dropped connections on some devices)', async () => {
    const started = await referenceServer();
    server = started.server;
    const drop = (t: HttpTransport, index: number): HttpTransport =>
      index % 3 === 0
        ? {
            post: async (url) => {
              throw new TransportError('network', 'dropped', { url });
            },
          }
        : t;
    const report = await runFleet({ devices: 9, concurrency: 3, server: started.base, wrapTransport: drop });
    expect(report.completed).toBe(6);
    expect(report.failed).toBe(3);
    expect(report.failures).toEqual([
      {
        cause: 'session: transport-network',
        count: 3,
        example: expect.objectContaining({ reason: expect.any(String) }),
      },
    ]);
  });

  it('sends the headless device\u2019s user-agent on its DM sessions, like session run and flow run', async () => {
    const started = await referenceServer();
    server = started.server;
    const report = await runFleet({ devices: 1, concurrency: 1, server: started.base });
    expect(report.completed).toBe(1);
    const received = started.server.store
      .all()
      .flatMap((d) => d.sessions.flatMap((s) => s.trace.messages))
      .filter((m) => m.direction === 'in');
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((m) => m.headers['user-agent'] === HEADLESS_USER_AGENT)).toBe(true);
  });

  it('reports an unreachable server as a setup failure', async () => {
    const report = await runFleet({ devices: 2, concurrency: 2, server: 'http://127.0.0.1:9' });
    expect(report.completed).toBe(0);
    expect(report.failures.map((f) => [f.cause, f.count])).toEqual([['setup: server-api', 2]]);
  });
});

describe('ota-handset fleet', () => {
  it('prints the report and exits 0; shards split the fleet', async () => {
    const started = await referenceServer();
    server = started.server;
    const io = captureIo();
    const code = await main(
      ['fleet', '--devices', '6', '--server', started.base, '--shard', '2/3', '--json'],
      io,
    );
    expect(code, io.stderr()).toBe(0);
    const report = JSON.parse(io.stdout());
    expect(report).toMatchObject({ devices: 2, completed: 2, shard: { index: 2, count: 3 } });
    const text = captureIo();
    expect(await main(['fleet', '--devices', '2', '--server', started.base], text)).toBe(0);
    expect(text.stdout()).toMatch(/sessions\/s\s+[\d.]+\n\s+latency ms\s+p50 [\d.]+\s+p90 [\d.]+\s+p99/);
  });

  it('bad usage exits 2', async () => {
    for (const args of [
      ['fleet'],
      ['fleet', '--devices', '0', '--server', 'http://x'],
      ['fleet', '--devices', '3', '--server', 'x', '--shard', '4/3'],
    ]) {
      const io = captureIo();
      expect(await main(args, io)).toBe(2);
    }
  });
});
