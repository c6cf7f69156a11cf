/**
 * Fleet benchmark (issue #6): DM sessions per second of `ota-handset fleet` (runFleet, H5's
 * engine) against the reference server, here in the same process on 127.0.0.1 with the
 * shipped scenarios and a memory device store. Each device is bootstrapped over the CP
 * pipeline, gets the `mms-campaign` scenario and runs one session. Run alone with
 * `npx tsx bench/fleet.ts`.
 *
 * The comparison is the same fleet with one device at a time, measured in the same run, so the
 * ratio shows what concurrency buys on this machine (client and server share its 2 cores).
 */
import { runFleet } from '../src/cli/fleet/run-fleet.ts';
import { DeviceStore } from '../src/server/device-store.ts';
import { DmServer, SHIPPED_SCENARIO_DIR, loadScenarios } from '../src/server/dm-server.ts';
import { listen } from '../src/server/listen.ts';
import { formatTable, row, sample, type BenchRow } from './lib.ts';

const SUITE = 'fleet';
const DEVICES = 40;
const CONCURRENCY = 8;
const RUNS = 5;

export async function runFleetBench(log: (line: string) => void = () => {}): Promise<BenchRow[]> {
  const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
  const server = new DmServer({ scenarios, store: DeviceStore.memory() });
  const port = await listen(server.server, 0, '127.0.0.1', 'bench DM server');
  const base = `http://127.0.0.1:${port}`;
  try {
    const rate = async (seed: string, concurrency: number) => {
      const report = await runFleet({
        devices: DEVICES,
        concurrency,
        server: base,
        scenario: 'mms-campaign',
        seed,
      });
      if (report.failed > 0)
        throw new Error(`fleet bench: ${report.failed} devices failed: ${JSON.stringify(report.failures)}`);
      return report.sessionsPerSecond;
    };
    await rate('bench-warmup', CONCURRENCY);
    const parallel: number[] = [];
    const serial: number[] = [];
    // Fresh identities for every run (distinct seeds), alternating the two settings.
    for (let i = 0; i < RUNS; i++) {
      parallel.push(await rate(`bench-p${i}`, CONCURRENCY));
      serial.push(await rate(`bench-s${i}`, 1));
    }
    log(`fleet: ${RUNS} runs of ${DEVICES} devices each way`);
    return [
      row(
        SUITE,
        `fleet of ${DEVICES} devices (bootstrap + mms-campaign session), concurrency ${CONCURRENCY}`,
        'sessions/s',
        sample(parallel),
        { name: 'same fleet, concurrency 1', sample: sample(serial) },
        '(report; higher is better)',
      ),
    ];
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runFleetBench((line) => process.stderr.write(`${line}\n`));
  console.log(formatTable(rows));
}
