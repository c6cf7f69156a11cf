import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freshDeviceState, loadDeviceState } from '../../adapters/state-file.ts';
import { BundleError, parseBundle, serializeBundle } from '../../core/flow/bundle.ts';
import { narrate } from '../../core/flow/runner.ts';
import { formatFlowProblems, parseFlow } from '../../core/flow/validate.ts';
import { EXIT } from '../exit-codes.ts';
import { readTextArg, UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';
import { withStateErrors } from '../headless-device.ts';
import { payloadBytes } from '../../core/flow/payload-file.ts';

const USAGE = [
  'Usage: ota-handset bundle inspect <bundle.json>',
  '       ota-handset bundle create --flow F --out OUT [--state S] [--name N] [--title T]',
  '',
  'A demo bundle (docs/flows.md) is one file: a device state, the payloads and scenarios a flow',
  'uses, and the flow. Run it with `ota-handset flow run bundle.json --server URL`.',
  '',
  '  inspect   prints what the bundle holds: device, payloads, scenarios, each step\u2019s narration',
  '  create    packs the flow F, every payload file it refers to (relative to F; .hex files hold',
  '            hex text), the scenarios its scenario steps start, and the device in S (default:',
  '            a fresh device) into OUT',
  '',
  'Exit 0 on success, 2 for a damaged bundle, flow or state file.',
].join('\n');

async function inspect(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {}, strict: true });
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0) throw new UsageError('give one bundle file');
  const text = await readTextArg(path);
  let b;
  try {
    b = parseBundle(text, path);
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    io.err(`error ${error.code}: ${error.message}\n`);
    return EXIT.usage;
  }
  const lines = [
    `Bundle ${b.name}${b.title ? `: ${b.title}` : ''}`,
    ...(b.description ? [`  ${b.description}`] : []),
    `Device: ${b.device.identity.name} (IMEI ${b.device.identity.imei}, IMSI ${b.device.identity.imsi}), ${b.device.nodes.length} tree nodes`,
    `Payloads: ${b.payloads.size === 0 ? 'none' : [...b.payloads].map(([k, v]) => `${k} (${v.length} bytes)`).join(', ')}`,
    `Scenarios the server needs: ${b.scenarios.length === 0 ? 'none' : b.scenarios.join(', ')}`,
    `Flow ${b.flow.name}, ${b.flow.steps.length} steps:`,
    ...b.flow.steps.map((s, i) => `  ${String(i + 1).padStart(2)}. [${s.type}] ${narrate(s)}`),
  ];
  io.out(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

async function create(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      flow: { type: 'string' },
      out: { type: 'string' },
      state: { type: 'string' },
      name: { type: 'string' },
      title: { type: 'string' },
    },
    strict: true,
  });
  if (values.flow === undefined) throw new UsageError('--flow is required');
  if (values.out === undefined) throw new UsageError('--out is required');
  const text = await readTextArg(values.flow);
  const checked = parseFlow(text, values.flow);
  if (!checked.ok) {
    io.err(`error flow-invalid:\n${formatFlowProblems(checked.errors, values.flow)}\n`);
    return EXIT.usage;
  }
  const flow = checked.flow;
  const device =
    values.state === undefined ? freshDeviceState(Date.now()) : await loadDeviceState(values.state);
  if (!device) throw new UsageError(`no state file at ${values.state ?? ''}`);
  const base = dirname(resolve(values.flow));
  const payloads = new Map<string, Uint8Array>();
  for (const step of flow.steps) {
    const ref = 'payload' in step ? step.payload : undefined;
    if (!ref || !('file' in ref) || payloads.has(ref.file)) continue;
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(base, ref.file));
    } catch (error) {
      throw new UsageError(`the flow's payload ${ref.file}: ${(error as Error).message}`);
    }
    payloads.set(ref.file, payloadBytes(ref.file, new Uint8Array(bytes)));
  }
  const scenarios = [...new Set(flow.steps.flatMap((s) => (s.type === 'scenario' ? [s.name] : [])))];
  const title = values.title ?? flow.title;
  const description = flow.description;
  await writeFile(
    values.out,
    serializeBundle(
      {
        name: values.name ?? flow.name,
        ...(title !== undefined ? { title } : {}),
        ...(description !== undefined ? { description } : {}),
        device,
        payloads,
        scenarios,
        flow,
      },
      Date.now(),
    ),
    'utf8',
  );
  io.out(
    `${values.out}: bundle "${values.name ?? flow.name}" with ${payloads.size} payloads, ${scenarios.length} scenarios, ${flow.steps.length} steps\n`,
  );
  return EXIT.ok;
}

export const bundleVerb: Verb = {
  name: 'bundle',
  summary: 'create or inspect a demo bundle (device state, payloads, scenarios and a flow)',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'inspect') return inspect(rest, io);
    if (sub === 'create') return withStateErrors(io, () => create(rest, io));
    throw new UsageError(sub === undefined ? 'give inspect or create' : `unknown bundle command "${sub}"`);
  },
};
