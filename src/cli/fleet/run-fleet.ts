/**
 * The fleet engine (decision 0130): many headless devices against one DM server. Each device
 * (deterministic identity, memory tree) is registered the way a real handset meets the
 * reference server: the server's DM bootstrap push (`POST /api/push`, USERPIN) goes through the
 * handset's CP pipeline, which creates the DMAcc account. Optionally a scenario is queued
 * (`POST /api/scenarios/start`), then the device runs one client-initiated DM session. Only the
 * session is timed (latency = the whole session, first POST to last reply); setup failures are
 * reported apart.
 *
 * Benchmarks import `runFleet(options)`; `ota-handset fleet` prints its report.
 */
import { createFetchTransport } from '../../adapters/fetch-transport.ts';
import { MemoryTreeStore } from '../../adapters/memory-tree-store.ts';
import { parseBase64 } from '../../core/bytes/index.ts';
import { applyPlan, planProvisioning, receivePayload } from '../../core/cp/provision.ts';
import { devId as devIdOf } from '../../core/device/identity.ts';
import { defaultAnswer } from '../../core/dm/alerts.ts';
import { createSession, runSession, type DmEncoding, type SessionTrace } from '../../core/dm/session.ts';
import type { HttpTransport, Prompter } from '../../core/ports.ts';
import { ManagementTree } from '../../core/tree/tree.ts';
import { HEADLESS_USER_AGENT } from '../headless-device.ts';
import { fleetIdentity, shardIndices, type Shard } from './identities.ts';
import { ServerClient } from './server-client.ts';
import { systemRandom as random } from '../../adapters/system-random.ts';
import { systemClock } from '../../adapters/system-clock.ts';

export interface FleetOptions {
  /** Devices in the whole fleet (all shards). */
  devices: number;
  /** The reference server: base URL, e.g. http://127.0.0.1:4180 (DM sessions use the bootstrapped address). */
  server: string;
  /** Devices working at the same time. Default 8. */
  concurrency?: number;
  /** Scenario queued for each device before its session. */
  scenario?: string;
  shard?: Shard;
  /** Identities derive from (seed, index). Default "1". */
  seed?: string;
  /** ServerID to bootstrap and connect to. Default ota-operator. */
  authority?: string;
  encoding?: DmEncoding;
  /** HTTP timeout per message. Default 30000. */
  timeoutMs?: number;
  /** Told after each device. */
  onProgress?: (progress: FleetProgress) => void;
  /** Test hook: wraps the transport of every session (e.g. fault injection). */
  wrapTransport?: (transport: HttpTransport, index: number) => HttpTransport;
  now?: () => number;
}

export interface FleetProgress {
  done: number;
  total: number;
  failed: number;
  elapsedMs: number;
}

export interface FleetFailure {
  /** Stable cause: `setup: <code>`, `session: <error code or outcome>`. */
  cause: string;
  count: number;
  /** One example reason and the device it happened to. */
  example: { devId: string; reason: string };
}

export interface FleetReport {
  seed: string;
  shard: Shard;
  /** Devices in this shard. */
  devices: number;
  /** Sessions that completed. */
  completed: number;
  /** Devices whose setup or session failed. */
  failed: number;
  durationMs: number;
  /** Completed sessions per second of wall time (setup included in the wall time). */
  sessionsPerSecond: number;
  /** Session latency of completed sessions, ms; undefined when none completed. */
  latencyMs?: { min: number; p50: number; p90: number; p99: number; max: number; mean: number };
  failures: FleetFailure[];
  /** First and last DevId of the shard, to find them in the console. */
  firstDevId?: string;
  lastDevId?: string;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Fleet devices answer prompts with the alert's default, else OK / yes, as a patient user would. */
const patientUser: Prompter = {
  ask: async (request) =>
    defaultAnswer(request) ??
    (request.kind === 'confirm'
      ? { kind: 'yes' }
      : request.kind === 'text-input'
        ? { kind: 'text', text: '' }
        : request.kind === 'display'
          ? { kind: 'ok' }
          : { kind: 'choice', indices: [1] }),
};

class SetupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sessionCause(trace: SessionTrace): string {
  if (trace.error?.code) return `session: ${trace.error.code}`;
  return `session: ${trace.outcome ?? 'unfinished'}`;
}

export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const now = options.now ?? (() => performance.now());
  const seed = options.seed ?? '1';
  const shard = options.shard ?? { index: 1, count: 1 };
  const authority = options.authority ?? 'ota-operator';
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const indices = shardIndices(options.devices, shard);
  const client = new ServerClient(options.server);
  const clock = systemClock;
  const latencies: number[] = [];
  const failures = new Map<string, FleetFailure>();
  let done = 0;
  let failed = 0;
  const started = now();

  const fail = (cause: string, devId: string, reason: string) => {
    failed++;
    const f = failures.get(cause);
    if (f) f.count++;
    else failures.set(cause, { cause, count: 1, example: { devId, reason } });
  };

  const one = async (index: number): Promise<void> => {
    const identity = fleetIdentity(seed, index);
    const devId = devIdOf(identity);
    let tree: ManagementTree;
    try {
      tree = await ManagementTree.openWithFactory(new MemoryTreeStore(), clock, identity);
      let event;
      try {
        event = await client.push(devId, { kind: 'dm-bootstrap', sec: 'USERPIN', pin: '1234', authority });
      } catch (error) {
        throw new SetupError('server-api', (error as Error).message);
      }
      let record = receivePayload(parseBase64(event.bytes), {
        id: `fleet-${index}`,
        receivedAt: clock.now(),
        source: 'push',
        pin: '1234',
        imsi: identity.imsi,
      });
      if (record.status === 'received') record = planProvisioning(record, tree);
      if (record.status === 'awaiting-consent') record = await applyPlan(record, tree, { at: clock.now() });
      if (record.status !== 'applied')
        throw new SetupError(
          `bootstrap-${record.error?.code ?? record.status}`,
          record.error?.message ?? `the DM bootstrap was ${record.status}`,
        );
      if (options.scenario !== undefined) {
        try {
          await client.startScenario(devId, options.scenario);
        } catch (error) {
          throw new SetupError('scenario-start', (error as Error).message);
        }
      }
    } catch (error) {
      const code = error instanceof SetupError ? error.code : 'unexpected';
      fail(`setup: ${code}`, devId, (error as Error).message);
      return;
    }
    // The same user-agent as `session run` and `flow run`, so the server sees one kind of handset.
    let transport: HttpTransport = createFetchTransport({
      timeoutMs: options.timeoutMs ?? 30000,
      headers: { 'user-agent': HEADLESS_USER_AGENT },
    });
    if (options.wrapTransport) transport = options.wrapTransport(transport, index);
    const t0 = now();
    let trace: SessionTrace;
    try {
      const session = createSession({
        tree,
        serverId: authority,
        clock,
        random,
        prompter: patientUser,
        ...(options.encoding ? { encoding: options.encoding } : {}),
      });
      trace = await runSession(session, transport);
    } catch (error) {
      fail('session: unexpected', devId, (error as Error).message);
      return;
    }
    const elapsed = now() - t0;
    if (trace.outcome === 'completed') latencies.push(elapsed);
    else fail(sessionCause(trace), devId, trace.reason ?? trace.outcome ?? 'unfinished');
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < indices.length) {
      const index = indices[next++]!;
      await one(index);
      done++;
      options.onProgress?.({ done, total: indices.length, failed, elapsedMs: now() - started });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, indices.length) }, worker));

  const durationMs = now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const report: FleetReport = {
    seed,
    shard,
    devices: indices.length,
    completed: latencies.length,
    failed,
    durationMs: round(durationMs),
    sessionsPerSecond: durationMs > 0 ? round((latencies.length * 1000) / durationMs) : 0,
    failures: [...failures.values()].sort((a, b) => b.count - a.count),
  };
  if (sorted.length > 0)
    report.latencyMs = {
      min: round(sorted[0]!),
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1)!),
      mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    };
  if (indices.length > 0) {
    report.firstDevId = devIdOf(fleetIdentity(seed, indices[0]!));
    report.lastDevId = devIdOf(fleetIdentity(seed, indices.at(-1)!));
  }
  return report;
}

/** The report for people. */
export function formatFleetReport(r: FleetReport): string {
  const lines = [
    `Fleet seed ${r.seed}, shard ${r.shard.index}/${r.shard.count}: ${r.devices} devices${r.firstDevId ? ` (${r.firstDevId} .. ${r.lastDevId})` : ''}`,
    `  sessions completed  ${r.completed}`,
    `  failed              ${r.failed}`,
    `  wall time           ${(r.durationMs / 1000).toFixed(2)} s`,
    `  sessions/s          ${r.sessionsPerSecond}`,
  ];
  if (r.latencyMs)
    lines.push(
      `  latency ms          p50 ${r.latencyMs.p50}  p90 ${r.latencyMs.p90}  p99 ${r.latencyMs.p99}  (min ${r.latencyMs.min}, max ${r.latencyMs.max}, mean ${r.latencyMs.mean})`,
    );
  if (r.failures.length > 0) {
    lines.push('  failures by cause:');
    for (const f of r.failures)
      lines.push(
        `    ${String(f.count).padStart(5)}  ${f.cause}  e.g. ${f.example.devId}: ${f.example.reason}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
