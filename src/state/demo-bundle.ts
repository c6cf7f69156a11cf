/**
 * Demo bundles in the browser (format of src/core/flow/bundle.ts, decision 0129): a handset's
 * state document, the inbox payloads the tester chose, and a flow that replays them in order,
 * one `cp` step each. See docs/decisions/0138-snapshots-reset-and-bundles.md.
 */
import type { InboxRecord } from '../core/cp/inbox.ts';
import type { CompleteDeviceState } from '../core/device/state-document.ts';
import { readDeviceStateJson } from '../core/device/state-document.ts';
import { parseBundle, serializeBundle, type Bundle } from '../core/flow/bundle.ts';
import { FLOW_FORMAT, type FlowStep } from '../core/flow/types.ts';
import { createFactoryTree } from '../core/tree/factory.ts';
import { OtaError } from '../core/errors.ts';
import { count } from './wording.ts';

export interface DemoBundleChoice {
  /** Bundle (and flow) name. */
  name: string;
  /** Inbox record ids to replay, in the order given. */
  payloadIds: string[];
  /** Start the demo from the factory state of this handset (identity kept) instead of its state now. */
  fromFactory: boolean;
  /** Reference server scenarios the demo needs. */
  scenarios: string[];
}

export class DemoBundleError extends OtaError {
  constructor(message: string) {
    super('bundle-empty', message);
  }
}

/** A file-name-safe name: letters, digits, `.`, `_`, `-`. */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'payload';
}

function payloadName(record: InboxRecord, index: number): string {
  return `${index + 1}-${safe(record.sourceName ?? record.id)}`;
}

/** The bundle as text. The flow has one `cp` step per chosen payload, oldest first as chosen. */
export function buildDemoBundle(state: CompleteDeviceState, choice: DemoBundleChoice, nowMs: number): string {
  const records = choice.payloadIds.map((id) => state.inbox.find((r) => r.id === id));
  if (records.length === 0 || records.some((r) => r === undefined))
    throw new DemoBundleError('Choose at least one message of the inbox to put in the bundle.');
  const chosen = records as InboxRecord[];
  const name = choice.name.trim() || `${state.identity.name} demo`;
  const payloads = new Map(chosen.map((r, i) => [payloadName(r, i), r.raw]));
  const steps: FlowStep[] = chosen.map((r, i) => ({
    type: 'cp',
    title: `Receive ${r.sourceName ?? r.id}`,
    payload: { file: payloadName(r, i) },
  }));
  const device: CompleteDeviceState = choice.fromFactory
    ? {
        identity: state.identity,
        nodes: createFactoryTree(state.identity, nowMs),
        inbox: [],
        traces: [],
        settings: {},
      }
    : state;
  const bundle: Omit<Bundle, 'deviceDocument'> = {
    name,
    title: name,
    description: `Made in the browser from the handset "${state.identity.name}" (${count(chosen.length, 'payload')}).`,
    device,
    payloads,
    scenarios: choice.scenarios,
    flow: { format: FLOW_FORMAT, name, steps },
  };
  return serializeBundle(bundle, nowMs);
}

export interface ReadBundle {
  bundle: Bundle;
  /** The bundle's device with every section (inbox, traces, settings), ready to import. */
  device: CompleteDeviceState;
}

/** Reads and validates a bundle; throws the bundle's or the state document's error. */
export function readDemoBundle(text: string, fileName: string): ReadBundle {
  const bundle = parseBundle(text, fileName);
  return { bundle, device: readDeviceStateJson(bundle.deviceDocument, `${fileName}'s device`) };
}
