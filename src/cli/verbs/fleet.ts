import { parseArgs } from 'node:util';
import { parseServerUrl } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { processIo, UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';
import { parseShard } from '../fleet/identities.ts';
import { formatFleetReport, runFleet, type FleetOptions } from '../fleet/run-fleet.ts';

const USAGE = [
  'Usage: ota-handset fleet --devices N --server URL [--concurrency C] [--scenario NAME]',
  '                         [--shard i/n] [--seed S] [--json]',
  '',
  'Runs N headless devices against a reference DM server: each gets the server\u2019s DM bootstrap',
  '(USERPIN push through the CP pipeline), optionally a queued scenario, then one DM session.',
  'Prints sessions per second, session latency percentiles and failures grouped by cause.',
  '',
  '  --devices N       devices in the whole fleet (all shards together)',
  '  --server URL      the server\u2019s base URL, e.g. http://127.0.0.1:4180',
  '  --concurrency C   devices at work at the same time (default 8)',
  '  --scenario NAME   queue this scenario for each device before its session',
  '  --shard i/n       run only shard i of n (devices i-1, i-1+n, ...): one machine per shard',
  '  --seed S          identities derive from (seed, index): same seed, same devices (default 1)',
  '  --authority ID    the ServerID to bootstrap and connect to (default ota-operator)',
  '  --json            print the report as JSON',
  '',
  'A progress line is shown on a terminal (stderr). Exit 0 when every device completed its',
  'session, 1 when any failed, 2 on bad usage.',
].join('\n');

function count(text: string | undefined, name: string, fallback?: number): number {
  if (text === undefined) {
    if (fallback === undefined) throw new UsageError(`${name} is required`);
    return fallback;
  }
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) throw new UsageError(`${name} is a whole number >= 1, got "${text}"`);
  return n;
}

export const fleetVerb: Verb = {
  name: 'fleet',
  summary: 'run many headless devices against a DM server; sessions/s, latency, failures',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        devices: { type: 'string' },
        server: { type: 'string' },
        concurrency: { type: 'string' },
        scenario: { type: 'string' },
        shard: { type: 'string' },
        seed: { type: 'string' },
        authority: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    });
    const devices = count(values.devices, '--devices');
    if (values.server === undefined) throw new UsageError('--server is required');
    const options: FleetOptions = {
      devices,
      server: parseServerUrl(values.server),
      concurrency: count(values.concurrency, '--concurrency', 8),
    };
    if (values.shard !== undefined) {
      const shard = parseShard(values.shard);
      if (typeof shard === 'string') throw new UsageError(shard);
      options.shard = shard;
    }
    if (values.scenario !== undefined) options.scenario = values.scenario;
    if (values.seed !== undefined) options.seed = values.seed;
    if (values.authority !== undefined) options.authority = values.authority;
    // A live line only on a terminal; pipes and CI logs get the report alone.
    const tty = io === processIo && Boolean(process.stderr.isTTY);
    if (tty)
      options.onProgress = (p) =>
        io.err(
          `\r${p.done}/${p.total} devices, ${p.failed} failed, ${((p.done * 1000) / Math.max(1, p.elapsedMs)).toFixed(1)} devices/s   `,
        );
    const report = await runFleet(options);
    if (tty) io.err('\n');
    io.out(values.json ? `${JSON.stringify(report, null, 1)}\n` : formatFleetReport(report));
    return report.failed === 0 ? EXIT.ok : EXIT.failed;
  },
};
