import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFetchTransport } from '../../adapters/fetch-transport.ts';
import { MemoryTreeStore } from '../../adapters/memory-tree-store.ts';
import { freshDeviceState, loadDeviceState, saveDeviceState } from '../../adapters/state-file.ts';
import {
  bundleFromJson,
  BundleError,
  bundlePayloadLoader,
  looksLikeBundle,
  type Bundle,
} from '../../core/flow/bundle.ts';
import { CoreFlowDevice } from '../../core/flow/core-device.ts';
import { formatFlowReport, runFlow } from '../../core/flow/runner.ts';
import type { Flow, FlowReport } from '../../core/flow/types.ts';
import { formatFlowProblems, validateFlow } from '../../core/flow/validate.ts';
import type { DeviceState } from '../../core/device/state-document.ts';
import { ManagementTree } from '../../core/tree/tree.ts';
import { parseServerUrl } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { readTextArg, UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';
import { HEADLESS_USER_AGENT, withStateErrors } from '../headless-device.ts';
import { HttpFlowServer, ServerApiError, ServerClient } from '../fleet/server-client.ts';
import { systemClock as clock } from '../../adapters/system-clock.ts';
import { systemRandom as random } from '../../adapters/system-random.ts';
import { parseFaultFlags } from './session.ts';
import { payloadBytes } from '../../core/flow/payload-file.ts';

const USAGE = [
  'Usage: ota-handset flow run <flow.json|bundle.json> [--server URL] [--state F] [options]',
  '       ota-handset flow validate <flow.json|bundle.json>',
  '',
  'Runs a scripted flow (docs/flows.md) on a headless device and prints a report: each step',
  'with what it did, PASS / FAIL, and every failed check with what was expected and what came.',
  '',
  '  --server URL      the reference DM server (its base URL, e.g. http://127.0.0.1:4180):',
  '                    needed by push and scenario steps; DM sessions use the accounts\u2019 addresses',
  '                    (add ?token=T when the server needs its access token)',
  '  --state F         start from this device state file (not changed unless --save-state);',
  '                    default: a fresh device with the default identity, or the bundle\u2019s device',
  '  --save-state OUT  write the device after the flow to OUT',
  '  --report OUT      write the report as JSON',
  '  --fault SPEC      inject a fault in every session; repeatable:',
  '                      status:<uri-pattern>[:<Command>]=<code>   e.g. status:./MMS/*:Replace=500',
  '                      drop-at:<n>[:before]                     e.g. drop-at:3',
  '                      delay:<ms>[@<n>]                         e.g. delay:500',
  '  --json            print the report as JSON instead of text',
  '',
  'Exit 0 when every step passed, 1 when a step or assertion failed, 2 for a bad flow file',
  '(each problem printed with its place, e.g. $.steps[2].expect.result), 3 when a step failed',
  'on a security check (wrong PIN, MAC or notification digest).',
].join('\n');

interface Loaded {
  flow: Flow;
  bundle?: Bundle;
  /** Where `{ "file": ... }` payloads are read from. */
  loadFile: (name: string) => Promise<Uint8Array>;
}

/** Reads a flow or a bundle; prints the problems and returns undefined when it is bad. */
async function load(path: string, io: CliIo): Promise<Loaded | undefined> {
  const text = await readTextArg(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    io.err(`error flow-invalid: ${path} is not valid JSON: ${(error as Error).message}\n`);
    return undefined;
  }
  if (looksLikeBundle(json)) {
    try {
      const bundle = bundleFromJson(json, path);
      return {
        flow: bundle.flow,
        bundle,
        loadFile: bundlePayloadLoader(bundle),
      };
    } catch (error) {
      if (!(error instanceof BundleError)) throw error;
      io.err(`error ${error.code}: ${error.message}\n`);
      return undefined;
    }
  }
  const checked = validateFlow(json);
  if (!checked.ok) {
    io.err(`error flow-invalid:\n${formatFlowProblems(checked.errors, path)}\n`);
    return undefined;
  }
  const base = dirname(resolve(path));
  return {
    flow: checked.flow,
    loadFile: async (name) => {
      return payloadBytes(name, new Uint8Array(await readFile(resolve(base, name))));
    },
  };
}

/** Exit code of a finished report. */
export function exitFor(report: FlowReport): number {
  if (report.passed) return EXIT.ok;
  const first = report.steps.find((s) => s.outcome === 'failed' || s.outcome === 'error');
  if (first?.failures.some((f) => f.security)) return EXIT.security;
  return EXIT.failed;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      state: { type: 'string' },
      'save-state': { type: 'string' },
      report: { type: 'string' },
      fault: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0) throw new UsageError('give one flow or bundle file');
  const faults = parseFaultFlags(values.fault ?? []);
  const loaded = await load(path, io);
  if (!loaded) return EXIT.usage;

  let state: DeviceState;
  if (values.state !== undefined) {
    const s = await loadDeviceState(values.state);
    if (!s) throw new UsageError(`no state file at ${values.state}`);
    state = s;
  } else state = loaded.bundle?.device ?? freshDeviceState(clock.now());
  const tree = await ManagementTree.open(new MemoryTreeStore(structuredClone(state.nodes)), { clock });

  let server: HttpFlowServer | undefined;
  if (values.server !== undefined) {
    const client = new ServerClient(parseServerUrl(values.server));
    server = new HttpFlowServer(client);
    if (loaded.bundle && loaded.bundle.scenarios.length > 0) {
      try {
        const list = await client.api<{ name: string }[]>('/api/scenarios');
        const missing = loaded.bundle.scenarios.filter((n) => !list.some((s) => s.name === n));
        if (missing.length > 0) {
          io.err(
            `error scenario-missing: the server at ${client.base} has not loaded ${missing.join(', ')}\n`,
          );
          return EXIT.failed;
        }
      } catch (error) {
        if (!(error instanceof ServerApiError)) throw error;
        io.err(`error ${error.code}: ${error.message}\n`);
        return EXIT.failed;
      }
    }
  }
  const device = new CoreFlowDevice({
    tree,
    identity: state.identity,
    clock,
    random,
    transport: createFetchTransport({
      timeoutMs: 30000,
      headers: { 'user-agent': HEADLESS_USER_AGENT },
    }),
    sleep: (ms) => sleep(ms),
    ...(server ? { server } : {}),
  });
  let report: FlowReport;
  try {
    if (server) {
      try {
        await server.open(device.devId);
      } catch (error) {
        io.err(
          `error server-api: the push channel of ${values.server} cannot be opened: ${(error as Error).message}\n`,
        );
        return EXIT.failed;
      }
    }
    report = await runFlow(loaded.flow, device, {
      now: clock.now,
      loadFile: loaded.loadFile,
      faults,
      onStep: (s) => {
        if (!values.json) io.err(`${s.outcome === 'passed' ? '.' : s.outcome === 'skipped' ? 's' : 'x'}`);
      },
    });
  } finally {
    server?.close();
  }
  if (!values.json) io.err('\n');
  io.out(values.json ? `${JSON.stringify(report, null, 1)}\n` : formatFlowReport(report));
  if (values.report !== undefined)
    await writeFile(values.report, `${JSON.stringify(report, null, 1)}\n`, 'utf8');
  if (values['save-state'] !== undefined)
    await saveDeviceState(
      values['save-state'],
      // The input's other sections (inbox, traces, settings) travel on unchanged.
      { ...state, nodes: tree.snapshot() },
      clock.now(),
    );
  return exitFor(report);
}

async function validate(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {}, strict: true });
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0) throw new UsageError('give one flow or bundle file');
  const loaded = await load(path, io);
  if (!loaded) return EXIT.usage;
  const kinds = [...new Set(loaded.flow.steps.map((s) => s.type))].join(', ');
  io.out(
    `${path}: valid ${loaded.bundle ? 'bundle' : 'flow'} "${loaded.flow.name}", ${loaded.flow.steps.length} steps (${kinds})\n`,
  );
  return EXIT.ok;
}

export const flowVerb: Verb = {
  name: 'flow',
  summary: 'run or validate a scripted flow (steps and assertions) on a headless device',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'run') return withStateErrors(io, () => run(rest, io));
    if (sub === 'validate') return validate(rest, io);
    throw new UsageError(sub === undefined ? 'give run or validate' : `unknown flow command "${sub}"`);
  },
};
