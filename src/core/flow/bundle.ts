/**
 * Demo bundles, format `ota-handset-bundle/1` (decision 0129): one JSON file with everything a
 * demo needs: the device state document (the CLI's --state / the browser's export), the
 * payloads the flow refers to as `{ "file": name }`, the server scenarios it uses, and the flow.
 * `parseBundle` checks all of it and returns nothing partial: a damaged bundle is refused whole.
 */
import { parseBase64, toBase64 } from '../bytes/index.ts';
import { OtaError } from '../errors.ts';
import { parseDeviceState, serializeDeviceState, type DeviceState } from '../device/state-document.ts';
import { formatFlowProblems, validateFlow } from './validate.ts';
import type { Flow } from './types.ts';

export const BUNDLE_FORMAT = 'ota-handset-bundle/1';

export interface Bundle {
  name: string;
  title?: string;
  description?: string;
  /** The device as the state document reads it. */
  device: DeviceState;
  /** The device document exactly as stored (later versions may carry more: inbox, traces, settings). */
  deviceDocument: Record<string, unknown>;
  /** Payload bytes by name, for `{ "file": name }` in the flow. */
  payloads: Map<string, Uint8Array>;
  /** Scenarios the reference server must have loaded. */
  scenarios: string[];
  flow: Flow;
}

export class BundleError extends OtaError {
  constructor(code: 'bundle-corrupt' | 'bundle-version' | 'bundle-flow-invalid', message: string) {
    super(code, message);
  }
}

/** True when the parsed JSON says it is a bundle (of any version). */
export function looksLikeBundle(json: unknown): boolean {
  const f = (json as { format?: unknown } | null)?.format;
  return typeof f === 'string' && f.startsWith('ota-handset-bundle/');
}

/** The runner's `loadFile` for a bundle: its payloads by name (the parser checked every reference). */
export function bundlePayloadLoader(bundle: Bundle): (name: string) => Promise<Uint8Array> {
  return async (name) => {
    const bytes = bundle.payloads.get(name);
    if (!bytes) throw new BundleError('bundle-corrupt', `${bundle.name}: no payload "${name}" in the bundle`);
    return bytes;
  };
}

export function parseBundle(text: string, name = 'the bundle'): Bundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BundleError('bundle-corrupt', `${name} is not valid JSON: ${(error as Error).message}`);
  }
  return bundleFromJson(json, name);
}

export function bundleFromJson(json: unknown, name = 'the bundle'): Bundle {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new BundleError('bundle-corrupt', `${name} is not an ota-handset bundle`);
  const o = json as Record<string, unknown>;
  if (!looksLikeBundle(o)) throw new BundleError('bundle-corrupt', `${name} is not an ota-handset bundle`);
  if (o.format !== BUNDLE_FORMAT)
    throw new BundleError(
      'bundle-version',
      `${name} is ${String(o.format)}; this ota-handset reads ${BUNDLE_FORMAT}`,
    );
  if (typeof o.name !== 'string' || o.name === '')
    throw new BundleError('bundle-corrupt', `${name}: "name" is required`);
  for (const k of ['title', 'description'])
    if (o[k] !== undefined && typeof o[k] !== 'string')
      throw new BundleError('bundle-corrupt', `${name}: "${k}" must be a string`);
  if (typeof o.device !== 'object' || o.device === null || Array.isArray(o.device))
    throw new BundleError('bundle-corrupt', `${name}: "device" must be a device state document`);
  let device: DeviceState;
  try {
    device = parseDeviceState(JSON.stringify(o.device), `${name}'s device`);
  } catch (error) {
    throw new BundleError('bundle-corrupt', (error as Error).message);
  }
  const payloads = new Map<string, Uint8Array>();
  if (o.payloads !== undefined) {
    if (typeof o.payloads !== 'object' || o.payloads === null || Array.isArray(o.payloads))
      throw new BundleError('bundle-corrupt', `${name}: "payloads" must map names to { "base64": ... }`);
    for (const [key, p] of Object.entries(o.payloads)) {
      const b64 = (p as { base64?: unknown } | null)?.base64;
      if (typeof b64 !== 'string')
        throw new BundleError('bundle-corrupt', `${name}: payload "${key}" needs "base64"`);
      try {
        payloads.set(key, parseBase64(b64.replace(/\s/g, '')));
      } catch (error) {
        throw new BundleError(
          'bundle-corrupt',
          `${name}: payload "${key}" is not base64: ${(error as Error).message}`,
        );
      }
    }
  }
  const scenarios = o.scenarios ?? [];
  if (!Array.isArray(scenarios) || scenarios.some((s) => typeof s !== 'string'))
    throw new BundleError('bundle-corrupt', `${name}: "scenarios" must be a list of scenario names`);
  const checked = validateFlow(o.flow);
  if (!checked.ok)
    throw new BundleError(
      'bundle-flow-invalid',
      formatFlowProblems(
        checked.errors.map((e) => ({ ...e, path: e.path.replace(/^\$/, '$.flow') })),
        name,
      ),
    );
  for (const step of checked.flow.steps) {
    const ref = 'payload' in step ? step.payload : undefined;
    if (ref && 'file' in ref && !payloads.has(ref.file))
      throw new BundleError(
        'bundle-corrupt',
        `${name}: the flow refers to payload "${ref.file}", which the bundle does not hold`,
      );
  }
  const bundle: Bundle = {
    name: o.name,
    device,
    deviceDocument: o.device as Record<string, unknown>,
    payloads,
    scenarios: scenarios as string[],
    flow: checked.flow,
  };
  if (typeof o.title === 'string') bundle.title = o.title;
  if (typeof o.description === 'string') bundle.description = o.description;
  return bundle;
}

/** Writes a bundle as text. `deviceDocument` wins over `device` when given (keeps extensions). */
export function serializeBundle(
  bundle: Omit<Bundle, 'deviceDocument'> & { deviceDocument?: Record<string, unknown> },
  savedAtMs: number,
): string {
  const device =
    bundle.deviceDocument ??
    (JSON.parse(serializeDeviceState(bundle.device, savedAtMs)) as Record<string, unknown>);
  const json = {
    format: BUNDLE_FORMAT,
    name: bundle.name,
    ...(bundle.title !== undefined ? { title: bundle.title } : {}),
    ...(bundle.description !== undefined ? { description: bundle.description } : {}),
    savedAt: new Date(savedAtMs).toISOString(),
    scenarios: bundle.scenarios,
    payloads: Object.fromEntries([...bundle.payloads].map(([k, v]) => [k, { base64: toBase64(v) }])),
    device,
    flow: bundle.flow,
  };
  return `${JSON.stringify(json, null, 1)}\n`;
}
